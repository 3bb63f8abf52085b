"""What a browser does with the panel's auto-submitting checkout page: read its form."""

from html.parser import HTMLParser


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: list[tuple[str, str]] = []
        self.scripts = 0
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form" and values.get("id") == "gateway-form":
            self.action, self.inside = values["action"], True
        elif tag == "input" and self.inside and values.get("type") == "hidden":
            self.fields.append((values["name"], values.get("value", "")))
        elif tag == "script" and "src" not in values:
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def read_form(page: str) -> tuple[str, list[tuple[str, str]]]:
    """The gateway form's action and hidden fields, in page order."""
    parser = _Form()
    parser.feed(page)
    assert parser.scripts == 1, "the page submits the form by itself"
    return parser.action, parser.fields
