"""Comparisons from the bundled files, checked against figures worked out by hand from them."""

import io

import pytest
from django.core.management import call_command

from cpqa.nationalstats.charts import CHART_TITLE, OWN_FIGURE, measure_bar_chart
from cpqa.nationalstats.formats import SYMBOLS
from cpqa.nationalstats.management.commands.statistics import IMPORTED, NOTHING_CHANGED
from cpqa.nationalstats.measures import MEASURES_BY_KEY
from cpqa.nationalstats.models import PublishedFigure, StatisticalNeighbour, StatisticsRelease
from cpqa.nationalstats.selectors import (
    COMPARATOR_USED,
    ENGLAND,
    NOT_IN_FILES,
    Source,
    child_population_get,
    statistics_comparison,
)

from .conftest import C4, D3, LAIT, ONS

ENGLAND_CHILDREN_MID_2024 = 12_183_016  # ONS file, National row, 2024
WEST_SUSSEX_CHILDREN_MID_2024 = 181_943  # ONS file, 938, 2024


@pytest.fixture(scope="module")
def bundled(django_db_setup, django_db_blocker):
    """All the bundled files, loaded once for this module with `cpqa statistics load-bundled`."""
    out = io.StringIO()
    with django_db_blocker.unblock():
        call_command("statistics", "load-bundled", stdout=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        StatisticalNeighbour.objects.all().delete()
        PublishedFigure.objects.all().delete()
        StatisticsRelease.objects.all().delete()


@pytest.fixture
def west_sussex(bundled, db):
    return statistics_comparison(la_code="938")


def latest(comparison, key):
    row = comparison.measure(key).latest
    assert row.year == 2025
    return row


def test_load_bundled_imports_every_file_once(bundled, db):
    assert bundled.rstrip().endswith(IMPORTED.format(count=7, s="s"))
    again = io.StringIO()
    call_command("statistics", "load-bundled", stdout=again)
    assert again.getvalue().rstrip().endswith(NOTHING_CHANGED)


def test_england_section_47_and_icpc_rates_by_hand(west_sussex):
    row = latest(west_sussex, "section47_rate")
    # 230,590 enquiries in 2024-25 / 12,183,016 children at mid-2024 x 10,000 = 189.27
    assert row.england.value == pytest.approx(230_590 / ENGLAND_CHILDREN_MID_2024 * 10_000)
    assert round(row.england.value, 1) == 189.3
    assert row.england.sources == (Source(C4.name, 2025), Source(ONS.name, 2024))
    icpc = latest(west_sussex, "icpc_rate").england
    # 72,100 ICPCs / 12,183,016 x 10,000 = 59.18
    assert icpc.value == pytest.approx(72_100 / ENGLAND_CHILDREN_MID_2024 * 10_000)


def test_west_sussex_figures_by_hand_and_against_lait(west_sussex):
    assert west_sussex.la_name == "West Sussex"
    assert (west_sussex.region_code, west_sussex.region_name) == ("E12000008", "South East")
    s47 = latest(west_sussex, "section47_rate").authority
    # C4 row 938, 2025: Section47 2,901; ONS 938 mid-2024: 181,943 -> 159.4 (LAIT Section_47: 159.4)
    assert s47.value == pytest.approx(2901 / WEST_SUSSEX_CHILDREN_MID_2024 * 10_000)
    assert round(s47.value, 1) == 159.4
    in_time = latest(west_sussex, "icpc_within_15_days").authority
    # 0-10 days 123 + 11-15 days 622 = 745 of 859 ICPCs = 86.7% (LAIT CP_conf_15days: 86.7)
    assert in_time.value == pytest.approx(745 / 859 * 100)
    lait = PublishedFigure.objects.get(measure="CP_conf_15days", year=2025, area_code="938")
    assert round(in_time.value, 1) == lait.value
    assert in_time.sources == (Source(C4.name, 2025),)


def test_plan_measures_by_hand(west_sussex):
    plans = latest(west_sussex, "plans_rate")
    # D5 England 2025: 49,420 children on a plan / 12,183,016 x 10,000 = 40.6 (LAIT CPP_rate)
    assert plans.england.value == pytest.approx(49_420 / ENGLAND_CHILDREN_MID_2024 * 10_000)
    assert round(plans.england.value, 1) == 40.6
    # West Sussex 2025, D5 as published: bands 34.4, 33.9, 17.1, 11.7 and 2 years or more 2.9
    bands = [
        "plans_3_months_or_less",
        "plans_3_to_6_months",
        "plans_6_to_12_months",
        "plans_1_to_2_years",
        "plans_2_years_or_more",
    ]
    assert [latest(west_sussex, key).authority.value for key in bands] == [
        34.4,
        33.9,
        17.1,
        11.7,
        2.9,
    ]
    repeat = latest(west_sussex, "repeat_plans")
    assert (repeat.authority.value, repeat.england.value) == (29.2, 24.5)
    assert repeat.authority.sources == (Source(D3.name, 2025),)


def test_lait_measures(west_sussex):
    reviews = latest(west_sussex, "reviews_in_time")
    assert (reviews.authority.value, reviews.england.value) == (87.8, 90.6)
    assert reviews.england.sources == (Source(LAIT.name, 2025),)
    ended = latest(west_sussex, "plans_ended_2_years_or_more")
    assert ended.england.value == 4.4


def test_neighbours_in_order_and_their_mean(west_sussex):
    assert [n.code for n in west_sussex.neighbours[:3]] == ["916", "881", "850"]
    assert west_sussex.neighbours[0].closeness == "Very close"
    assert west_sussex.neighbour_model == "sn_model_2025_wide.csv"
    row = latest(west_sussex, "repeat_plans")
    values = [figure.value for figure in row.neighbours if figure.value is not None]
    assert row.neighbours_mean.count == len(values)
    assert row.neighbours_mean.value == pytest.approx(sum(values) / len(values))


def test_the_demo_borrows_the_comparators_region_and_neighbours(bundled, db, settings):
    settings.CPQA_COMPARATOR_CODE = "929"
    comparison = statistics_comparison(la_code="DEMO")
    assert not comparison.in_files
    assert (comparison.comparator_code, comparison.comparator_name) == ("929", "Northumberland")
    assert comparison.message == COMPARATOR_USED.format(
        code="DEMO", comparator="Northumberland", comparator_code="929"
    )
    assert (comparison.region_code, comparison.region_name) == ("E12000001", "North East")
    assert comparison.neighbours[0].name == "Norfolk"
    row = latest(comparison, "repeat_plans")
    assert row.authority is None
    assert row.region.value == 27.2  # D3 North East 2025
    # D3 2025, Northumberland's ten neighbours: Norfolk 18.8, Derbyshire 24.3, Lancashire 19.3,
    # Cornwall 27.5, Devon 30.1, County Durham 21.2, Dorset 27.5, Kent 24.3, Worcestershire
    # 31.4, Suffolk 24.5: 248.9 / 10 = 24.89
    assert [figure.value for figure in row.neighbours] == [
        18.8,
        24.3,
        19.3,
        27.5,
        30.1,
        21.2,
        27.5,
        24.3,
        31.4,
        24.5,
    ]
    assert row.neighbours_mean.value == pytest.approx(24.89)
    assert row.neighbours_mean.count == 10


def test_no_comparator_leaves_england_only(bundled, db, settings):
    settings.CPQA_COMPARATOR_CODE = ""
    comparison = statistics_comparison(la_code="DEMO")
    assert comparison.message == NOT_IN_FILES.format(code="DEMO")
    assert comparison.neighbours == () and comparison.region_code == ""
    row = latest(comparison, "section47_rate")
    assert row.region is None and row.neighbours_mean is None
    assert row.england.area_code == ENGLAND


def test_the_comparator_is_not_used_for_an_authority_in_the_files(bundled, db, settings):
    settings.CPQA_COMPARATOR_CODE = "929"
    comparison = statistics_comparison(la_code="938")
    assert comparison.in_files and comparison.comparator_code == ""
    assert comparison.region_name == "South East"


def test_a_suppressed_figure_is_not_available_with_its_reason(bundled, db):
    city = statistics_comparison(la_code="201", measures=["section47_rate"])
    figure = latest(city, "section47_rate").authority
    assert (figure.value, figure.symbol) == (None, "c")
    assert figure.reason == SYMBOLS["c"]
    assert not figure.available


def test_child_population(bundled, db):
    assert child_population_get(area_code="938", year=2024) == WEST_SUSSEX_CHILDREN_MID_2024
    assert child_population_get(area_code="938", year=2030) is None


def test_bar_chart_of_a_measure_for_the_demo(bundled, db, settings):
    settings.CPQA_COMPARATOR_CODE = "929"
    comparison = statistics_comparison(la_code="DEMO", measures=["repeat_plans"])
    chart = measure_bar_chart(
        comparison=comparison,
        key="repeat_plans",
        authority_name="Northbridge",
        authority_value=21.0,
    )
    assert chart.title == CHART_TITLE.format(
        label=MEASURES_BY_KEY["repeat_plans"].label, period="2024-25"
    )
    labels = [row[0] for row in chart.rows]
    assert labels == [
        "Northbridge",
        "England",
        "North East",
        "Statistical neighbours (mean of 10 of 10)",
    ]
    # the published percentages, written as percentages: 21.0 (own), 24.5, 27.2 and 24.89
    assert [row[1] for row in chart.rows] == ["21.0%", "24.5%", "27.2%", "24.9%"]
    assert chart.rows[0][2] == OWN_FIGURE
    assert chart.rows[1][2] == f"{D3.name} (2025)"
    assert ">24.5%</text>" in chart.svg
