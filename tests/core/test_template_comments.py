"""A `{# ... #}` comment ends on its own line: Django writes one that runs on into the page as text (the learner
list once showed its note about drop-downs to every admin). Longer notes use {% comment %}."""

import re
from pathlib import Path

from django.conf import settings


def test_no_template_has_a_one_line_comment_running_over_lines():
    unclosed = []
    for path in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if re.search(r"\{#(?!.*#\})", line):
                unclosed.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert unclosed == []
