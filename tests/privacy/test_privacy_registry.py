"""Every table is walked: a column that can hold personal data (a link to a person or an
account, an email, a phone, a postcode, an address, free text, JSON rows) must be covered by
the privacy registry (erased and downloaded) or declared not personal with a reason, so that
a new table or column can never be forgotten by erasure or by "download my data"."""

from __future__ import annotations

import re

from piccolo.columns import JSON, ForeignKey, Text, Varchar
from piccolo.table import Table

from schema import tables as t
from server.privacy.holdings import HOLDINGS
from server.privacy.registry import CUSTOM, DETACH, HASH_COLUMNS, KEEP, NOT_PERSONAL, owned
from tests.helpers.privacy import every_table

NAMED = re.compile(r"email|phone|postcode|address|requested_from|ip|name|note|text|device")


def could_be_personal(table: type[Table]) -> list[str]:
    """The columns of a table that can hold personal data."""
    out = []
    for column in table._meta.columns:
        name = column._meta.name
        if isinstance(column, ForeignKey):
            if column._foreign_key_meta.resolved_references in (t.Person, t.Account):
                out.append(name)
        elif isinstance(column, Varchar | Text | JSON) or NAMED.search(name):
            out.append(name)
    return out


def test_every_column_that_can_hold_personal_data_is_erased_and_downloaded_or_explained():
    covered = {(h.table._meta.tablename, c) for h in HOLDINGS for c in h.personal}
    forgotten = []
    for table in every_table():
        for name in could_be_personal(table):
            key = (table._meta.tablename, name)
            explained = f"{key[0]}.{key[1]}" in NOT_PERSONAL or name in HASH_COLUMNS
            if key not in covered and not explained:
                forgotten.append(f"{key[0]}.{key[1]}")
    assert forgotten == [], (
        "These columns can hold personal data, but neither erasure nor the download covers "
        "them: add them to a holding in server/privacy/holdings.py, or to NOT_PERSONAL in "
        f"server/privacy/registry.py with the reason: {forgotten}"
    )


def test_the_registry_names_only_columns_that_exist():
    for holding in HOLDINGS:
        names = {c._meta.name for c in holding.table._meta.columns}
        assert set(holding.personal) <= names, holding.key
        if holding.action == DETACH:
            assert set(holding.detach) <= names and set(holding.detach) <= set(holding.personal)
        assert holding.action != CUSTOM or holding.erase is not None, holding.key
        assert holding.action != KEEP or holding.kept_because, holding.key
        assert holding.fields, f"{holding.key} shows nothing in the download"
    tables = {t_._meta.tablename: {c._meta.name for c in t_._meta.columns} for t_ in every_table()}
    for key in NOT_PERSONAL:
        table, column = key.split(".")
        assert column in tables.get(table, set()), f"NOT_PERSONAL names {key}, which is not there"


def test_a_new_table_with_personal_data_would_be_caught():
    class Nickname(Table):
        person = ForeignKey(references=t.Person)
        nickname = Varchar()
        token_hash = Varchar()  # known to be a hash by its name

    assert could_be_personal(Nickname) == ["person", "nickname", "token_hash"]
    covered = {(h.table._meta.tablename, c) for h in HOLDINGS for c in h.personal}
    assert ("nickname", "person") not in covered
    # Covering it is one line in HOLDINGS: deleted on erasure, shown in the download.
    line = owned(Nickname, "nicknames", "Your nicknames", ("nickname",), personal=("nickname",))
    assert set(line.personal) | HASH_COLUMNS == set(could_be_personal(Nickname))
    assert [fl.key for fl in line.fields] == ["nickname"] and line.action == "delete"


def test_secrets_are_never_in_the_download():
    for holding in HOLDINGS:
        shown = {fl.key for fl in holding.fields}
        assert not shown & {"token_hash", "token", "body"}, holding.key
