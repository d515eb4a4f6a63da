"""Canonical frames out as an Ofsted Annex A workbook (Lists 5 and 7), as the importer reads it.

The workbook has a cover sheet stating the period, then List 5 (section 47
enquiries that started in the period, with their initial conference) and
List 7 (children on a child protection plan at any time in the period), with
the standard headings of Ofsted's template and its coded values ("a) Male",
"b) No", "a) Neglect"). What each column holds is what an authority would
report at the end of the period: a plan that ended later is shown open, the
last visit and latest review are the last ones on or before the period end,
and the allocated worker is the one allocated on the day the plan ended or, if
it had not ended, at the period end. See docs/formats/annex-a.md.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import xlsxwriter

from cpqa.casework.schema import empty_frame
from cpqa.core.periods import add_months

from ..formats.annex_a import LIST_5_FIELDS, LIST_7_FIELDS

COVER_SHEET = "Cover"
COVER_TITLE = "Ofsted Annex A: Lists 5 and 7"
COVER_PERIOD = "Period: {start:%d/%m/%Y} to {end:%d/%m/%Y}"
COVER_NOTE = "Written by cpqa. cpqa reads List 5 and List 7; the other lists are not written."
DATE_FORMAT = "dd/mm/yyyy"

SEX_LABELS = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
CATEGORY_LABELS = {
    "NEG": "a) Neglect",
    "PHY": "b) Physical abuse",
    "SAB": "c) Sexual abuse",
    "EMO": "d) Emotional abuse",
    "MUL": "e) Multiple/not recommended",
}
YES, NO = "a) Yes", "b) No"


@dataclass(frozen=True)
class AnnexAWritten:
    path: Path
    period_start: date
    period_end: date
    list5_rows: int
    list7_rows: int


def _frame(frames: dict[str, pl.DataFrame], name: str) -> pl.DataFrame:
    frame = frames.get(name)
    if frame is None:
        return empty_frame(name)
    missing = [c for c in empty_frame(name).columns if c not in frame.columns]
    return frame.with_columns(
        pl.lit(None, dtype=empty_frame(name).schema[c]).alias(c) for c in missing
    )


def _yes_no(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr).then(pl.lit(YES)).when(expr.not_()).then(pl.lit(NO))


def _children(child: pl.DataFrame, period_end: date) -> pl.DataFrame:
    """The child columns of every list, keyed by the child's ref."""
    dob = pl.coalesce("date_of_birth", "expected_date_of_birth")
    born = pl.col("date_of_birth").is_not_null() & (pl.col("date_of_birth") <= period_end)
    birthday_passed = (
        pl.col("date_of_birth").dt.month().cast(pl.Int32) * 100
        + pl.col("date_of_birth").dt.day().cast(pl.Int32)
    ) <= (period_end.month * 100 + period_end.day)
    age = (
        pl.lit(period_end.year)
        - pl.col("date_of_birth").dt.year()
        - (~birthday_passed).cast(pl.Int32)
    )
    disabilities = pl.col("disabilities").fill_null("").str.strip_chars()
    return child.select(
        pl.col("ref").alias("child"),
        pl.col("sex").replace_strict(SEX_LABELS, default=SEX_LABELS["U"]).alias("sex"),
        pl.col("ethnicity").fill_null("").replace("", None).alias("ethnicity"),
        dob.alias("dob"),
        pl.when(born).then(age).alias("age"),
        pl.when(disabilities == "")
        .then(None)
        .when(disabilities.str.to_uppercase() == "NONE")
        .then(pl.lit(NO))
        .otherwise(pl.lit(YES))
        .alias("disability"),
    )


def _names(frame: pl.DataFrame, column: str, alias: str) -> pl.DataFrame:
    return frame.select(pl.col("ref").alias(column), pl.col("name").alias(alias))


