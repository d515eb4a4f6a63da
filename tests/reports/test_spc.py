"""SPC: hand-worked series for the XmR and p-chart maths and for every Making Data Count rule."""

from datetime import date

import polars as pl
import pytest

from cpqa.reports.spc import (
    EVIDENCE,
    NUMERATOR_ABOVE_DENOMINATOR,
    READING_CONCERN,
    READING_HIGHER,
    READING_IMPROVING,
    READING_NO_CHANGE,
    READING_NOT_ENOUGH_DATA,
    READING_PROVISIONAL,
    ChartKind,
    Direction,
    FunnelBand,
    FunnelUnit,
    PointKind,
    Polarity,
    Reading,
    Rule,
    Signal,
    SpcResult,
    funnel_calculate,
    p_chart_calculate,
    point_kind,
    reading_describe,
    signals_detect,
    xmr_calculate,
)

ALTERNATING = [10, 12] * 6  # mean 11; every moving range 2


def detect(values):
    """The rules against fixed limits: mean 10, process limits 7 and 13, two sigma 8 and 12."""
    n = len(values)
    return signals_detect(
        values=values,
        mean=10,
        upper=[13] * n,
        lower=[7] * n,
        near_upper=[12] * n,
        near_lower=[8] * n,
    )


def rules(signals):
    return [(signal.rule, signal.direction, signal.points) for signal in signals]


# --- XmR ---------------------------------------------------------------------------------------


def test_xmr_mean_moving_range_and_limits_by_hand():
    result = xmr_calculate(values=ALTERNATING)
    # mean (6 x 10 + 6 x 12) / 12 = 11; 11 moving ranges of 2 -> mean moving range 2;
    # limits 11 +/- 2.66 x 2 = 16.32 and 5.68.
    assert result.kind == ChartKind.XMR
    assert result.mean == pytest.approx(11)
    assert result.mean_moving_range == pytest.approx(2)
    assert result.upper[0] == pytest.approx(16.32)
    assert result.lower[-1] == pytest.approx(5.68)
    # two sigma: 11 +/- (2/3) x 5.32 = 14.5467 and 7.4533
    assert result.near_upper[0] == pytest.approx(11 + 5.32 * 2 / 3)
    assert result.signals == ()
    assert not result.provisional
    reading = reading_describe(result=result, polarity=Polarity.HIGHER_IS_BETTER, measure="Visits")
    assert reading.reading == Reading.NO_SIGNIFICANT_CHANGE
    assert reading.sentence == READING_NO_CHANGE.format(measure="Visits")


def test_xmr_accepts_a_polars_series_with_nulls_and_skips_moving_ranges_across_a_gap():
    result = xmr_calculate(values=pl.Series([10.0, 12.0, None, 12.0, 10.0]))
    # mean of the four values 44 / 4 = 11; moving ranges only |12-10| and |10-12| -> 2
    assert result.mean == pytest.approx(11)
    assert result.mean_moving_range == pytest.approx(2)
    assert result.points == 4
    assert result.values[2] is None


def test_eleven_months_are_provisional_and_twelve_are_not():
    eleven = xmr_calculate(values=ALTERNATING[:11])
    twelve = xmr_calculate(values=ALTERNATING)
    assert eleven.provisional and not twelve.provisional
    sentence = reading_describe(result=eleven, polarity=Polarity.NEITHER, measure="Visits").sentence
    assert sentence.endswith(READING_PROVISIONAL.format(months=11))


@pytest.mark.parametrize("values", [[], [5], [5, None, 6], [None, None]])
def test_no_chart_without_two_consecutive_months(values):
    result = xmr_calculate(values=values)
    assert not result.enough_data
    assert result.signals == ()
    reading = reading_describe(result=result, polarity=Polarity.NEITHER, measure="Visits")
    assert reading.reading == Reading.NOT_ENOUGH_DATA
    assert reading.sentence == READING_NOT_ENOUGH_DATA.format(measure="Visits")


def test_two_consecutive_months_make_a_provisional_chart():
    result = xmr_calculate(values=[4, 6])
    # mean 5, one moving range of 2 -> limits 5 +/- 5.32
    assert result.enough_data and result.provisional
    assert result.upper[0] == pytest.approx(10.32)


