"""What the property-based tests share: nasty values, the state of the database, and oracles.

The oracles say what a clean outcome is:

- a clean rejection: every problem names the file and says in words what was
  expected, and the database is exactly as before (every row of every table
  that an import may write, all columns; only the rejected run is added to the
  history);
- a clean success: the records of the file are held exactly as the importer
  read them, and every other record is as it was.
"""

import string
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from datetime import date

import polars as pl
from django.db import connection, transaction
from hypothesis import strategies as st

from cpqa.casework.schema import fact_table, fact_tables
from cpqa.casework.selectors import fact_frames
from cpqa.casework.services import facts_conform
from cpqa.core.models import Authority, DataVersion
from cpqa.dataquality.models import CompletenessCount, CompletenessGap, Finding, ValidationRun
from cpqa.ingest.models import ImportOutcome, ImportRun
from cpqa.ingest.services import KEPT_ON_SUPERSESSION

# --- Values that have broken software before ------------------------------------------

FORMULAS = [
    "=1+1",
    '=HYPERLINK("http://example.invalid/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "=cmd|'/C notepad'!'A1'",
    "\t=1+1",
]
INJECTIONS = [
    "'; DROP TABLE casework_child; --",
    '" OR 1=1 --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "%s%s%s%n",
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "%00",
    "&amp;&lt;&gt;",
    "]]>",
    "<![CDATA[x]]>",
]
UNICODE = [
    "\u202eevil\u202c",  # right-to-left override
    "a\u200bb",  # zero-width space
    "\ufeffBOM",
    "\u00a0",  # non-breaking space
    "\u3000",  # ideographic space
    "\U0001f9d2\U0001f3fd",  # a child, with a skin tone
    "e\u0301",  # e and a combining accent
    "\u00e9",
    "\u0130",  # dotted capital I (its lower case is two characters)
    "\u00df",  # sharp s (its upper case is two characters)
    "\ufb03",  # the ffi ligature
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\r\n",
    "\x85",  # next line
    "\u2028",  # line separator
    "Ｃ１",  # full-width letters and digits
]
NUMBERS = [
    "0",
    "-0",
    "-1",
    "1e9",
    "1e308",
    "1e309",
    "-1e400",
    "9" * 40,
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "0x10",
    "1_000",
    "1,000",
    "1.5",
    "12.0",
    "٣",  # an Arabic-Indic three
    "½",
    "99999",
    "2958466",  # the day after Excel's last day
    "60",  # Excel's 29 February 1900
]
DATES = [
    "0000-01-01",
    "0000-02-29",
    "0001-01-01",
    "0001-01-01 00:00:00",
    "1752-09-10",
    "1899-12-30",
    "1899-12-31",
    "1900-01-01",
    "1900-02-29",
    "1969-12-31",
    "1970-01-01",
    "2000-02-29",
    "2024-02-29",
    "2025-02-29",
    "2025-04-31",
    "2025-13-01",
    "2025-00-10",
    "2025-01-00",
    "2038-01-19",
    "2099-12-31",
    "2100-12-31",
    "2101-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59.999+14:00",
    "10000-01-01",
    "+2025-01-01",
    "-2025-01-01",
    "2025-1-1",
    "2025-03-31 24:00",
    "2025-03-31T00:00:00Z",
    "2025-03-31 00:00:00.000",
    "31/03/2025",
    "31/12/9999",
    "29/02/2023",
    "00/00/0000",
    "1/1/0",
    "01/01/0000",
    "31/04/2025",
    "13/13/2025",
    "2025/03/31",
    "31 March 2025",
    "31-Mar-2025",
    "March 2025",
    "2025-03",
    "0000-00",
    "9999-12",
    "yesterday",
]
NASTY = [*FORMULAS, *INJECTIONS, *UNICODE, *NUMBERS, *DATES, "", " ", "  ", "x" * 5000]

# Text a browser or a file could carry: any character UTF-8 can encode, control
# characters and NUL included (surrogates cannot be encoded).
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=80)
# Text safe for XML 1.0 (no control characters but tab and newline).
XML_TEXT = st.text(
    st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs", "Co"), exclude_characters="\ufffe\uffff"
    ),
    max_size=40,
)


