"""The dashboards' filters as pure functions over canonical frames: no database.

Category of abuse: a child's category on a day is that of their latest child
protection plan started on or before the day (its latest category, else its
initial category). A child with no plan by then has no category, so choosing a
category leaves them out.

Age band: a child's age in whole years on a day, from their date of birth. A
child with no date of birth but an expected one, or born after the day, is
unborn on that day; a child with neither date is "not recorded".

Filtering the frames for a set of children keeps, in every table with a
`child` column, the rows about those children; conference attendance follows
its conference and core group meetings their plan. Teams, workers, staffing and
supervision are not about a child and are kept whole. The indicators are then
computed on the filtered frames exactly as on the whole authority's.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from cpqa.casework.models import CategoryOfAbuse

Frame = pl.DataFrame | pl.LazyFrame

UNBORN = "unborn"
NOT_RECORDED = "not_recorded"
# (value, label, lowest age, highest age): ages in whole years on the day.
AGE_BANDS: tuple[tuple[str, str, int | None, int | None], ...] = (
    (UNBORN, "Unborn", None, None),
    ("under_1", "Under 1", 0, 0),
    ("1_to_4", "1 to 4", 1, 4),
    ("5_to_9", "5 to 9", 5, 9),
    ("10_to_15", "10 to 15", 10, 15),
    ("16_and_over", "16 and over", 16, None),
    (NOT_RECORDED, "Date of birth not recorded", None, None),
)
AGE_BAND_LABELS: dict[str, str] = {value: label for value, label, _, _ in AGE_BANDS}
CATEGORY_LABELS: dict[str, str] = dict(CategoryOfAbuse.choices)

# Tables whose rows follow another table's rows rather than a child.
FOLLOWS: dict[str, tuple[str, str]] = {
    "conference_attendance": ("conference", "conference"),
    "core_group_meeting": ("plan", "protection_plan"),
}


@dataclass(frozen=True)
class ChildFilter:
    """Which children a page is about: a category of abuse and an age band, on a day."""

    on: date
    category: str = ""
    age_band: str = ""

    @property
    def active(self) -> bool:
        return bool(self.category or self.age_band)

    def key(self) -> tuple:
        return (self.on.isoformat(), self.category, self.age_band) if self.active else ()


def age_years_expr(date_of_birth: pl.Expr, on: date) -> pl.Expr:
    """Whole years from the date of birth to `on` (negative if born after it)."""
    on_number = on.year * 10_000 + on.month * 100 + on.day
    born = (
        date_of_birth.dt.year().cast(pl.Int64) * 10_000
        + date_of_birth.dt.month().cast(pl.Int64) * 100
        + date_of_birth.dt.day().cast(pl.Int64)
    )
    # Floor division keeps a birthday that has not yet come round in the year before.
    return (pl.lit(on_number, pl.Int64) - born).floordiv(10_000)


def age_band_expr(date_of_birth: pl.Expr, expected: pl.Expr, on: date) -> pl.Expr:
    """The age band (a value of AGE_BANDS) of each child on `on`."""
    age = age_years_expr(date_of_birth, on)
    band = pl.when(date_of_birth.is_null() & expected.is_null()).then(pl.lit(NOT_RECORDED))
    band = band.when(date_of_birth.is_null() | (date_of_birth > on)).then(pl.lit(UNBORN))
    for value, _, low, high in AGE_BANDS:
        if low is None:
            continue
        condition = age >= low if high is None else age.is_between(low, high)
        band = band.when(condition).then(pl.lit(value))
    return band.otherwise(pl.lit(NOT_RECORDED))


def child_categories(plans: Frame, on: date) -> pl.DataFrame:
    """(child, category): the category of each child's latest plan started on or before `on`."""
    return (
        plans.lazy()
        .filter(pl.col("start_date").is_not_null() & (pl.col("start_date") <= on))
        .sort(["child", "start_date", "ref"])
        .group_by("child")
        .agg(pl.col("latest_category", "initial_category").last())
        .select(
            pl.col("child"),
            category=pl.coalesce(pl.col("latest_category"), pl.col("initial_category")),
        )
        .collect()
    )


def child_attributes(children: Frame, plans: Frame, on: date) -> pl.DataFrame:
    """(child, team, category, age_band) of every child on `on`."""
    categories = child_categories(plans, on)
    return (
        children.lazy()
        .select(
            child=pl.col("ref"),
            team=pl.col("team") if "team" in children.collect_schema() else pl.lit(None),
            age_band=age_band_expr(pl.col("date_of_birth"), pl.col("expected_date_of_birth"), on),
        )
        .join(categories.lazy(), on="child", how="left")
        .collect()
    )


def children_matching(frames: Mapping[str, Frame], child_filter: ChildFilter) -> pl.Series:
    """The refs of the children of the frames who match the filter."""
    attributes = child_attributes(frames["child"], frames["protection_plan"], child_filter.on)
    condition = pl.lit(True)
    if child_filter.category:
        condition = condition & (pl.col("category") == child_filter.category)
    if child_filter.age_band:
        condition = condition & (pl.col("age_band") == child_filter.age_band)
    return attributes.filter(condition).get_column("child")


def frames_for_children(frames: Mapping[str, Frame], children: pl.Series) -> dict[str, Frame]:
    """The frames restricted to these children (see the module's description)."""
    wanted = pl.DataFrame({"_child": children.cast(pl.String)}).lazy()
    result: dict[str, Frame] = {}
    for name, frame in frames.items():
        if name == "child":
            result[name] = _semi(frame, "ref", wanted)
        elif name not in FOLLOWS and "child" in frame.collect_schema():
            result[name] = _semi(frame, "child", wanted)
        else:
            result[name] = frame
    for name, (column, parent) in FOLLOWS.items():
        if name in result and parent in result:
            kept = result[parent].lazy().select(_child=pl.col("ref"))
            result[name] = _semi(result[name], column, kept)
    return result


def frames_for_chair(frames: Mapping[str, Frame], chair: str) -> dict[str, Frame]:
    """The frames with only the conferences chaired by this professional (and their attendance)."""
    result = dict(frames)
    result["conference"] = frames["conference"].filter(pl.col("chair") == chair)
    if "conference_attendance" in frames:
        kept = result["conference"].lazy().select(_child=pl.col("ref"))
        result["conference_attendance"] = _semi(frames["conference_attendance"], "conference", kept)
    return result


def _semi(frame: Frame, column: str, keys: pl.LazyFrame) -> pl.DataFrame:
    return (
        frame.lazy()
        .join(keys, left_on=pl.col(column).cast(pl.String), right_on="_child", how="semi")
        .collect()
    )
