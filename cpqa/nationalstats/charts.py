"""The comparison bar chart of one published measure: the authority, England, region, neighbours."""

from __future__ import annotations

from cpqa.reports.charts import Bar, Chart, ValueStyle, comparison_bar_chart

from .measures import PERCENT
from .selectors import Comparison, Figure

CHART_TITLE = "{label}, {period}"
OWN_FIGURE = "the authority's own figure"


def reporting_year(year: int) -> str:
    """The DfE's year ending 31 March 2025 as people write it: 2024-25."""
    return f"{year - 1}-{year % 100:02d}"


def _bar(label: str, figure: Figure | None, *, highlight: bool = False) -> Bar:
    if figure is None:
        return Bar(label, None, highlight)
    note = figure.source_text if figure.available else figure.reason
    return Bar(label, figure.value, highlight, note)


def measure_bar_chart(
    *,
    comparison: Comparison,
    key: str,
    year: int | None = None,
    authority_name: str = "",
    authority_value: float | None = None,
) -> Chart | None:
    """Bars for one measure and year (the latest by default); None if no year has figures.

    An authority that is not in the DfE files (the demo's) may give its own
    figure, worked out from its casework, as `authority_value`.
    """
    measure = comparison.measure(key)
    rows = [row for row in measure.years if year is None or row.year == year]
    if not rows:
        return None
    row = rows[-1]
    name = authority_name or comparison.la_name or comparison.la_code
    if row.authority is not None:
        own = _bar(name, row.authority, highlight=True)
    else:
        own = Bar(name, authority_value, True, OWN_FIGURE if authority_value is not None else "")
    bars = [own, _bar("England", row.england)]
    if row.region is not None:
        bars.append(_bar(row.region.area_name or comparison.region_name, row.region))
    if row.neighbours_mean is not None:
        bars.append(_bar(row.neighbours_mean.area_name, row.neighbours_mean))
    style = ValueStyle.NUMBER
    if measure.measure.unit == PERCENT:
        # The published percentages are 0 to 100; the chart writes proportions as percentages.
        bars = [
            Bar(bar.label, None if bar.value is None else bar.value / 100, bar.highlight, bar.note)
            for bar in bars
        ]
        style = ValueStyle.PERCENT
    return comparison_bar_chart(
        title=CHART_TITLE.format(label=measure.measure.label, period=reporting_year(row.year)),
        bars=bars,
        style=style,
        x_title=measure.measure.unit if measure.measure.unit != PERCENT else "",
    )