def nasty_text(*, alphabet=None, max_size: int = 80) -> st.SearchStrategy[str]:
    """A known nasty value, or random text (of any character, or of `alphabet`)."""
    randoms = ANY_TEXT if alphabet is None else st.text(alphabet, max_size=max_size)
    return st.one_of(st.sampled_from(NASTY), randoms)


def boundary_dates(low: date = date(1, 1, 1), high: date = date(9999, 12, 31)):
    """Dates, often at the edges: the range given, leap days, Excel's and Unix's epochs."""
    edges = [
        day
        for day in (
            low,
            high,
            date(1899, 12, 30),
            date(1900, 1, 1),
            date(1970, 1, 1),
            date(2000, 2, 29),
            date(2024, 2, 29),
            date(2025, 3, 31),
            date(2025, 4, 1),
            date(2100, 12, 31),
        )
        if low <= day <= high
    ]
    return st.one_of(st.sampled_from(edges), st.dates(min_value=low, max_value=high))


IDENTIFIER = st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=8)


# --- The state of the database -------------------------------------------------------

# What an import may write, besides the facts: the data version, the checks'
# findings and counts. The history of runs is compared apart (see import_state).
OTHER_MODELS = (Authority, DataVersion, ValidationRun, Finding, CompletenessCount, CompletenessGap)


class UnreadableDatabase(AssertionError):
    """The database holds a value that cannot be read back (e.g. a date in year 0)."""


def table_rows(model, *, where: str = "", params: Iterable = ()) -> list[tuple]:
    """Every row of a model's table, every column in the model's order, by primary key (raw SQL)."""
    quote = connection.ops.quote_name
    # The columns in the model's order (a table's own order follows its migrations).
    columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} {where} ORDER BY 1"  # noqa: S608
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return [tuple(row) for row in cursor.fetchall()]
    except (ValueError, OverflowError) as error:
        raise UnreadableDatabase(
            f"{model._meta.db_table} cannot be read back: {error!r}"
        ) from error


def import_state() -> dict[str, list[tuple]]:
    """Every row of every fact table and of what an import writes besides, every column,
    and the runs that changed anything (a rejected or unchanged import adds only its run)."""
    state = {table.name: table_rows(table.model) for table in fact_tables()}
    for model in OTHER_MODELS:
        state[model._meta.label] = table_rows(model)
    state["runs"] = table_rows(
        ImportRun,
        where="WHERE outcome NOT IN (%s, %s)",
        params=[ImportOutcome.REJECTED, ImportOutcome.UNCHANGED],
    )
    return state


def assert_same_state(before: Mapping[str, list], after: Mapping[str, list]) -> None:
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"a rejected import changed {', '.join(changed)}"


class _RollBack(Exception):
    pass


@contextmanager
def rolled_back():
    """Run the body in a transaction that is then undone, so that examples start alike."""
    try:
        with transaction.atomic():
            yield
            raise _RollBack
    except _RollBack:
        pass


# --- Clean outcomes ------------------------------------------------------------------


def assert_clean_problems(problems, *, file: str) -> None:
    """Each problem names the file and says, in words, what was expected."""
    assert problems
    for problem in problems:
        assert problem.file == file, problem
        assert problem.expected and problem.expected.strip(), problem
        assert str(problem).strip(), problem


def conformed(parsed) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """A parsed file's frames and updates, cast as the loader casts them.

    The loader must accept them: the importer has checked every value already.
    """
    frames, updates = {}, {}
    for kind, source, partial in ((frames, parsed.frames, False), (updates, parsed.updates, True)):
        for name, frame in source.items():
            cast, problems = facts_conform(table=fact_table(name), frame=frame, partial=partial)
            assert problems == [], (name, problems[:5])
            kind[name] = cast
    return frames, updates


def _empty_values(table, column: str) -> set:
    """What the loader stores for an empty value of a column: null, "" or the default."""
    field = fact_table(table).model._meta.get_field(column)
    values = {None}
    if not field.null and not field.is_relation:
        values.add("")
    if field.has_default():
        values.add(field.get_default())
    return values


