"""The Welsh catalogue is complete: every message has a Welsh translation, none fuzzy, every plural form given."""

import re

from django.utils import translation

from .conftest import PO
from .helpers import _entries


def test_every_message_has_a_welsh_translation():
    entries = _entries(PO.read_text(encoding="utf-8"))
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "Language: cy" in header["msgstr"]
    assert "nplurals=4" in header["msgstr"]
    assert len(messages) > 200
    for entry in messages:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        if "msgid_plural" in entry:
            forms = [entry.get(f"msgstr[{n}]", "") for n in range(4)]
            assert all(forms), entry["msgid"]
        else:
            assert entry["msgstr"], entry["msgid"]
        # The placeholders survive translation.
        translated = entry.get("msgstr") or entry.get("msgstr[0]")
        assert set(re.findall(r"%\(\w+\)[sd]", translated)) == set(re.findall(r"%\(\w+\)[sd]", entry["msgid"]))


def test_the_compiled_catalogue_answers_in_welsh():
    with translation.override("cy"):
        assert translation.gettext("My portfolio") == "Fy mhortffolio"
        assert translation.ngettext("Added %(count)d file.", "Added %(count)d files.", 3) % {"count": 3} == (
            "Ychwanegwyd 3 ffeil."
        )
