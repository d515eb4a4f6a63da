"""rows_insert: the same rows read back, whichever database (CI runs both)."""

import datetime as dt

import polars as pl
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cpqa.casework.models import Child, Professional
from cpqa.core.bulk import SLICE, rows_fetch, rows_insert, rows_update
from tests.casework.factories import TeamFactory
from tests.core.factories import AuthorityFactory

pytestmark = pytest.mark.django_db

AWKWARD = ["plain", "with, a comma", 'a "quoted" word', "two\nlines", "", "  spaced  ", "é ✓"]


def _professionals(authority, names, *, agency=None, fte=None, when=None) -> pl.DataFrame:
    when = when or timezone.now()
    count = len(names)
    return pl.DataFrame(
        {
            "authority_id": [authority.pk] * count,
            "ref": [f"W{index}" for index in range(count)],
            "name": names,
            "role": ["social_worker"] * count,
            "fte": fte or [None] * count,
            "agency": agency or [False] * count,
            "recorded_at": [when] * count,
        }
    )


def test_text_numbers_booleans_and_times_read_back_exactly():
    authority = AuthorityFactory()
    when = timezone.now().replace(microsecond=123456)
    fte = [1.0, 0.5, None, 0.8, 1.0, 0.25, None]
    agency = [True, False, True, False, False, True, False]
    rows_insert(
        table=Professional._meta.db_table,
        frame=_professionals(authority, AWKWARD, agency=agency, fte=fte, when=when),
    )
    held = list(Professional.objects.order_by("ref").values_list("ref", "name", "fte", "agency"))
    assert held == [(f"W{i}", AWKWARD[i], fte[i], agency[i]) for i in range(len(AWKWARD))]
    assert set(Professional.objects.values_list("recorded_at", flat=True)) == {when}


def test_dates_and_null_dates():
    authority = AuthorityFactory()
    frame = pl.DataFrame(
        {
            "authority_id": [authority.pk] * 3,
            "ref": ["C1", "C2", "C3"],
            "date_of_birth": [dt.date(2016, 2, 29), None, dt.date(2025, 12, 31)],
            "sex": ["F", "M", "U"],
            "ethnicity": ["WBRI", "", "MWBC"],
            "disabilities": ["", "", "HAND"],
            "recorded_at": [timezone.now()] * 3,
        }
    )
    rows_insert(table=Child._meta.db_table, frame=frame)
    assert list(Child.objects.order_by("ref").values_list("date_of_birth", "ethnicity")) == [
        (dt.date(2016, 2, 29), "WBRI"),
        (None, ""),
        (dt.date(2025, 12, 31), "MWBC"),
    ]


def test_conflict_clause_updates_what_it_names_and_inserts_the_rest():
    authority = AuthorityFactory()
    table = Professional._meta.db_table
    rows_insert(table=table, frame=_professionals(authority, ["Ann", "Bo"], fte=[1.0, 0.5]))
    again = _professionals(authority, ["Ann Smith", "Bo Jones", "Cy"], fte=[0.1, 0.2, 0.3])
    rows_insert(
        table=table,
        frame=again,
        conflict="ON CONFLICT (authority_id, ref) DO UPDATE SET name = excluded.name",
    )
    assert list(Professional.objects.order_by("ref").values_list("name", "fte")) == [
        ("Ann Smith", 1.0),  # fte not in the SET list: kept
        ("Bo Jones", 0.5),
        ("Cy", 0.3),
    ]
    # Twice in one transaction (two files of one import): the staging table is reused.
    with transaction.atomic():
        rows_insert(
            table=table,
            frame=again.with_columns(pl.lit("Again").alias("name")),
            conflict="ON CONFLICT (authority_id, ref) DO UPDATE SET name = excluded.name",
        )
        rows_insert(
            table=table,
            frame=again.with_columns(pl.lit("Thrice").alias("name")),
            conflict="ON CONFLICT (authority_id, ref) DO UPDATE SET name = excluded.name",
        )
    assert set(Professional.objects.values_list("name", flat=True)) == {"Thrice"}


def test_more_rows_than_a_slice():
    authority = AuthorityFactory()
    count = SLICE + 7
    frame = _professionals(authority, ["x"] * count)
    rows_insert(table=Professional._meta.db_table, frame=frame)
    assert Professional.objects.count() == count


def test_nothing_to_insert_does_nothing():
    authority = AuthorityFactory()
    rows_insert(table=Professional._meta.db_table, frame=_professionals(authority, []))
    assert not Professional.objects.exists()


