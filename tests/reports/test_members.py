"""The members' report: plain words, suppression (worked by hand), questions, comparisons."""

import io
import re
from datetime import date

import polars as pl
import pytest
from django.core.management import call_command

from cpqa.accounts.roles import Role
from cpqa.indicators.registry import indicator_get
from cpqa.indicators.suppression import FEWER_THAN_5, WITHHELD
from cpqa.nationalstats.models import PublishedFigure, StatisticalNeighbour, StatisticsRelease
from cpqa.nationalstats.selectors import COMPARATOR_USED, statistics_comparison
from cpqa.reports.builders import report_for_operator, report_for_user
from cpqa.reports.builders.common import Series
from cpqa.reports.builders.members import (
    MATTERS,
    MEANS,
    QUESTION_COMPARISON,
    QUESTION_TEAM,
    OwnFigure,
    _comparison_section,
    cross_grouping_hidden,
    own_figures,
    series_question,
)
from cpqa.reports.catalogue import MEMBERS_INDICATORS, plain
from cpqa.reports.periods import PeriodError
from cpqa.reports.selectors import WHOLE_MONTHS

from .conftest import QUARTER, TODAY, fenshire
from .helpers import all_text, row, table, texts

pytestmark = pytest.mark.django_db

KINDS = {
    "s47_started": "count",
    "cpp_open_at_end": "count",
    "icpc_within_15_working_days": "percentage",
}


def months_frame(rows: list[tuple]) -> pl.DataFrame:
    """(indicator, first day, last day, numerator, denominator) rows."""
    return pl.DataFrame(
        rows,
        schema={
            "indicator": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "numerator": pl.Int64,
            "denominator": pl.Int64,
        },
        orient="row",
    )


JUL, AUG, SEP = (
    (date(2025, 7, 1), date(2025, 7, 31)),
    (date(2025, 8, 1), date(2025, 8, 31)),
    (
        date(2025, 9, 1),
        date(2025, 9, 30),
    ),
)
Q2 = (date(2025, 7, 1), date(2025, 9, 30))


def test_complementary_suppression_across_a_quarter_and_its_months_by_hand():
    # Enquiries: July 10, August 12, September 3; the quarter 25 = 10 + 12 + 3. September
    # (3) is withheld as small; the quarter less July and August would give it away, so
    # the smallest other month that is not 0, July (10), is withheld too.
    months = months_frame(
        [("s47_started", *JUL, 10, None), ("s47_started", *AUG, 12, None),
         ("s47_started", *SEP, 3, None)]
    )  # fmt: skip
    quarter = months_frame([("s47_started", *Q2, 25, None)])
    hidden = cross_grouping_hidden(
        months=months, aggregates=quarter, hidden={("s47_started", *SEP, "n")}, kinds=KINDS
    )
    assert hidden == {("s47_started", *SEP, "n"), ("s47_started", *JUL, "n")}


def test_a_count_at_the_end_of_a_period_is_not_a_sum_of_its_months():
    # Children on a plan at the end: 6, 8 and 3; the quarter's is September's (3), not 17:
    # no sum holds, and September's figure, already withheld, takes nothing else with it.
    months = months_frame(
        [("cpp_open_at_end", *JUL, 6, None), ("cpp_open_at_end", *AUG, 8, None),
         ("cpp_open_at_end", *SEP, 3, None)]
    )  # fmt: skip
    quarter = months_frame([("cpp_open_at_end", *Q2, 3, None)])
    withheld = {("cpp_open_at_end", *SEP, "n"), ("cpp_open_at_end", *Q2, "n")}
    assert (
        cross_grouping_hidden(months=months, aggregates=quarter, hidden=withheld, kinds=KINDS)
        == withheld
    )


def test_a_percentage_takes_its_numerator_with_its_denominator_by_hand():
    # In time / conferences: July 1/2, August 5/8, September 6/10; the quarter 12/20.
    # July's denominator (2) is small: it and its numerator are withheld. Conferences: the
    # quarter's 20 less August's 8 and September's 10 would give July's 2, so the smallest
    # other month, August (8), is withheld, and its numerator with it. The numerators
    # (12 = 1 + 5 + 6) then have two unknowns: nothing more.
    ids = "icpc_within_15_working_days"
    months = months_frame([(ids, *JUL, 1, 2), (ids, *AUG, 5, 8), (ids, *SEP, 6, 10)])
    quarter = months_frame([(ids, *Q2, 12, 20)])
    hidden = cross_grouping_hidden(
        months=months, aggregates=quarter, hidden={(ids, *JUL, "d")}, kinds=KINDS
    )
    assert hidden == {(ids, *JUL, "d"), (ids, *JUL, "n"), (ids, *AUG, "d"), (ids, *AUG, "n")}


