"""What an uploaded file can hold: each kind of import has its fields, its guesses from
the headings and the columns it needs. People (with their programmes and training) is the
import coordinators have always had (server/imports/fields.py); the others are lists the
council keeps: the services champions signpost people to, and the two deprivation lookups
(postcode to LSOA, LSOA to IMD decile; server/imports/lookups.py).

The job keeps its kind in its mapping (ImportJob.mapping["kind"]; a job without one is a
people import, as every job was before there were kinds), and a lookup's choice of
replacing or updating in mapping["mode"]. The other keys of the mapping are the columns'
numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from server.imports import fields as people
from server.imports.fields import Field, simple
from server.lib.validation import Invalid

PEOPLE, SERVICES, POSTCODES, DEPRIVATION = "people", "services", "postcodes", "deprivation"
REPLACE, UPDATE = "replace", "update"
MODES = {
    REPLACE: "Replace the whole lookup with this file (best for the lookup you are sent each "
    "year): anything not in the file is removed.",
    UPDATE: "Add and update only: the rows in the file are added or changed, and everything "
    "else already held is kept.",
}
_AREA_HEADINGS = people.BY_KEY["footprint"].headings
_LSOA_HEADINGS = (
    "lsoa", "lsoacode", "lsoa11cd", "lsoa21cd", "lsoa11", "lsoa21", "lsoacd", "lsoacode2011",
    "lsoacode2021", "lowerlayersuperoutputarea", "lowerlayersuperoutputareacode",
)  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """One kind of file: its words, its fields and the columns it cannot do without."""

    key: str
    label: str  # the upload page's choice
    hint: str  # what such a file looks like
    fields: tuple[Field, ...]
    contains: tuple[tuple[str, str], ...]  # words inside a longer heading, most telling first
    required: tuple[str, ...]  # fields that must have a column
    rows_word: str  # what each row is, in messages: "rows of people"
    example_headings: str  # in the message for a file without headings
    lookup: bool = False  # replace or update, chosen on the columns page

    @property
    def by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}

    @property
    def groups(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The fields to choose from, by group, as the columns page lists them."""
        return [
            (group, [(f.key, f.label) for f in self.fields if f.group == group])
            for group in dict.fromkeys(f.group for f in self.fields)
        ]

    def guess_field(self, heading: str) -> str | None:
        if self.key == PEOPLE:
            return people.guess_field(heading)
        plain = simple(heading)
        if not plain or len(plain) > 80:
            return None
        exact = {h: f.key for f in self.fields for h in f.headings}
        if plain in exact:
            return exact[plain]
        return next((key for word, key in self.contains if word in plain), None)

    def is_heading(self, cell: str) -> bool:
        """Whether a cell is exactly one of this kind's headings (to find the headings row)."""
        if self.key == PEOPLE:
            return people.is_heading(cell)
        return any(simple(cell) in f.headings for f in self.fields)

    def guess_mapping(self, headings: list[str]) -> dict[str, str]:
        """Column number to field, and the kind itself (people's mapping has no kind, as
        before kinds)."""
        if self.key == PEOPLE:
            return people.guess_mapping(headings)
        out: dict[str, str] = {}
        for index, heading in enumerate(headings):
            key = self.guess_field(heading)
            if key and key not in out.values():
                out[str(index)] = key
        return {**out, "kind": self.key, **({"mode": REPLACE} if self.lookup else {})}

    def read_mapping(self, data: Mapping[str, object], headings: list[str]) -> dict[str, str]:
        """The columns (and, for a lookup, replace or update) chosen on the columns page,
        checked: Invalid says what to change."""
        if self.key == PEOPLE:
            return people.read_mapping(data, headings)
        mapping: dict[str, str] = {}
        errors: dict[str, str] = {}
        taken: dict[str, int] = {}
        fields = self.by_key
        for index in range(len(headings)):
            name = f"column-{index}"
            key = str(data.get(name) or "").strip()
            if not key:
                continue
            if key not in fields:
                errors[name] = "Choose a field from the list, or Ignore this column."
            elif key in taken:
                other = headings[taken[key]]
                errors[name] = f"Only one column can be {fields[key].label}: '{other}' is too."
            else:
                taken[key] = index
                mapping[str(index)] = key
        missing = [fields[k].label for k in self.required if k not in taken]
        if not errors and missing:
            errors[""] = f"Choose the column with the {' and the '.join(missing)}."
        mode = str(data.get("mode") or REPLACE)
        if self.lookup and mode not in MODES:
            errors["mode"] = "Choose whether to replace the whole lookup or only add and update."
        if errors:
            raise Invalid(errors)
        extra = {"mode": mode} if self.lookup else {}
        return {**mapping, "kind": self.key, **extra}