def test_periods_must_match_the_values():
    with pytest.raises(ValueError, match="different lengths"):
        xmr_calculate(values=[1, 2, 3], periods=[date(2025, 4, 1)])


# --- The rules, against fixed limits -------------------------------------------------------------


def test_a_series_inside_the_limits_with_no_pattern_triggers_nothing():
    assert detect([9, 11, 9.5, 10.5, 9, 11, 10, 9.5, 10.5, 9, 11, 9.5]) == ()


def test_outside_the_limits_and_exactly_on_them():
    assert rules(detect([10, 13.5, 10, 6.9])) == [
        (Rule.OUTSIDE_LIMITS, Direction.UP, (1,)),
        (Rule.OUTSIDE_LIMITS, Direction.DOWN, (3,)),
    ]
    # exactly on a limit is not outside
    assert [s for s in detect([10, 13, 10, 7]) if s.rule == Rule.OUTSIDE_LIMITS] == []


def test_shift_needs_seven_on_one_side():
    seven = detect([11] * 7)
    assert rules(seven) == [(Rule.SHIFT, Direction.UP, tuple(range(7)))]
    assert detect([11] * 6 + [9]) == ()
    assert rules(detect([9] * 8)) == [(Rule.SHIFT, Direction.DOWN, tuple(range(8)))]


def test_a_point_on_the_mean_or_a_missing_month_ends_a_shift():
    assert detect([9, 9, 9, 10, 9, 9, 9, 9]) == ()
    assert detect([11, 11, 11, None, 11, 11, 11, 11]) == ()


def test_trend_needs_six_points_each_strictly_beyond_the_last():
    rising = [8.1, 8.5, 9, 9.5, 10.5, 11]
    assert rules(detect(rising)) == [(Rule.TREND, Direction.UP, (0, 1, 2, 3, 4, 5))]
    assert detect(rising[:5]) == ()
    falling = [11.9, 11, 10.5, 9.5, 9, 8.5]
    assert rules(detect(falling)) == [(Rule.TREND, Direction.DOWN, (0, 1, 2, 3, 4, 5))]


def test_equal_neighbours_end_a_trend():
    # 7 points but a tie between the 3rd and 4th: two runs, of 3 and 4 points
    assert detect([8.1, 8.5, 9, 9, 9.5, 10.5, 11]) == ()
    # and a missing month ends one too
    assert detect([8.1, 8.5, 9, None, 9.5, 10.5, 11]) == ()


def test_a_trend_longer_than_six_is_one_signal():
    signals = [s for s in detect([8.1, 8.3, 8.5, 9, 9.5, 10.5, 11, 11.5]) if s.rule == Rule.TREND]
    assert [s.points for s in signals] == [tuple(range(8))]


def test_two_of_three_beyond_two_sigma_on_the_same_side():
    assert rules(detect([12.5, 10, 12.5])) == [(Rule.TWO_OF_THREE, Direction.UP, (0, 2))]
    assert rules(detect([7.5, 7.9, 10])) == [(Rule.TWO_OF_THREE, Direction.DOWN, (0, 1))]
    # not within three consecutive months
    assert detect([12.5, 10, 10, 12.5]) == ()
    # exactly at two sigma is not beyond it
    assert detect([12, 12, 10]) == ()
    # one high and one low are not on the same side
    assert detect([12.5, 7.5, 10]) == ()


def test_a_point_outside_the_limit_counts_as_beyond_two_sigma():
    assert rules(detect([13.5, 12.5, 10])) == [
        (Rule.OUTSIDE_LIMITS, Direction.UP, (0,)),
        (Rule.TWO_OF_THREE, Direction.UP, (0, 1)),
    ]


def test_overlapping_two_of_three_windows_make_one_signal():
    assert rules(detect([12.5, 12.5, 10, 12.5, 12.5])) == [
        (Rule.TWO_OF_THREE, Direction.UP, (0, 1, 3, 4))
    ]


# --- p-charts ----------------------------------------------------------------------------------


