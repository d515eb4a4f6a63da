"""Charts: the SVG holds what it should, works as a data: image under the CSP, and prints to PDF."""

import base64
import io
import re
from datetime import date

import jsonschema
import pypdf
import pytest
import weasyprint
from django.template.loader import render_to_string

from cpqa.reports import charts
from cpqa.reports.charts import (
    NO_CHART,
    NOT_AVAILABLE,
    POINT_COLOURS,
    Bar,
    comparison_bar_chart,
    funnel_chart,
    spc_chart,
)
from cpqa.reports.spc import (
    POINT_KIND_LABELS,
    FunnelUnit,
    PointKind,
    Polarity,
    funnel_calculate,
    p_chart_calculate,
    reading_describe,
    xmr_calculate,
)

POINT = re.compile(
    r'<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="point"[^>]*>'
)


def months(count: int, start: date = date(2024, 4, 1)) -> list[date]:
    return [
        date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
        for i in range(count)
    ]


# 10, 12 alternating, a spike of 25 in month 12 (outside the upper limit 20.5), a missing
# month and then 11: 13 months with values, one of them special cause.
SPIKE = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 10, 25, None, 11]


@pytest.fixture(scope="module")
def spike_chart():
    result = xmr_calculate(values=SPIKE, periods=months(len(SPIKE)))
    return result, spc_chart(
        result=result, title="Section 47 enquiries", polarity=Polarity.LOWER_IS_BETTER, target=14
    )


def points(svg: str) -> list[tuple[str, str, str]]:
    """(aria-label, shape path, fill) of each plotted point."""
    found = []
    for match in POINT.finditer(svg):
        tag = match.group(0)
        shape = re.search(r' d="([^"]*)"', tag).group(1)
        fill = re.search(r' fill="([^"]*)"', tag).group(1)
        found.append((match.group(1), shape, fill))
    return found


def test_spc_chart_plots_one_point_per_month_with_a_value(spike_chart):
    _, chart = spike_chart
    assert chart.drawn
    assert chart.svg.startswith("<svg")
    plotted = points(chart.svg)
    assert len(plotted) == 13
    assert plotted[0][0].startswith("Apr 2024: 10.0.")


def test_spc_chart_marks_the_signal_by_colour_and_shape(spike_chart):
    _, chart = spike_chart
    plotted = points(chart.svg)
    concern = [p for p in plotted if POINT_KIND_LABELS[PointKind.CONCERN] in p[0]]
    common = [p for p in plotted if POINT_KIND_LABELS[PointKind.COMMON_CAUSE] in p[0]]
    assert len(concern) == 1 and len(common) == 12
    assert concern[0][0].startswith("Mar 2025: 25.0.")
    assert concern[0][2] == POINT_COLOURS[PointKind.CONCERN]
    assert common[0][2] == POINT_COLOURS[PointKind.COMMON_CAUSE]
    assert concern[0][1] != common[0][1]  # a different shape, not only a different colour
    # and the legend names both
    assert chart.svg.count(POINT_KIND_LABELS[PointKind.CONCERN]) >= 2


def test_spc_chart_draws_the_mean_limits_and_target_and_no_script(spike_chart):
    _, chart = spike_chart
    for label in ("Mean", "Upper limit", "Lower limit", "Target"):
        assert f">{label}</text>" in chart.svg
    assert "<script" not in chart.svg
    assert " style=" not in chart.svg


def test_spc_chart_text_alternative_and_table(spike_chart):
    result, chart = spike_chart
    reading = reading_describe(
        result=result, polarity=Polarity.LOWER_IS_BETTER, measure=chart.title
    )
    assert reading.sentence in chart.alt
    assert "13 months, Apr 2024 to May 2025" in chart.alt
    assert len(chart.rows) == len(SPIKE)
    # the missing month is in the table, as not available
    assert chart.rows[12][0] == "Apr 2025" and chart.rows[12][1] == NOT_AVAILABLE
    assert chart.rows[11][-1].startswith(POINT_KIND_LABELS[PointKind.CONCERN])


def test_data_uri_decodes_to_the_svg(spike_chart):
    _, chart = spike_chart
    prefix = "data:image/svg+xml;base64,"
    assert chart.data_uri.startswith(prefix)
    assert base64.b64decode(chart.data_uri[len(prefix) :]).decode() == chart.svg


def test_p_chart_table_shows_the_stepped_limits():
    result = p_chart_calculate(
        numerators=[10, 20, 30], denominators=[100, 100, 400], periods=months(3)
    )
    chart = spc_chart(
        result=result, title="Conferences in time", polarity=Polarity.HIGHER_IS_BETTER
    )
    # limits by hand: 19.0% for n = 100, 14.5% for n = 400 (see test_spc)
    assert [row[4] for row in chart.rows] == ["19.0%", "19.0%", "14.5%"]
    assert [row[2] for row in chart.rows] == ["1.0%", "1.0%", "5.5%"]
    assert "move with each month" in chart.alt
    plotted = points(chart.svg)
    assert len(plotted) == 3
    improvement = [p for p in plotted if POINT_KIND_LABELS[PointKind.IMPROVEMENT] in p[0]]
    assert len(improvement) == 1 and improvement[0][0].startswith("May 2024: 20.0%")


