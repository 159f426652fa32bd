"""Reading pages the way a test should: with a parser, not by searching for substrings.

`Page` is the one reader of a page (forms, links, headings, text, selects, labels, the
footer, every element's attributes); `Tables` reads a page's tables cell by cell."""

from __future__ import annotations

from html.parser import HTMLParser

HTML = {"accept": "text/html"}  # the Accept header of a browser asking for a page


async def send_form(client, path: str, data: dict, page: Page | None = None):
    """Post a form to `path` as a browser would, with the CSRF token of the page it is on
    (that page is fetched first unless the test has it already)."""
    page = page or Page((await client.get(path, headers=HTML)).text)
    return await client.post(path, data={"_csrf_token": page.inputs["_csrf_token"], **data})


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
        self.chosen: dict[str, str] = {}  # each <select>'s selected option value
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []  # as written
        self.labels: dict[str, str] = {}  # each <label for=...>'s text, by that id
        self.description: str | None = None  # <meta name="description">'s content
        self.footer_hrefs: list[str] = []  # the links inside <footer>
        self.footer_named: dict[str, str] = {}  # a footer link's text -> its address
        self.inline_scripts = 0  # <script> elements without a src
        self._footer_text: list[str] = []
        self._footer = 0
        self._footer_href = ""
        self._label = ""
        self._chosen = ""
        self._select = ""
        self._text: list[str] = []
        self._heading = False
        self._error = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attrs))
        self._more_start(tag, a, dict(attrs))
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

    def _more_start(self, tag: str, a: dict[str, str], raw: dict[str, str | None]) -> None:
        if tag == "select":
            self._chosen = a.get("name", "")
            self.chosen[self._chosen] = ""
        elif tag == "option" and "selected" in a:
            self.chosen[self._chosen] = a.get("value", "")
        elif tag == "label":
            self._label = a.get("for", "")
        elif tag == "meta" and a.get("name") == "description":
            self.description = raw.get("content")
        elif tag == "footer":
            self._footer += 1
        elif tag == "a" and self._footer:
            self.footer_hrefs.append(a.get("href", ""))
            self._footer_href = a.get("href", "")
        elif tag == "script" and not a.get("src"):
            self.inline_scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label = ""
        elif tag == "footer":
            self._footer -= 1
        elif tag == "a":
            self._footer_href = ""
        if tag == "h1":
            self._heading = False
        if tag == "select":
            self._select = ""
        if tag == "p":
            self._error = False

    def handle_data(self, data: str) -> None:
        self._text.append(data)
        if self._label:
            self.labels[self._label] = (self.labels.get(self._label, "") + data).strip()
        if self._footer:
            self._footer_text.append(data)
            if self._footer_href and data.strip():
                self.footer_named[" ".join(data.split())] = self._footer_href
        if self._heading:
            self.headings.append(data.strip())
        if self._error and data.strip() and data.strip() != "Error:":
            self.errors.append(data.strip())

    def options(self, name: str) -> list[str]:
        """The values offered by the <select> with this name."""
        return self.selects.get(name, [])

    def radios(self, name: str) -> dict[str, str]:
        """The radios with this name that have a label: value -> the label's text."""
        out = {}
        for tag, attrs in self.elements:
            a = {k: v or "" for k, v in attrs}
            if tag == "input" and a.get("name") == name and a.get("type") == "radio":
                if a.get("id") in self.labels:
                    out[a.get("value", "")] = self.labels[a["id"]]
        return out

    def attributes(self, tag: str) -> dict[str, str | None]:
        """The attributes of the last <tag> element, as written (None for a bare one)."""
        return next((dict(attrs) for t, attrs in reversed(self.elements) if t == tag), {})

    @property
    def footer(self) -> str:
        """The footer's text, its spaces made single."""
        return " ".join("".join(self._footer_text).split())

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


class Tables(HTMLParser):
    """Every table with an id, as rows of cell texts; and each row's data- key."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.keys: dict[str, list[str]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._hidden = 0
        self.selected: dict[str, str] = {}  # each select's chosen option
        self._select = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[self._table], self.keys[self._table] = [], []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
            key = next((v for k, v in attrs if k.startswith("data-")), None)
            self.keys[self._table].append(key)  # type: ignore[arg-type]
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif (
            tag == "span" and self._cell is not None and "visually-hidden" in (a.get("class") or "")
        ):
            self._hidden += 1
        elif tag == "select":
            self._select = a.get("name") or ""
            self.selected[self._select] = ""
        elif tag == "option" and self._select and "selected" in a:
            self.selected[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "span" and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if self._cell is not None and not self._hidden:
            self._cell.append(data)

    def rows(self, table: str) -> dict[str, list[str]]:
        """Body rows by their data- key (slug, area code or month)."""
        return {
            k: r for k, r in zip(self.keys[table], self.tables[table], strict=True) if k is not None
        }
