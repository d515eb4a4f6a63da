"""The filters: defaults shown as chosen, months as YYYY-MM or a date, and their limits."""

from datetime import date

from django.http import QueryDict

from cpqa.dashboards.forms import (
    FROM_AFTER_TO,
    TOO_MANY_MONTHS,
    DashboardFilterForm,
    IndicatorFilterForm,
)
from cpqa.dashboards.selectors import TeamRef, month_choices

LATEST = date(2026, 1, 1)
MONTHS = month_choices(latest=LATEST)
TEAMS = [TeamRef(1, "T1", "North"), TeamRef(2, "T2", "South")]


def dashboard_form(query: str, **kwargs) -> DashboardFilterForm:
    kwargs.setdefault("offer", ("period", "team", "category", "age"))
    return DashboardFilterForm(
        QueryDict(query), months=MONTHS, default_month=LATEST, teams=TEAMS, **kwargs
    )


def test_with_nothing_asked_for_the_defaults_are_shown_as_chosen():
    form = dashboard_form("")
    assert form["period"].value() == "2026-01"
    assert form.query().month == LATEST and form.query().team == ""
    team_role = dashboard_form("", everyone=None)
    assert team_role["team"].value() == "T1"  # no "every team": the first team
    assert [value for value, _ in team_role.fields["team"].choices] == ["T1", "T2"]


def test_a_month_as_a_date_is_its_month():
    form = dashboard_form("period=2025-11-30&team=T2&category=NEG&age=under_1")
    query = form.query()
    assert (query.month, query.team, query.category, query.age_band) == (
        date(2025, 11, 1), "T2", "NEG", "under_1"
    )  # fmt: skip


def test_a_page_offers_only_its_filters():
    form = dashboard_form("category=NEG", offer=("period",))
    assert list(form.fields) == ["period"]
    assert form.query().category == ""


def test_an_unknown_value_is_an_error_and_the_default_is_used():
    form = dashboard_form("period=1999-01&team=T9")
    assert not form.is_valid() and set(form.errors) == {"period", "team"}
    assert form.query().month == LATEST


def indicator_form(query: str) -> IndicatorFilterForm:
    return IndicatorFilterForm(
        QueryDict(query), months=MONTHS, default_month=LATEST, length=24, teams=TEAMS
    )


def test_the_trend_is_24_months_to_the_month_asked_for():
    query = indicator_form("to=2025-06").query(indicator_id="s47_started")
    assert (query.start, query.end, query.months) == (date(2023, 7, 1), date(2025, 6, 1), 24)
    default = indicator_form("").query(indicator_id="s47_started")
    assert (default.start, default.end) == (date(2024, 2, 1), LATEST)


def test_a_last_month_that_is_no_month_gives_the_default_trend():
    # Found by tests/fuzz/test_forms.py: month 13 and year 0 raised in the form.
    for query in ("to=2025-13", "to=0000-01-01", "to=0001-01-01"):
        form = indicator_form(query)
        assert not form.is_valid()
        assert form.query(indicator_id="s47_started").end == LATEST


def test_the_months_must_be_in_order_and_not_too_many():
    backwards = indicator_form("from=2025-06&to=2025-01")
    assert backwards.errors["to"] == [FROM_AFTER_TO]
    # From the oldest month offered (60 back) to the latest: 60 months, allowed.
    assert indicator_form("from=2021-02&to=2026-01").is_valid()
    longer = IndicatorFilterForm(
        QueryDict("from=2021-01&to=2026-01"),
        months=month_choices(latest=LATEST, count=80),
        default_month=LATEST,
        length=24,
    )
    assert longer.errors["to"] == [TOO_MANY_MONTHS.format(months=60)]