SERVICE, LOOKUP = "Service", "Lookup"
KINDS: dict[str, Kind] = {
    PEOPLE: Kind(
        PEOPLE,
        "People, with their programmes and training",
        "A register of people: names, contact details, programmes joined, courses done.",
        people.FIELDS,
        people.CONTAINS,
        ("name",),
        "people",
        "Name, Email, Date of birth",
    ),
    SERVICES: Kind(
        SERVICES,
        "Signposting services",
        "The services champions send people to: a name in each row, and if you like what "
        "kind of service it is and the area it serves.",
        (
            Field(
                "name",
                "Service name",
                "the service's name",
                SERVICE,
                (
                    "name",
                    "service",
                    "servicename",
                    "nameofservice",
                    "organisation",
                    "provider",
                    "title",
                ),
            ),
            Field(
                "kind",
                "Kind of service",
                "the kind of service",
                SERVICE,
                ("kind", "type", "servicetype", "category", "kindofservice", "what"),
            ),
            Field("footprint", "Area (name or code)", "the area", SERVICE, _AREA_HEADINGS),
        ),
        (
            ("servicename", "name"),
            ("type", "kind"),
            ("category", "kind"),
            ("kind", "kind"),
            ("ward", "footprint"),
            ("footprint", "footprint"),
            ("area", "footprint"),
            ("name", "name"),
            ("service", "name"),
        ),
        ("name",),
        "services",
        "Service name, Kind of service, Area",
    ),  # fmt: skip
    POSTCODES: Kind(
        POSTCODES,
        "Postcodes and their LSOAs (the postcode lookup)",
        "Your borough's postcodes, each with the code of the small area (LSOA) it is in, "
        "such as WN1 1AA, E01006215.",
        (
            Field(
                "postcode",
                "Postcode",
                "the postcode",
                LOOKUP,
                ("postcode", "pcd", "pcds", "pcd2", "pcd7", "pcd8", "postcodes", "postalcode"),
            ),
            Field("lsoa", "LSOA code", "the LSOA code", LOOKUP, _LSOA_HEADINGS),
        ),
        (
            ("postcode", "postcode"),
            ("pcd", "postcode"),
            ("lsoacode", "lsoa"),
            ("lsoa11cd", "lsoa"),
            ("lsoa21cd", "lsoa"),
            ("lsoa", "lsoa"),
        ),
        ("postcode", "lsoa"),
        "postcodes",
        "Postcode, LSOA code",
        lookup=True,
    ),  # fmt: skip
    DEPRIVATION: Kind(
        DEPRIVATION,
        "LSOAs and their deprivation deciles (the IMD lookup)",
        "Each small area (LSOA) with its Index of Multiple Deprivation decile, 1 (the most "
        "deprived tenth of England) to 10, such as E01006215, 3.",
        (
            Field("lsoa", "LSOA code", "the LSOA code", LOOKUP, _LSOA_HEADINGS),
            Field(
                "decile",
                "IMD decile (1 to 10)",
                "the decile",
                LOOKUP,
                (
                    "decile",
                    "imddecile",
                    "imd",
                    "deprivationdecile",
                    "indexofmultipledeprivationimddecile",
                    "imd2019decile",
                ),
            ),
        ),
        (
            ("lsoacode", "lsoa"),
            ("lsoa11cd", "lsoa"),
            ("lsoa21cd", "lsoa"),
            ("lsoa", "lsoa"),
            ("decile", "decile"),
        ),
        ("lsoa", "decile"),
        "areas",
        "LSOA code, IMD decile",
        lookup=True,
    ),  # fmt: skip
}


def kind_of(mapping: Mapping[str, object]) -> Kind:
    """The kind of a job, from its mapping (people when it names none)."""
    return KINDS.get(str(mapping.get("kind") or PEOPLE), KINDS[PEOPLE])


def columns_of(mapping: Mapping[str, str]) -> dict[str, str]:
    """Only the columns of a mapping: column number -> field."""
    return {k: v for k, v in mapping.items() if k.isdigit()}