def test_a_bad_row_raises_and_the_transaction_leaves_nothing():
    authority = AuthorityFactory()
    team = TeamFactory(authority=authority)
    frame = _professionals(authority, ["Ann", "Ann again"]).with_columns(
        pl.Series("team_id", [team.pk, team.pk + 1000])  # no such team
    )
    frame = frame.with_columns(pl.Series("ref", ["W1", "W1"]))  # and a duplicate ref
    with pytest.raises(IntegrityError), transaction.atomic():
        rows_insert(table=Professional._meta.db_table, frame=frame)
    assert not Professional.objects.exists()


FETCH_SQL = (
    "SELECT ref, name, fte, agency, team_id, CAST(recorded_at AS TEXT) FROM casework_professional "
    "WHERE authority_id = %s ORDER BY ref"
)
FETCH_SCHEMA = {
    "ref": pl.String,
    "name": pl.String,
    "fte": pl.Float64,
    "agency": pl.Boolean,
    "team_id": pl.Int64,
    "recorded": pl.Date,
}


def test_rows_fetch_reads_back_what_rows_insert_wrote():
    authority = AuthorityFactory()
    other = AuthorityFactory(code="OTHER")
    when = timezone.now()
    fte = [1.0, 0.5, None, 0.8, 1.0, 0.25, None]
    agency = [True, False, True, False, False, True, False]
    table = Professional._meta.db_table
    rows_insert(table=table, frame=_professionals(authority, AWKWARD, agency=agency, fte=fte))
    rows_insert(table=table, frame=_professionals(other, ["Not", "these"]))
    frame = rows_fetch(sql=FETCH_SQL, params=[authority.pk], schema=FETCH_SCHEMA)
    assert frame.schema == pl.Schema(FETCH_SCHEMA)
    assert frame.get_column("ref").to_list() == [f"W{i}" for i in range(len(AWKWARD))]
    assert frame.get_column("name").to_list() == AWKWARD
    assert frame.get_column("fte").to_list() == fte
    assert frame.get_column("agency").to_list() == agency
    assert frame.get_column("team_id").to_list() == [None] * len(AWKWARD)
    # Times are stored in UTC; the text's first ten characters are the UTC date.
    assert set(frame.get_column("recorded").to_list()) == {when.astimezone(dt.UTC).date()}


def test_rows_fetch_of_nothing_is_an_empty_frame_of_the_schema():
    authority = AuthorityFactory()
    frame = rows_fetch(sql=FETCH_SQL, params=[authority.pk], schema=FETCH_SCHEMA)
    assert frame.height == 0
    assert frame.schema == pl.Schema(FETCH_SCHEMA)


def test_rows_update_sets_only_the_given_columns_of_the_matching_rows():
    authority = AuthorityFactory()
    other = AuthorityFactory(code="OTHER")
    table = Professional._meta.db_table
    rows_insert(table=table, frame=_professionals(authority, ["Ann", "Bo", "Cy"], fte=[1, 1, 1]))
    rows_insert(table=table, frame=_professionals(other, ["Ann", "Bo"], fte=[1, 1]))
    changes = pl.DataFrame(
        {"name": ['Ann "A", Smith', ""], "fte": [0.5, None], "ref": ["W0", "W2"]}
    )
    rows_update(table=table, frame=changes, key="ref", where=f"authority_id = {authority.pk}")
    held = Professional.objects.filter(authority=authority).order_by("ref")
    assert list(held.values_list("ref", "name", "fte", "agency")) == [
        ("W0", 'Ann "A", Smith', 0.5, False),
        ("W1", "Bo", 1.0, False),
        ("W2", "", None, False),
    ]
    # The other authority's records with the same refs are as they were.
    others = Professional.objects.filter(authority=other).order_by("ref")
    assert list(others.values_list("name", "fte")) == [("Ann", 1.0), ("Bo", 1.0)]


def test_rows_update_with_nothing_to_set_does_nothing():
    authority = AuthorityFactory()
    table = Professional._meta.db_table
    rows_insert(table=table, frame=_professionals(authority, ["Ann"]))
    where = f"authority_id = {authority.pk}"
    rows_update(table=table, frame=pl.DataFrame({"ref": ["W0"]}), key="ref", where=where)
    rows_update(
        table=table,
        frame=pl.DataFrame(schema={"name": pl.String, "ref": pl.String}),
        key="ref",
        where=where,
    )
    assert list(Professional.objects.values_list("name", flat=True)) == ["Ann"]
