"""The indicators on a generated authority: invariants, references written plainly,
and the same answers from the database as from the frames."""

from datetime import date, timedelta

import polars as pl
import pytest

from cpqa.core.periods import add_months, periods_between
from cpqa.core.workdays import working_days_between
from cpqa.indicators.context import Context
from cpqa.indicators.engine import indicators_compute
from cpqa.indicators.registry import indicators

generator = pytest.importorskip("cpqa.synthetic.generator")

END = date(2025, 3, 31)


@pytest.fixture(scope="module")
def generated():
    return generator.authority_generate(seed=7, scale=0.5, end=END, years=3)


@pytest.fixture(scope="module")
def monthly(generated):
    ctx = Context(periods=periods_between(date(2022, 4, 1), END, "month"), child_population=30_000)
    return indicators_compute(generated, ctx)


def test_every_indicator_has_rows_and_sensible_values(monthly):
    for indicator in indicators():
        rows = monthly.filter(pl.col("indicator") == indicator.id)
        assert rows.height > 0, indicator.id
        if indicator.kind == "percentage":
            values = rows["value"].drop_nulls()
            assert values.min() >= 0 and values.max() <= 100, indicator.id
            assert (rows["numerator"] <= rows["denominator"]).all(), indicator.id


def test_the_authority_is_at_least_the_sum_of_its_teams(monthly):
    # Every generated record has a team, so the whole authority is exactly their sum.
    counts = monthly.filter(pl.col("indicator").is_in(["s47_started", "cpp_open_at_end"]))
    teams = (
        counts.filter(pl.col("team").is_not_null())
        .group_by("indicator", "period_start")
        .agg(pl.col("numerator").sum())
    )
    whole = counts.filter(pl.col("team").is_null()).select("indicator", "period_start", "numerator")
    joined = whole.join(teams, on=["indicator", "period_start"], suffix="_teams")
    assert (joined["numerator"] == joined["numerator_teams"]).all()
    assert joined["numerator"].sum() > 0


def test_parts_add_up(monthly):
    authority = monthly.filter(pl.col("team").is_null())

    def total(indicator, column="numerator"):
        return authority.filter(pl.col("indicator") == indicator)[column].sum()

    assert total("cpp_started_by_category") == total("cpp_started")
    assert total("unallocated_by_risk") == total("unallocated_at_end")
    assert total("cpp_seen_within_standard", "denominator") == total("cpp_open_at_end")
    durations = [i.id for i in indicators() if i.part_of == "cpp_ended" and i.denominator_of]
    assert len(durations) == 5
    assert sum(total(indicator) for indicator in durations) == total("cpp_ended")


def test_reviews_in_time_against_a_plain_reference(generated):
    """The segment method against a direct reading of the definition, plan by plan."""
    end = date(2024, 3, 31)
    plans = generated["protection_plan"].filter(
        pl.col("start_date").is_not_null()
        & (pl.col("start_date") <= end)
        & (pl.col("end_date").is_null() | (pl.col("end_date") > end))
    )
    reviews = generated["conference"].filter(
        (pl.col("kind") == "review") & pl.col("date_held").is_not_null()
    )
    held: dict[str, set[date]] = {}
    for ref, day in reviews.select("plan", "date_held").iter_rows():
        held.setdefault(ref, set()).add(day)
    denominator = numerator = 0
    for ref, start in plans.select("ref", "start_date").iter_rows():
        if add_months(start, 3) > end:
            continue
        denominator += 1
        in_time, due = True, add_months(start, 3)
        for day in sorted(d for d in held.get(ref, ()) if start < d <= end):
            if day > due:
                in_time = False
            due = add_months(day, 6)
        if due <= end:
            in_time = False
        numerator += in_time
    ctx = Context(periods=periods_between(date(2024, 3, 1), end, "month"))
    rows = indicators_compute(generated, ctx, ["cpp_reviewed_in_time"])
    whole = rows.filter(pl.col("team").is_null()).row(0, named=True)
    assert (whole["numerator"], whole["denominator"]) == (numerator, denominator)
    assert denominator > 20


def test_icpc_timeliness_against_a_plain_reference(generated):
    start, end = date(2024, 4, 1), date(2024, 6, 30)
    enquiries = dict(generated["section47"].select("ref", "start_date").iter_rows())
    seen, denominator, numerator = set(), 0, 0
    conferences = (
        generated["conference"]
        .filter(pl.col("kind") == "initial")
        .sort(pl.col("section47").is_null(), "ref")
    )
    for child, held, enquiry in conferences.select("child", "date_held", "section47").iter_rows():
        if held is None or not start <= held <= end or (child, held) in seen:
            continue
        seen.add((child, held))
        began = enquiries.get(enquiry)
        if began is None or began > held:
            continue
        denominator += 1
        numerator += working_days_between(began, held, region="england") <= 15
    ctx = Context(periods=periods_between(start, end, "none"))
    rows = indicators_compute(generated, ctx, ["icpc_within_15_working_days"])
    whole = rows.filter(pl.col("team").is_null()).row(0, named=True)
    assert (whole["numerator"], whole["denominator"]) == (numerator, denominator)


def test_seen_against_a_plain_reference(generated):
    end = date(2024, 1, 31)
    window = end
    while working_days_between(window - timedelta(days=1), end, region="england") <= 10:
        window -= timedelta(days=1)
    ctx = Context(periods=periods_between(date(2024, 1, 1), end, "none"))
    rows = indicators_compute(generated, ctx, ["cpp_open_at_end", "cpp_seen_within_standard"])
    visits = generated["visit"].filter(
        (pl.col("seen") | pl.col("seen_alone")).fill_null(False)
        & pl.col("date").is_between(window, end)
    )
    seen_plans = set(visits["plan"].to_list())
    plans = generated["protection_plan"].filter(
        (pl.col("start_date") <= end) & (pl.col("end_date").is_null() | (pl.col("end_date") > end))
    )
    expected = sum(
        ref in seen_plans or start >= window
        for ref, start in plans.select("ref", "start_date").iter_rows()
    )
    whole = rows.filter(
        pl.col("team").is_null() & (pl.col("indicator") == "cpp_seen_within_standard")
    ).row(0, named=True)
    assert (whole["numerator"], whole["denominator"]) == (expected, plans.height)


@pytest.mark.django_db
def test_the_database_gives_the_same_answers_as_the_frames(authority):
    from cpqa.casework.selectors import fact_frames
    from cpqa.casework.services import facts_load

    frames = generator.authority_generate(seed=3, scale=0.1, end=END, years=2)
    facts_load(authority=authority, frames=frames)
    ctx = Context(periods=periods_between(date(2023, 4, 1), END, "quarter"))
    from_frames = indicators_compute(frames, ctx)
    from_database = indicators_compute(fact_frames(authority=authority), ctx)
    assert from_database.equals(from_frames)
