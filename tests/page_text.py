"""Where text sits on a rendered page: open, or folded inside a closed <details>."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Finder(HTMLParser):
    """Records, for every piece of text on the page, the elements it sits in."""

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.texts: list[tuple[str, tuple[str, ...]]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            # A <details open> shows its text without a click: only a closed one folds it.
            self.stack.append("details-open" if tag == "details" and "open" in dict(attrs) else tag)

    def handle_endtag(self, tag):
        names = {tag, "details-open"} if tag == "details" else {tag}
        if names & set(self.stack):
            while self.stack.pop() not in names:
                pass

    def handle_data(self, data):
        if data.strip():
            self.texts.append((" ".join(data.split()), tuple(self.stack)))


def places(html: str, text: str) -> list[tuple[str, ...]]:
    """The element stacks of every occurrence of `text` on the page."""
    finder = _Finder()
    finder.feed(html)
    return [stack for data, stack in finder.texts if text in data]


def shown_open(html: str, text: str) -> bool:
    """Shown where no click is needed (Highfield's unit guidance, folded, may repeat a criterion's note)."""
    found = places(html, text)
    assert found, f"not on the page: {text!r}"
    return any("details" not in stack for stack in found)


def shown_folded(html: str, text: str) -> bool:
    found = places(html, text)
    assert found, f"not on the page: {text!r}"
    return all("details" in stack for stack in found)