def test_no_chart_for_a_single_month():
    result = xmr_calculate(values=[7], periods=months(1))
    chart = spc_chart(result=result, title="Visits")
    assert not chart.drawn
    assert chart.data_uri == ""
    assert chart.alt.startswith(NO_CHART.format(title="Visits"))


def test_funnel_chart_plots_each_team_and_names_those_outside():
    result = funnel_calculate(
        units=[
            FunnelUnit("North", 40, 50),
            FunnelUnit("South", 30, 60),
            FunnelUnit("East", 90, 100),
            FunnelUnit("Empty", 0, 0),
        ],
        centre=0.75,
    )
    chart = funnel_chart(result=result, title="Conferences in time by team")
    plotted = points(chart.svg)
    assert len(plotted) == 3  # the team with no cases is not plotted
    for name in ("North", "South", "East"):
        assert f">{name}</text>" in chart.svg
    # South 0.5 of 60: 0.75 - 3.09 x sqrt(0.75 x 0.25 / 60) = 0.577, so below the 99.8% limit
    assert "South (below the 99.8% limit)" in chart.alt
    assert "North" not in chart.alt.split("Outside")[1]
    assert len(chart.rows) == 4


def test_bar_chart_labels_each_bar_and_says_when_a_figure_is_missing():
    chart = comparison_bar_chart(
        title="Section 47 enquiries per 10,000 children",
        bars=[
            Bar("Northbridge", 200.1, highlight=True),
            Bar("England", 189.3),
            Bar("North East", None, note="suppressed"),
        ],
    )
    assert ">200.1</text>" in chart.svg and ">189.3</text>" in chart.svg
    assert f">{NOT_AVAILABLE}</text>" in chart.svg
    assert "North East not available" in chart.alt
    assert chart.rows[2] == ("North East", NOT_AVAILABLE, "suppressed")


def test_template_shows_the_chart_as_an_image_with_alt_text_and_a_table(spike_chart):
    _, chart = spike_chart
    html = render_to_string("reports/chart.html", {"chart": chart})
    image = re.search(r'<img class="cpqa-chart__image" src="([^"]+)" alt="([^"]+)">', html)
    assert image is not None
    assert image.group(1) == chart.data_uri
    assert "<svg" not in html  # not inline, so style-src 'self' cannot touch it
    assert "<script" not in html and " style=" not in html
    assert html.count('<tr class="govuk-table__row">') == len(chart.rows) + 1


def test_weasyprint_prints_a_page_holding_a_chart(spike_chart):
    _, chart = spike_chart
    body = render_to_string("reports/chart.html", {"chart": chart})
    page = f"<html><head><meta charset='utf-8'></head><body><h1>Report</h1>{body}</body></html>"
    pdf = weasyprint.HTML(string=page).write_pdf()
    assert pdf.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    # the chart's own text (its title and line labels, drawn from the SVG) is in the PDF
    assert "Section 47 enquiries" in text
    assert "Upper limit" in text


def every_kind_of_chart() -> list:
    p_result = p_chart_calculate(
        numerators=[8, 9, 7, 10, 9, 8], denominators=[10, 12, 10, 12, 11, 10], periods=months(6)
    )
    funnel = funnel_calculate(
        units=[FunnelUnit("North", 40, 50), FunnelUnit("South", 30, 60)], centre=0.7
    )
    return [
        spc_chart(result=xmr_calculate(values=SPIKE, periods=months(len(SPIKE))), title="X"),
        spc_chart(result=p_result, title="P", polarity=Polarity.HIGHER_IS_BETTER, target=0.8),
        funnel_chart(result=funnel, title="F", polarity=Polarity.HIGHER_IS_BETTER),
        comparison_bar_chart(title="B", bars=[Bar("A", 1.0, highlight=True), Bar("E", None)]),
    ]


def test_every_kind_of_chart_is_a_valid_vega_lite_specification(monkeypatch):
    # Drawing skips the schema check (it cost three times the drawing); here it is on.
    monkeypatch.setattr(charts, "VALIDATE", True)
    assert all(chart.drawn for chart in every_kind_of_chart())
    monkeypatch.setitem(charts.CONFIG, "font", 12)  # not a font: the check must catch it
    with pytest.raises(jsonschema.ValidationError):
        every_kind_of_chart()


def test_every_chart_is_drawn_with_the_configured_font_title_and_colours():
    for chart in every_kind_of_chart():
        assert f'font-family="{charts.FONT}"' in chart.svg
        assert 'font-size="16px"' in chart.svg  # the title
        assert f'fill="{charts.TEXT_COLOUR}"' in chart.svg