def list5_frame(
    frames: dict[str, pl.DataFrame], period_start: date, period_end: date
) -> pl.DataFrame:
    """List 5 rows: enquiries that started in the period, keyed by the importer's field keys."""
    enquiries = _frame(frames, "section47").filter(
        pl.col("start_date").is_between(period_start, period_end)
    )
    conferences = _frame(frames, "conference").filter(
        (pl.col("kind") == "initial")
        & pl.col("section47").is_not_null()
        & (pl.col("date_held") <= period_end)
    )
    first_icpc = (
        conferences.sort("date_held")
        .group_by("section47", maintain_order=True)
        .first()
        .select(
            pl.col("section47").alias("ref"),
            pl.col("date_held").alias("icpc_date"),
            pl.when(pl.col("plan").is_not_null() | (pl.col("outcome") == "plan_started"))
            .then(True)
            .when(pl.col("outcome") == "no_plan")
            .then(False)
            .alias("_started"),
        )
    )
    year_ago = add_months(period_end, -12)
    s47_counts = (
        _frame(frames, "section47")
        .filter((pl.col("start_date") > year_ago) & (pl.col("start_date") <= period_end))
        .group_by("child")
        .agg(pl.len().cast(pl.Int64).alias("s47_count"))
    )
    icpc_counts = (
        _frame(frames, "conference")
        .filter(
            (pl.col("kind") == "initial")
            & (pl.col("date_held") > year_ago)
            & (pl.col("date_held") <= period_end)
        )
        .group_by("child")
        .agg(pl.len().cast(pl.Int64).alias("icpc_count"))
    )
    rows = (
        enquiries.join(first_icpc, on="ref", how="left", maintain_order="left")
        .join(
            _children(_frame(frames, "child"), period_end),
            on="child",
            how="left",
            maintain_order="left",
        )
        .join(s47_counts, on="child", how="left", maintain_order="left")
        .join(icpc_counts, on="child", how="left", maintain_order="left")
        .join(
            _names(_frame(frames, "team"), "team", "_team"),
            on="team",
            how="left",
            maintain_order="left",
        )
        .join(
            _names(_frame(frames, "professional"), "worker", "_worker"),
            on="worker",
            how="left",
            maintain_order="left",
        )
        .sort("start_date", "child", maintain_order=True)
    )
    unnecessary = (
        pl.when(pl.col("icpc_not_required"))
        .then(True)
        .when(pl.col("icpc_not_required").not_() | pl.col("icpc_date").is_not_null())
        .then(False)
    )
    return rows.select(
        "child",
        "sex",
        "ethnicity",
        "dob",
        "age",
        "disability",
        pl.col("start_date").alias("s47_start"),
        _yes_no(unnecessary).alias("icpc_unnecessary"),
        "icpc_date",
        _yes_no(pl.col("_started")).alias("icpc_plan"),
        pl.col("s47_count").fill_null(0),
        pl.col("icpc_count").fill_null(0),
        pl.col("_team").alias("team"),
        pl.col("_worker").alias("worker"),
    )