def test_p_chart_limits_follow_the_denominator_by_hand():
    result = p_chart_calculate(numerators=[10, 20, 30], denominators=[100, 100, 400])
    # p-bar = 60 / 600 = 0.1; sigma = sqrt(0.1 x 0.9 / n): 0.03 for 100, 0.015 for 400
    assert result.kind == ChartKind.P
    assert result.mean == pytest.approx(0.1)
    assert result.values == pytest.approx((0.1, 0.2, 0.075))
    assert result.upper == pytest.approx((0.19, 0.19, 0.145))
    assert result.lower == pytest.approx((0.01, 0.01, 0.055))
    assert result.near_upper[2] == pytest.approx(0.13)
    assert rules(result.signals) == [(Rule.OUTSIDE_LIMITS, Direction.UP, (1,))]


def test_p_chart_month_with_no_cases_is_missing_and_does_not_move_the_centre():
    result = p_chart_calculate(numerators=[10, 0, 20, 30], denominators=[100, 0, 100, 400])
    assert result.mean == pytest.approx(0.1)
    assert result.values[1] is None
    assert result.upper[1] is None and result.lower[1] is None
    assert result.points == 3


def test_p_chart_limits_stay_within_0_and_1_and_a_point_on_a_clipped_limit_is_inside():
    result = p_chart_calculate(numerators=[0, 1], denominators=[10, 40])
    # p-bar = 1 / 50 = 0.02; for n = 10, 0.02 - 3 x sqrt(0.02 x 0.98 / 10) < 0, so 0
    assert result.lower[0] == 0.0
    assert result.upper[0] == pytest.approx(0.02 + 3 * (0.02 * 0.98 / 10) ** 0.5)
    assert result.values[0] == 0.0
    assert result.signals == ()


def test_p_chart_refuses_more_cases_than_the_denominator():
    with pytest.raises(ValueError) as error:
        p_chart_calculate(
            numerators=[5, 11], denominators=[10, 10], periods=[date(2025, 4, 1), date(2025, 5, 1)]
        )
    assert str(error.value) == NUMERATOR_ABOVE_DENOMINATOR.format(
        period="May 2025", numerator=11.0, denominator=10.0
    )


# --- Readings ----------------------------------------------------------------------------------

# Alternating 10 and 12, then six rising months. By hand: mean (3x10 + 3x12 + 10.2 + 10.4 + 10.6
# + 10.8 + 11.0 + 11.2) / 12 = 130.2 / 12 = 10.85; moving ranges 2 x 5, 1.8, 0.2 x 5 -> 12.8 / 11
# = 1.1636; limits 10.85 +/- 3.095 (7.75 to 13.95), two sigma 8.79 to 12.91: no point beyond
# them, no run of 7 on one side, so the only signal is the six-point rise at the end.
RISING_END = [10, 12, 10, 12, 10, 12, 10.2, 10.4, 10.6, 10.8, 11.0, 11.2]


def test_rising_end_is_only_a_trend():
    result = xmr_calculate(values=RISING_END)
    assert result.mean == pytest.approx(10.85)
    assert result.mean_moving_range == pytest.approx(12.8 / 11)
    assert rules(result.signals) == [(Rule.TREND, Direction.UP, (6, 7, 8, 9, 10, 11))]


@pytest.mark.parametrize(
    ("polarity", "reading", "template", "kind"),
    [
        (Polarity.HIGHER_IS_BETTER, Reading.IMPROVING, READING_IMPROVING, PointKind.IMPROVEMENT),
        (Polarity.LOWER_IS_BETTER, Reading.CONCERN, READING_CONCERN, PointKind.CONCERN),
        (Polarity.NEITHER, Reading.HIGHER_THAN_USUAL, READING_HIGHER, PointKind.NEUTRAL),
    ],
)
def test_reading_follows_polarity(polarity, reading, template, kind):
    result = xmr_calculate(values=RISING_END)
    described = reading_describe(result=result, polarity=polarity, measure="Visits in time")
    evidence = EVIDENCE[(Rule.TREND, Direction.UP)].format(steps=5)
    assert described.reading == reading
    assert described.sentence == template.format(measure="Visits in time", evidence=evidence)
    assert point_kind(result=result, index=11, polarity=polarity) == kind
    assert point_kind(result=result, index=0, polarity=polarity) == PointKind.COMMON_CAUSE