@pytest.fixture
def report(loaded):
    return report_for_operator(
        name="members", period=QUARTER, authority=loaded, operator="tester", today=TODAY
    )


def test_small_numbers_in_the_report(report):
    measures = table(report, "Measures")
    # 25 enquiries in the quarter; 3 initial conferences, 3 plans started, 4 children on a
    # plan at the end: fewer than 5. Initial conferences on time: 2 of 3, a denominator
    # from 1 to 4, so the percentage is withheld as "fewer than 5" too.
    assert row(measures, "Child protection enquiries started") == ["25", "0"]
    assert row(measures, "Initial child protection conferences")[0] == FEWER_THAN_5
    assert row(measures, "Children on a child protection plan")[0] == FEWER_THAN_5
    assert row(measures, "Initial conferences held on time")[0] == FEWER_THAN_5
    monthly = {(r[0], r[1]): r[2] for r in texts(table(report, "Monthly figures"))}
    # September (3) is small; July (10) is withheld so that it cannot be worked out from
    # the quarter's 25; August (12) is shown.
    assert monthly[("Child protection enquiries started", "Sep 2025")] == FEWER_THAN_5
    assert monthly[("Child protection enquiries started", "Jul 2025")] == WITHHELD
    assert monthly[("Child protection enquiries started", "Aug 2025")] == "12"
    assert monthly[("Child protection enquiries started", "Jun 2025")] == "0"


def test_the_trend_leaves_withheld_months_out(report):
    section = next(s for s in report.sections if s.key == "measures")
    enquiries = next(b for b in section.blocks if getattr(b, "key", "") == "s47_started")
    chart = next(b for b in enquiries.blocks if b.block == "chart")
    months = {cells[0]: cells[1] for cells in chart.chart.rows}
    assert months["Aug 2025"] == "12"
    assert months["Jul 2025"] == months["Sep 2025"] == "not available"
    assert chart.note.startswith("Months with a withheld figure")


def test_no_child_is_named(report, loaded):
    text = all_text(report)
    refs = fenshire()["child"].get_column("ref").to_list()
    assert not [ref for ref in refs if re.search(rf"\b{ref}\b", text)]
    assert report.child_refs == []


def test_each_measure_in_plain_words(report):
    text = all_text(report)
    for indicator_id in MEMBERS_INDICATORS:
        words = plain(indicator_id)
        assert words.name in text
        assert MEANS.format(text=words.means) in text
        assert MATTERS.format(text=words.matters) in text
    assert "Is the change real?" in text


def test_the_questions_come_from_the_figures_shown(report):
    questions = next(s for s in report.sections if s.key == "questions")
    items = next(b for b in questions.blocks if b.block == "bullets").items
    # Enquiries: July withheld, so the signal (2 of 3 near the upper limit) starts in
    # August. Unallocated children (2 in September) are withheld: no question about them.
    assert items == (
        '"Child protection enquiries started" has been higher than usual since August 2025: '
        "what is behind it?",
    )