def list7_frame(
    frames: dict[str, pl.DataFrame], period_start: date, period_end: date
) -> pl.DataFrame:
    """List 7 rows: plans open at any time in the period, as known at its end."""
    plans = (
        _frame(frames, "protection_plan")
        .filter(
            (pl.col("start_date") <= period_end)
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= period_start))
        )
        .with_columns(
            pl.when(pl.col("end_date") <= period_end).then(pl.col("end_date")).alias("end_date"),
        )
        .with_columns(
            pl.coalesce("end_date", pl.lit(period_end)).alias("_as_at"),
        )
    )
    visits = (
        _frame(frames, "visit")
        .filter((pl.col("date") <= period_end) & pl.col("seen").fill_null(True))
        .sort("date")
        .group_by("plan", maintain_order=True)
        .last()
        .select(
            pl.col("plan").alias("ref"),
            pl.col("date").alias("last_visit"),
            _yes_no(pl.col("seen_alone")).alias("seen_alone"),
        )
    )
    reviews = (
        _frame(frames, "conference")
        .filter((pl.col("kind") == "review") & (pl.col("date_held") <= period_end))
        .group_by("plan")
        .agg(pl.col("date_held").max().alias("latest_review"))
        .rename({"plan": "ref"})
    )
    involvements = _frame(frames, "involvement").select(
        "child", "professional", pl.col("team").alias("_inv_team"), "start_date",
        pl.col("end_date").alias("_inv_end"),
    )  # fmt: skip
    allocated = (
        plans.select("ref", "child", "_as_at")
        .join(involvements, on="child", how="inner")
        .filter(
            (pl.col("start_date") <= pl.col("_as_at"))
            & (pl.col("_inv_end").is_null() | (pl.col("_inv_end") >= pl.col("_as_at")))
        )
        .sort("start_date")
        .group_by("ref", maintain_order=True)
        .last()
        .select("ref", pl.col("professional").alias("_professional"), "_inv_team")
    )
    teams = _frame(frames, "team")
    rows = (
        plans.join(visits, on="ref", how="left", maintain_order="left")
        .join(reviews, on="ref", how="left", maintain_order="left")
        .join(allocated, on="ref", how="left", maintain_order="left")
        .with_columns(pl.coalesce("team", "_inv_team").alias("team"))
        .join(
            _children(_frame(frames, "child"), period_end),
            on="child",
            how="left",
            maintain_order="left",
        )
        .join(_names(teams, "team", "_team"), on="team", how="left", maintain_order="left")
        .join(
            _names(_frame(frames, "professional"), "_professional", "_worker"),
            on="_professional",
            how="left",
            maintain_order="left",
        )
        .sort("start_date", "child", maintain_order=True)
    )
    return rows.select(
        "child",
        "sex",
        "ethnicity",
        "dob",
        "age",
        "disability",
        pl.col("start_date").alias("plan_start"),
        pl.col("initial_category")
        .replace_strict(CATEGORY_LABELS, default=None)
        .alias("initial_category"),
        pl.col("latest_category")
        .replace_strict(CATEGORY_LABELS, default=None)
        .alias("latest_category"),
        "last_visit",
        "seen_alone",
        "latest_review",
        pl.col("end_date").alias("plan_end"),
        pl.lit(None, dtype=pl.String).alias("epo"),
        "previous_plans",
        pl.col("_team").alias("team"),
        pl.col("_worker").alias("worker"),
    )


def annex_a_write(
    *, frames: dict[str, pl.DataFrame], path: Path, period_end: date, months: int = 12
) -> AnnexAWritten:
    """Write Lists 5 and 7 of an Annex A for the `months` months ending on `period_end`."""
    if months < 1:
        raise ValueError("months must be 1 or more")
    period_start = add_months(period_end, -months) + timedelta(days=1)
    list5 = list5_frame(frames, period_start, period_end)
    list7 = list7_frame(frames, period_start, period_end)
    workbook = xlsxwriter.Workbook(str(path), {"default_date_format": DATE_FORMAT})
    try:
        bold = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        cover = workbook.add_worksheet(COVER_SHEET)
        cover.write(0, 0, COVER_TITLE, bold)
        cover.write(1, 0, COVER_PERIOD.format(start=period_start, end=period_end))
        cover.write(2, 0, COVER_NOTE)
        cover.set_column(0, 0, 80)
        for sheet_name, fields, frame in (
            ("List 5", LIST_5_FIELDS, list5),
            ("List 7", LIST_7_FIELDS, list7),
        ):
            sheet = workbook.add_worksheet(sheet_name)
            sheet.freeze_panes(1, 0)
            for column, item in enumerate(fields):
                sheet.write(0, column, item.heading, wrap)
                sheet.set_column(column, column, 18)
                values = frame.get_column(item.key).to_list()
                sheet.write_column(1, column, values)
            sheet.set_row(0, 60)
    finally:
        workbook.close()
    return AnnexAWritten(
        path=path,
        period_start=period_start,
        period_end=period_end,
        list5_rows=list5.height,
        list7_rows=list7.height,
    )