def assert_held_as_read(
    *,
    authority,
    before: Mapping[str, list],
    parsed_files: list,
    run_ids: set[int],
    cascaded: frozenset[str] = frozenset(),
) -> None:
    """After an accepted import: each record of the files is held as the importer read it,
    from the new runs, and every other record is as it was (or, for an event of an older
    extract of the same source, removed by supersession)."""
    held = fact_frames(authority=authority)
    arriving: dict[str, set] = {}
    for parsed in parsed_files:
        frames, updates = conformed(parsed)
        for name, frame in [*frames.items(), *updates.items()]:
            arriving.setdefault(name, set()).update(frame.get_column("ref").to_list())
            # Only the columns the file provides are set; the others keep what was held.
            provided = set(parsed.frames.get(name, parsed.updates.get(name)).columns)
            columns = [c for c in frame.columns if c in provided]
            frame = frame.select(columns)
            got = (
                held[name]
                .filter(pl.col("ref").is_in(frame.get_column("ref").implode()))
                .select(columns)
            )
            assert got.height == frame.height, (name, "records missing", frame.height, got.height)
            got_rows = {row["ref"]: row for row in got.iter_rows(named=True)}
            for row in frame.iter_rows(named=True):
                held_row = got_rows[row["ref"]]
                for column, value in row.items():
                    if value is None:
                        assert held_row[column] in _empty_values(name, column), (
                            name, row["ref"], column, held_row[column],
                        )  # fmt: skip
                    else:
                        assert held_row[column] == value, (
                            name, row["ref"], column, value, held_row[column],
                        )  # fmt: skip
    superseding = set(ImportRun.objects.filter(pk__in=run_ids).values_list("source", flat=True))
    older_runs = set(
        ImportRun.objects.filter(source__in=superseding, superseded_by__in=run_ids).values_list(
            "pk", flat=True
        )
    )
    for table in fact_tables():
        # The raw rows: (id, authority_id, ref, import_run_id, ...), keyed by ref.
        columns = [field.column for field in table.model._meta.concrete_fields]
        ref_at, run_at = columns.index("ref"), columns.index("import_run_id")
        now = {row[ref_at]: row for row in table_rows(table.model)}
        was = {row[ref_at]: row for row in before[table.name]}
        new = arriving.get(table.name, set())
        for ref in new:
            assert ref in now, (table.name, ref, "not held")
        if table.name in {name for p in parsed_files for name in p.frames}:
            for ref in new:
                assert now[ref][run_at] in run_ids, (table.name, ref, "not from the new run")
        for ref, row in was.items():
            if ref in new:
                continue
            if ref not in now:
                assert table.name not in KEPT_ON_SUPERSESSION, (table.name, ref, "removed")
                # Superseded, or removed with a superseded record it belonged to (and
                # then reported in the outcome's removed counts).
                assert row[run_at] in older_runs or table.name in cascaded, (
                    table.name, ref, "removed, not superseded",
                )  # fmt: skip
                continue
            if table.name == "child":
                team_at = columns.index("team_id")
                row = row[:team_at] + row[team_at + 1 :]
                now_row = now[ref][:team_at] + now[ref][team_at + 1 :]
            else:
                now_row = now[ref]
            assert now_row == row, (table.name, ref, "changed, but not in the file")
        extra = set(now) - set(was) - new
        assert not extra, (table.name, sorted(extra)[:5], "held, but in no file")


def import_outcome_check(*, authority, result, before, parsed_files) -> None:
    """The whole oracle for an import: a clean rejection, or a success exactly as read."""
    if result.problems:
        for outcome in result.files:
            for problem in outcome.problems:
                assert problem.file == outcome.name
                assert str(problem).strip() and problem.expected.strip()
        assert all(outcome.outcome == ImportOutcome.REJECTED for outcome in result.files)
        assert_same_state(before, import_state())
        return
    run_ids = {outcome.run_id for outcome in result.files if outcome.outcome == "accepted"}
    for outcome in result.files:
        assert outcome.outcome in (ImportOutcome.ACCEPTED, ImportOutcome.UNCHANGED)
        assert ImportRun.objects.get(pk=outcome.run_id).outcome == outcome.outcome
    if not run_ids:
        assert_same_state(before, import_state())
        return
    cascaded = frozenset(
        name
        for outcome in result.files
        for name in outcome.removed
        if name not in {table for parsed in parsed_files for table in parsed.frames}
    )
    assert_held_as_read(
        authority=authority,
        before=before,
        parsed_files=parsed_files,
        run_ids=run_ids,
        cascaded=cascaded,
    )


def text_of(response) -> str:
    body = b"".join(response) if getattr(response, "streaming", False) else response.content
    return body.decode("utf-8", "replace")