def test_a_team_whose_figure_fell_gets_a_question():
    # 12 months of 9 in 10 in time, then 7 months of 5 in 10: 7 below the centre
    # 143/190 = 0.753 in a row, a shift down (the lower limit 0.753 - 3 x 0.136 = 0.34 and
    # the two-sigma line 0.48 are not crossed).
    months = tuple(date(2024 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(19))
    series = Series(
        indicator=indicator_get("icpc_within_15_working_days"),
        team_ref="T1",
        team="North",
        months=months,
        values=tuple([0.9] * 12 + [0.5] * 7),
        numerators=tuple([9] * 12 + [5] * 7),
        denominators=tuple([10] * 19),
    )
    assert series.reading.reading == "concern"
    assert months[12] == date(2025, 4, 1)
    assert series_question(series) == QUESTION_TEAM.format(
        name="Initial conferences held on time", moved="fallen", team="North", since="April 2025"
    )
    assert series_question(series) == (
        'Why has "Initial conferences held on time" fallen in North since April 2025?'
    )


def test_a_councillor_gets_the_same_report_for_whole_months_only(loaded, make_user):
    councillor = make_user(Role.COUNCILLOR)
    report = report_for_user(
        user=councillor, name="members", period=QUARTER, via="/reports/members/", today=TODAY
    )
    assert row(table(report, "Measures"), "Children on a child protection plan")[0] == FEWER_THAN_5
    assert report.produced_for.endswith("(Councillor)")
    with pytest.raises(PeriodError) as error:
        report_for_user(
            user=councillor,
            name="members",
            period="2025-09-02:2025-09-30",
            via="/reports/members/",
            today=TODAY,
        )
    assert str(error.value) == WHOLE_MONTHS


@pytest.fixture(scope="module")
def bundled(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("statistics", "load-bundled", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        StatisticalNeighbour.objects.all().delete()
        PublishedFigure.objects.all().delete()
        StatisticsRelease.objects.all().delete()


def test_the_comparisons_name_their_sources_and_years(bundled, loaded, settings):
    settings.CPQA_COMPARATOR_CODE = "929"
    report = report_for_operator(
        name="members", period=QUARTER, authority=loaded, operator="tester", today=TODAY
    )
    comparisons = table(report, "Comparisons")
    repeat = row(comparisons, "Plans starting that were a second or subsequent plan")
    # D3 2025: England 24.5, North East 27.2, Northumberland's ten neighbours 24.89 (see
    # tests/nationalstats). The council's own records do not cover 2024-25: not held.
    assert repeat[:5] == ["2024-25", "not held", "24.5%", "27.2%", "24.9%"]
    assert "d3_cpps_subsequent_plan_2013_to_2025.csv (2025)" in repeat[5]
    assert [c.header for c in comparisons.columns][4] == "North East"
    text = all_text(report)
    assert (
        COMPARATOR_USED.format(code="TEST", comparator="Northumberland", comparator_code="929")
        in text
    )
    assert "Norfolk" in text  # the first of the ten neighbours


def test_the_councils_own_figures_and_a_question_from_a_comparison(bundled, settings):
    settings.CPQA_COMPARATOR_CODE = "929"
    comparison = statistics_comparison(la_code="TEST")
    shown = {"suppressed": False, "small": False}
    own = own_figures(
        comparison=comparison,
        year_rows={
            ("s47_started", 2025): {**shown, "indicator": "s47_started", "value": 250},
            ("cpp_repeat", 2025): {**shown, "indicator": "cpp_repeat", "value": 30.0},
            ("icpc_held", 2025): {
                "indicator": "icpc_held",
                "value": None,
                "suppressed": True,
                "small": True,
            },
        },
        population=10_000,
    )
    # 250 enquiries for 10,000 children: 250 per 10,000.
    assert own[("section47_rate", 2025)] == OwnFigure(250.0, "250.0")
    assert own[("repeat_plans", 2025)] == OwnFigure(30.0, "30.0%")
    assert own[("icpc_rate", 2025)].text == FEWER_THAN_5
    section, questions = _comparison_section(
        comparison=comparison, authority_name="Testshire", own=own
    )
    # 30.0% against England 24.5% and the neighbours' 24.9%: fewer repeat plans is better.
    assert (
        QUESTION_COMPARISON.format(
            measure="Plans starting that were a second or subsequent plan",
            own="30.0%",
            year="2024-25",
            england="24.5%",
            neighbours="24.9%",
            word="higher",
        )
        in questions
    )
    repeat = row(
        next(b for b in section.blocks if b.block == "table"),
        ("Plans starting that were a second or subsequent plan"),
    )
    assert repeat[1] == "30.0%" and "own records" in repeat[5]
    assert any(b.block == "chart" for b in section.blocks)


def test_two_months_as_dates(loaded):
    # August and September 2025: 12 + 3 = 15 enquiries. September (3) is small, so
    # August, the only other month of the period, is withheld; July (10) is not in it.
    report = report_for_operator(
        name="members",
        period="2025-08-01:2025-09-30",
        authority=loaded,
        operator="tester",
        today=TODAY,
    )
    assert report.period.kind == "range"
    assert row(table(report, "Measures"), "Child protection enquiries started") == ["15", "0"]
    monthly = {(r[0], r[1]): r[2] for r in texts(table(report, "Monthly figures"))}
    enquiries = "Child protection enquiries started"
    assert monthly[(enquiries, "Sep 2025")] == FEWER_THAN_5
    assert monthly[(enquiries, "Aug 2025")] == WITHHELD
    assert monthly[(enquiries, "Jul 2025")] == "10"
