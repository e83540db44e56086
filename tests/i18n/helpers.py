"""Helpers shared by this folder's tests (test modules never import each other)."""


def _entries(text: str) -> list[dict]:
    """The .po file's entries: msgid, msgid_plural and msgstr / msgstr[n], their continued lines joined."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry, key = {"flags": ""}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += line[1:-1]
            else:
                key, _, value = line.partition(" ")
                entry[key] = value[1:-1]
        entries.append(entry)
    return entries