def test_a_spike_in_the_latest_month_is_cited_before_an_older_shift():
    # 10, 12 x 5 then 10 and 30: mean 150 / 12 = 12.5; moving ranges 2 x 10 and 20 -> 40 / 11;
    # upper limit 12.5 + 2.66 x 40 / 11 = 22.17 < 30. The first 11 months are all below 12.5,
    # a shift down, which does not reach the latest month.
    values = [10, 12] * 5 + [10, 30]
    periods = [date(2024 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(12)]
    result = xmr_calculate(values=values, periods=periods)
    assert result.upper[0] == pytest.approx(12.5 + 2.66 * 40 / 11)
    assert rules(result.signals) == [
        (Rule.SHIFT, Direction.DOWN, tuple(range(11))),
        (Rule.OUTSIDE_LIMITS, Direction.UP, (11,)),
    ]
    described = reading_describe(result=result, polarity=Polarity.LOWER_IS_BETTER, measure="Waits")
    evidence = EVIDENCE[(Rule.OUTSIDE_LIMITS, Direction.UP)].format(period="Mar 2025")
    assert described.sentence == READING_CONCERN.format(measure="Waits", evidence=evidence)
    assert described.signal.periods == (date(2025, 3, 1),)


def test_concern_is_reported_when_signals_point_both_ways():
    n = 8
    result = SpcResult(
        kind=ChartKind.XMR,
        periods=tuple(range(1, n + 1)),
        values=(20.0, 19, 18, 17, 16, 15, 14, 13),
        mean=10,
        upper=(30,) * n,
        lower=(0,) * n,
        near_upper=(25,) * n,
        near_lower=(5,) * n,
        signals=(
            Signal(Rule.SHIFT, Direction.UP, tuple(range(n))),
            Signal(Rule.TREND, Direction.DOWN, tuple(range(n))),
        ),
    )
    described = reading_describe(result=result, polarity=Polarity.HIGHER_IS_BETTER, measure="X")
    assert described.reading == Reading.CONCERN
    assert described.signal.rule == Rule.TREND


# --- Funnel plots ------------------------------------------------------------------------------


def test_funnel_bands_by_hand():
    # centre 0.8, n = 100: sigma 0.04; 95%: 0.8 +/- 0.0784; 99.8%: 0.8 +/- 0.1236
    units = [
        FunnelUnit("A", 90, 100),
        FunnelUnit("B", 95, 100),
        FunnelUnit("C", 70, 100),
        FunnelUnit("D", 60, 100),
        FunnelUnit("E", 80, 100),
        FunnelUnit("F", 0, 0),
    ]
    result = funnel_calculate(units=units, centre=0.8)
    bands = {point.name: point.band for point in result.points}
    assert bands == {
        "A": FunnelBand.ABOVE_95,
        "B": FunnelBand.ABOVE_998,
        "C": FunnelBand.BELOW_95,
        "D": FunnelBand.BELOW_998,
        "E": FunnelBand.WITHIN,
        "F": FunnelBand.NO_DATA,
    }
    a = result.points[0]
    assert a.upper_95 == pytest.approx(0.8 + 1.959964 * 0.04)
    assert a.lower_998 == pytest.approx(0.8 - 3.090232 * 0.04)


def test_funnel_centre_defaults_to_the_pooled_proportion():
    result = funnel_calculate(units=[FunnelUnit("A", 30, 40), FunnelUnit("B", 10, 60)])
    assert result.centre == pytest.approx(40 / 100)
    curve = result.curve(steps=5)
    assert curve.height == 5
    assert curve["upper_998"].min() >= curve["upper_95"].min()


def test_frame_has_a_row_per_month_with_how_each_point_is_marked():
    result = xmr_calculate(values=RISING_END, periods=[date(2024, m, 1) for m in range(1, 13)])
    frame = result.frame(polarity=Polarity.HIGHER_IS_BETTER)
    assert frame.height == 12
    assert frame["period"][0] == "Jan 2024"
    assert frame["point"].to_list() == ["common_cause"] * 6 + ["improvement"] * 6
    assert frame["rules"][11] == "trend"
    assert frame["upper"][0] == pytest.approx(10.85 + 2.66 * 12.8 / 11)
