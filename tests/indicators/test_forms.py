"""The date range of the indicators' API and drill-down: defaults, order and length."""

from datetime import date

from cpqa.indicators.forms import END_BEFORE_START, MAX_YEARS, TOO_LONG, IndicatorQueryForm

TODAY = date(2026, 11, 26)


def form(**data) -> IndicatorQueryForm:
    return IndicatorQueryForm(data, today=TODAY)


def test_a_range_of_up_to_the_longest_is_allowed_and_no_longer():
    assert form(**{"from": "2000-01-01", "to": "2024-12-31"}).is_valid()  # 25 years
    too_long = form(**{"from": "2000-01-01", "to": "2025-01-01"})
    assert too_long.errors["to"] == [TOO_LONG.format(years=MAX_YEARS)]


def test_an_end_before_the_start_is_refused():
    backwards = form(**{"from": "2025-03-01", "to": "2025-01-01"})
    assert backwards.errors["to"] == [END_BEFORE_START]


def test_the_last_days_a_date_can_hold():
    # Found by tests/fuzz/test_forms.py: the longest-range check raised past year 9999.
    assert form(**{"from": "9999-12-31", "to": "9999-12-31"}).is_valid()
