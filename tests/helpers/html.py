"""Reading pages the way a test should: with a parser, not by searching for substrings."""

from __future__ import annotations

from html.parser import HTMLParser

HTML = {"accept": "text/html"}  # the Accept header of a browser asking for a page


class Page(HTMLParser):
    """The parts of a page tests look at: inputs, forms, headings, links and text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.forms: list[str] = []
        self.links: list[str] = []
        self.headings: list[str] = []
        self.errors: list[str] = []
        self.selects: dict[str, list[str]] = {}  # each <select>'s option values
        self.by_id: dict[str, dict[str, str]] = {}  # each element's attributes, by its id
        self._select = ""
        self._text: list[str] = []
        self._heading = False
        self._error = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id"):
            self.by_id[a["id"]] = {"tag": tag, **a}
        if tag == "input" and a.get("name"):
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self.inputs[a["name"]] = a.get("value", "")
        elif tag == "form":
            self.forms.append(a.get("action", ""))
        elif tag == "a":
            self.links.append(a.get("href", ""))
        elif tag == "h1":
            self._heading = True
        elif tag == "select":
            self._select = a.get("name", "")
            self.selects.setdefault(self._select, [])
        elif tag == "option" and self._select:
            self.selects[self._select].append(a.get("value", ""))
        if "error-message" in a.get("class", ""):
            self._error = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._heading = False
        if tag == "select":
            self._select = ""
        if tag == "p":
            self._error = False

    def handle_data(self, data: str) -> None:
        self._text.append(data)
        if self._heading:
            self.headings.append(data.strip())
        if self._error and data.strip() and data.strip() != "Error:":
            self.errors.append(data.strip())

    def options(self, name: str) -> list[str]:
        """The values offered by the <select> with this name."""
        return self.selects.get(name, [])

    @property
    def h1(self) -> str:
        return " ".join(self.headings)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self._text).split())


def date_boxes(page: Page, name: str) -> tuple[str, str, str]:
    """What a date input's day, month and year boxes hold."""
    return (page.inputs[f"{name}-day"], page.inputs[f"{name}-month"], page.inputs[f"{name}-year"])


def typed(name: str, day: str, month: str, year: str) -> dict[str, str]:
    """A date as someone types it into the three boxes."""
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}
