"""The fields a column of a spreadsheet can fill, and a first guess from its heading."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from server.lib.validation import Invalid


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # in the list of fields to choose from
    noun: str  # in messages: "Row 14: the date of birth '31/02/1990' is not a real date"
    group: str
    headings: tuple[str, ...]  # headings that mean this field, in their simplest form


PERSON, MEMBERSHIP, TRAINING = "Person", "Programme membership", "Training"
FIELDS = (
    Field("name", "Full name", "the name", PERSON,
          ("name", "fullname", "participant", "participantname", "championname",
           "personname", "volunteername", "nameofchampion")),
    Field("first_name", "First name", "the first name", PERSON,
          ("firstname", "forename", "forenames", "givenname", "first", "christianname")),
    Field("last_name", "Last name", "the last name", PERSON,
          ("lastname", "surname", "familyname", "last")),
    Field("email", "Email", "the email address", PERSON,
          ("email", "emailaddress", "mail", "emailaddr")),
    Field("phone", "Phone", "the phone number", PERSON,
          ("phone", "telephone", "tel", "telno", "mobile", "phonenumber", "phoneno",
           "telephonenumber", "mobilenumber", "mobileno", "contactnumber")),
    Field("postcode", "Postcode", "the postcode", PERSON,
          ("postcode", "postalcode", "pcode", "zip", "zipcode")),
    Field("date_of_birth", "Date of birth", "the date of birth", PERSON,
          ("dob", "dateofbirth", "birthdate", "birthday", "born", "datebirth")),
    Field("year_of_birth", "Year of birth", "the year of birth", PERSON,
          ("yearofbirth", "birthyear", "yob", "yearborn")),
    Field("footprint", "Area (name or code)", "the area", PERSON,
          ("area", "wardarea", "areaward", "ward", "footprint", "neighbourhood", "locality",
           "servicedeliveryfootprint", "areacode", "areaname", "district")),
    Field("organisation", "Organisation (name)", "the organisation", PERSON,
          ("organisation", "organization", "employer", "school", "hostorganisation",
           "organisationname", "org", "workplace")),
    Field("consent", "Consent to contact (yes or no)", "consent to contact", PERSON,
          ("consent", "consenttocontact", "happytobecontacted", "cancontact",
           "contactconsent", "consentgiven", "gdprconsent", "okaytocontact")),
    Field("programme", "Programme (name or slug)", "the programme", MEMBERSHIP,
          ("programme", "program", "role", "championtype", "programmename")),
    Field("joined_on", "Date joined", "the date they joined", MEMBERSHIP,
          ("datejoined", "joined", "joinedon", "joindate", "startdate", "joineddate",
           "dateofjoining", "started")),
    Field("status", "Membership status (active, paused, left)", "the membership status",
          MEMBERSHIP, ("status", "membershipstatus")),
    Field("course", "Course (name or slug)", "the course", TRAINING,
          ("course", "training", "coursename", "trainingcourse", "qualification",
           "coursetitle")),
    Field("completed_on", "Date trained", "the date the course was completed", TRAINING,
          ("datetrained", "trainingdate", "trained", "completed", "datecompleted",
           "completedon", "coursedate", "dateofcompletion", "completiondate",
           "dateoftraining", "trainedon")),
    Field("certificate_number", "Certificate number", "the certificate number", TRAINING,
          ("certificate", "certificatenumber", "certno", "certificateno", "certnumber",
           "certificateid")),
)  # fmt: skip
BY_KEY = {f.key: f for f in FIELDS}
EXACT = {heading: f.key for f in FIELDS for heading in f.headings}
# Words inside a longer heading ("Email address (work)"), most telling first.
CONTAINS = (
    ("email", "email"), ("postcode", "postcode"), ("yearofbirth", "year_of_birth"),
    ("birthyear", "year_of_birth"), ("birth", "date_of_birth"), ("dob", "date_of_birth"),
    ("phone", "phone"), ("mobile", "phone"), ("surname", "last_name"),
    ("lastname", "last_name"), ("firstname", "first_name"), ("forename", "first_name"),
    ("certificate", "certificate_number"), ("consent", "consent"), ("trained", "completed_on"),
    ("completed", "completed_on"), ("joined", "joined_on"), ("course", "course"),
    ("programme", "programme"), ("program", "programme"), ("organisation", "organisation"),
    ("organization", "organisation"), ("employer", "organisation"), ("ward", "footprint"),
    ("footprint", "footprint"), ("area", "footprint"), ("status", "status"), ("name", "name"),
)  # fmt: skip


def simple(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", heading.lower())


def guess_field(heading: str) -> str | None:
    """The field a heading most likely means ("E-mail" is email, "DOB" date of birth)."""
    plain = simple(heading)
    if not plain or len(plain) > 60:
        return None
    if plain in EXACT:
        return EXACT[plain]
    return next((key for word, key in CONTAINS if word in plain), None)


def is_heading(cell: str) -> bool:
    """Whether a cell is exactly one of the headings we know (to find the headings row;
    a looser guess would take "Edward" for a ward)."""
    return simple(cell) in EXACT


def guess_mapping(headings: list[str]) -> dict[str, str]:
    """Column number (as text, for JSON) to field, each field given to one column at most."""
    out: dict[str, str] = {}
    for index, heading in enumerate(headings):
        key = guess_field(heading)
        if key and key not in out.values():
            out[str(index)] = key
    return out


def read_mapping(data: Mapping[str, object], headings: list[str]) -> dict[str, str]:
    """The fields chosen on the columns page, checked: Invalid with what to change."""
    mapping: dict[str, str] = {}
    errors: dict[str, str] = {}
    taken: dict[str, int] = {}
    for index in range(len(headings)):
        name = f"column-{index}"
        key = str(data.get(name) or "").strip()
        if not key:
            continue
        if key not in BY_KEY:
            errors[name] = "Choose a field from the list, or Ignore this column."
        elif key in taken:
            other = headings[taken[key]]
            errors[name] = f"Only one column can be {BY_KEY[key].label}: '{other}' is too."
        else:
            taken[key] = index
            mapping[str(index)] = key
    if not errors:
        errors.update(_missing(mapping))
    if errors:
        raise Invalid(errors)
    return mapping


def _missing(mapping: dict[str, str]) -> dict[str, str]:
    chosen = set(mapping.values())
    first = ""  # the whole form: shown at the top
    if not chosen:
        return {first: "Choose a field for at least the column with people's names."}
    if "name" in chosen and chosen & {"first_name", "last_name"}:
        return {first: "Choose either Full name, or First name and Last name, not both."}
    if not chosen & {"name", "first_name", "last_name"}:
        return {first: "Choose the column with people's names (Full name, or First and Last)."}
    if {"date_of_birth", "year_of_birth"} <= chosen:
        return {first: "Choose either Date of birth or Year of birth, not both."}
    if chosen & {"joined_on", "status"} and "programme" not in chosen:
        return {first: "Choose the Programme column too: dates joined and statuses need it."}
    if chosen & {"completed_on", "certificate_number"} and "course" not in chosen:
        return {first: "Choose the Course column too: training dates need it."}
    if "course" in chosen and "completed_on" not in chosen:
        return {first: "Choose the column with the date each course was completed."}
    return {}
