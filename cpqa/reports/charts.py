"""Charts drawn on the server as SVG: SPC charts, funnel plots and comparison bars.

Each chart is built as a Vega-Lite specification with Altair and rendered to
SVG by vl-convert, offline, with no script in the result. A `Chart` carries
the SVG, a text alternative and the figures as a table, so that a page can:

- show it as an image, `<img src="{{ chart.data_uri }}" alt="{{ chart.alt }}">`
  (the template `reports/chart.html` does this): the Content Security Policy
  allows `data:` images, and an SVG shown as an image is not touched by the
  page's `style-src 'self'`; WeasyPrint draws the same image in a PDF;
- offer the table to people who cannot see the chart.

Signals are marked by colour and by shape, so the chart does not rely on
colour alone: common cause a grey circle, improvement a blue square, concern
an orange diamond, a change that is neither better nor worse a purple triangle.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import altair as alt
import vl_convert
from altair.vegalite.v6.schema.core import TopLevelSpec

from .spc import (
    FUNNEL_BAND_LABELS,
    POINT_KIND_LABELS,
    ChartKind,
    FunnelBand,
    FunnelResult,
    PointKind,
    Polarity,
    SpcResult,
    period_label,
    point_kind,
    reading_describe,
)

WIDTH = 520
HEIGHT = 260
FONT = "Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#0b0c0c"
LINE_COLOUR = "#505a5f"
TARGET_COLOUR = "#00703c"
HIGHLIGHT_COLOUR = "#1d70b8"
OTHER_BAR_COLOUR = "#8e979c"

# Point marks: colour AND shape for each kind, so colour is never the only cue.
POINT_COLOURS: dict[PointKind, str] = {
    PointKind.COMMON_CAUSE: "#505a5f",
    PointKind.IMPROVEMENT: "#1d70b8",
    PointKind.CONCERN: "#b34700",
    PointKind.NEUTRAL: "#4c2c92",
}
POINT_SHAPES: dict[PointKind, str] = {
    PointKind.COMMON_CAUSE: "circle",
    PointKind.IMPROVEMENT: "square",
    PointKind.CONCERN: "diamond",
    PointKind.NEUTRAL: "triangle-up",
}
FUNNEL_SHAPES: dict[FunnelBand, str] = {
    FunnelBand.WITHIN: "circle",
    FunnelBand.ABOVE_95: "triangle-up",
    FunnelBand.ABOVE_998: "square",
    FunnelBand.BELOW_95: "triangle-down",
    FunnelBand.BELOW_998: "diamond",
}

NO_CHART = "{title}: no chart, because there is not enough data yet."
SPC_ALT = (
    "{title}. Statistical process control chart of {months} months, {first} to {last}. "
    "{centre}. {limits}. {marked} {reading}"
)
SPC_MARKED = "{count} of the months are marked as special cause."
SPC_NONE_MARKED = "No month is marked as special cause."
FUNNEL_ALT = (
    "{title}. Funnel plot of {count} teams: each team's proportion against its number of "
    "cases, with 95% and 99.8% control limits around {centre}. {outside}"
)
FUNNEL_ALL_WITHIN = "Every team is within the 95% limits."
FUNNEL_OUTSIDE = "Outside the 95% limits: {teams}."
BAR_ALT = "{title}. Bar chart comparing {items}."
NOT_AVAILABLE = "not available"


class ValueStyle(StrEnum):
    """How the values of a chart are written."""

    COUNT = "count"  # whole numbers: 1,234
    NUMBER = "number"  # one decimal place: 56.4
    PERCENT = "percent"  # proportions 0 to 1, written as 81.4%


AXIS_FORMATS = {ValueStyle.COUNT: ",~g", ValueStyle.NUMBER: ",~g", ValueStyle.PERCENT: ".0%"}


def value_text(value: float | None, style: ValueStyle) -> str:
    if value is None:
        return NOT_AVAILABLE
    if style == ValueStyle.PERCENT:
        return f"{value * 100:.1f}%"
    if style == ValueStyle.COUNT:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


@dataclass(frozen=True)
class Chart:
    """A drawn chart: the SVG, its text alternative, and its figures as a table."""

    title: str
    svg: str
    alt: str
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    @property
    def drawn(self) -> bool:
        return bool(self.svg)

    @property
    def data_uri(self) -> str:
        """The SVG as a data: address for an <img>; empty when there is no chart."""
        if not self.svg:
            return ""
        encoded = base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return f"data:image/svg+xml;base64,{encoded}"


# What each chart is drawn with. Written into the specification as it is rendered,
# rather than with Altair's configure_*() (each of which copies the whole chart,
# its data included): the same specification, and so the same SVG, at less cost.
CONFIG: dict[str, Any] = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR, "labelFontSize": 12},
    "title": {"color": TEXT_COLOUR, "fontSize": 16, "anchor": "start"},
    "legend": {
        "orient": "bottom",
        "direction": "vertical",
        "labelFontSize": 12,
        "titleFontSize": 12,
        "labelColor": TEXT_COLOUR,
        "titleColor": TEXT_COLOUR,
        "labelLimit": 400,
    },
}
# Check each specification against the Vega-Lite schema as it is rendered. Off by
# default: the check (jsonschema over Altair's copies) cost three times the
# rendering itself; the tests switch it on for every kind of chart.
VALIDATE = False


def _render(chart: alt.TopLevelMixin) -> str:
    spec = chart.to_dict(validate=False)
    spec["config"] = copy.deepcopy(CONFIG)
    if VALIDATE:
        TopLevelSpec.validate(spec)
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return vl_convert.vegalite_to_svg(spec, vl_version=f"{major}.{minor}")


def _period_value(period: object) -> tuple[str, bool]:
    """A period for the x axis: an ISO date (temporal axis) or a label (ordinal axis)."""
    start = getattr(period, "start", period)
    if isinstance(start, date):
        return start.isoformat(), True
    return period_label(period), False


def spc_chart(
    *,
    result: SpcResult,
    title: str,
    polarity: Polarity = Polarity.NEITHER,
    style: ValueStyle | None = None,
    target: float | None = None,
    y_title: str = "",
) -> Chart:
    """An SPC chart: the series, mean, process limits (stepped for p-charts), signals, target."""
    if style is None:
        style = ValueStyle.PERCENT if result.kind == ChartKind.P else ValueStyle.NUMBER
    reading = reading_describe(result=result, polarity=polarity, measure=title)
    if not result.enough_data:
        return Chart(title, "", NO_CHART.format(title=title) + " " + reading.sentence)
    periods = [_period_value(period) for period in result.periods]
    temporal = all(is_date for _, is_date in periods)
    rows: list[dict[str, Any]] = []
    table: list[tuple[str, ...]] = []
    for index, value in enumerate(result.values):
        kind = point_kind(result=result, index=index, polarity=polarity)
        label = period_label(result.periods[index])
        rules = "; ".join(signal.label for signal in result.signals_at(index))
        kind_label = POINT_KIND_LABELS[kind] if kind else ""
        rows.append(
            {
                "period": periods[index][0],
                "value": value,
                "mean": result.mean,
                "upper": result.upper[index],
                "lower": result.lower[index],
                "kind": kind_label,
                "description": f"{label}: {value_text(value, style)}. {kind_label}."
                + (f" {rules}." if rules else ""),
            }
        )
        table.append(
            (
                label,
                value_text(value, style),
                value_text(result.lower[index], style),
                value_text(result.mean, style),
                value_text(result.upper[index], style),
                kind_label + (f" ({rules})" if rules else "") if kind else NOT_AVAILABLE,
            )
        )
    data = alt.Data(values=rows)
    axis_format = AXIS_FORMATS[style]
    if temporal:
        x = alt.X(
            "period:T",
            title="Month",
            scale=alt.Scale(type="utc"),
            axis=alt.Axis(
                format="%b %Y",
                labelAngle=-40,
                tickCount={"interval": "month", "step": max(1, len(rows) // 12)},
            ),
        )
    else:
        x = alt.X("period:O", title="", sort=None, axis=alt.Axis(labelAngle=-40))
    y_scale = alt.Scale(zero=False)
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(format=axis_format), scale=y_scale)
    base = alt.Chart()  # the layers drawn from the rows inherit them from the top level
    step = "step" if result.kind == ChartKind.P else "linear"
    layers = [
        base.mark_line(color=LINE_COLOUR, strokeWidth=1.5, invalid="break-paths-show-domains")
        .encode(x=x, y=y)
        .properties(description="The monthly values"),
        base.mark_line(color=TEXT_COLOUR, strokeWidth=1.5).encode(x=x, y=alt.Y("mean:Q")),
        base.mark_line(
            color=LINE_COLOUR,
            strokeDash=[6, 4],
            interpolate=step,
            invalid="break-paths-show-domains",
        ).encode(x=x, y=alt.Y("upper:Q")),
        base.mark_line(
            color=LINE_COLOUR,
            strokeDash=[6, 4],
            interpolate=step,
            invalid="break-paths-show-domains",
        ).encode(x=x, y=alt.Y("lower:Q")),
    ]
    if target is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"target": target}]))
            .mark_rule(color=TARGET_COLOUR, strokeWidth=2, strokeDash=[2, 2])
            .encode(
                y=alt.Y("target:Q"), description=alt.value(f"Target {value_text(target, style)}")
            )
        )
    last = len(rows) - 1
    line_labels = [
        {"period": rows[last]["period"], "y": y_value, "text": text}
        for y_value, text in (
            (result.upper[last], "Upper limit"),
            (result.mean, "Mean"),
            (result.lower[last], "Lower limit"),
            (target, "Target"),
        )
        if y_value is not None
    ]
    layers.append(
        alt.Chart(alt.Data(values=line_labels))
        .mark_text(align="right", dy=-7, fontSize=11, color=TEXT_COLOUR)
        .encode(x=x, y=alt.Y("y:Q"), text="text:N")
    )
    kinds = [
        kind for kind in PointKind if any(row["kind"] == POINT_KIND_LABELS[kind] for row in rows)
    ]
    domain = [POINT_KIND_LABELS[kind] for kind in kinds]
    layers.append(
        base.transform_filter("datum.value != null")
        .mark_point(filled=True, size=70, opacity=1)
        .encode(
            x=x,
            y=alt.Y("value:Q"),
            color=alt.Color(
                "kind:N",
                title="Points",
                scale=alt.Scale(domain=domain, range=[POINT_COLOURS[k] for k in kinds]),
            ),
            shape=alt.Shape(
                "kind:N",
                title="Points",
                scale=alt.Scale(domain=domain, range=[POINT_SHAPES[k] for k in kinds]),
            ),
            description="description:N",
        )
    )
    chart = alt.layer(*layers, data=data).properties(
        width=WIDTH, height=HEIGHT, title=title, description=f"Chart: {title}"
    )
    present = [i for i, value in enumerate(result.values) if value is not None]
    marked = sum(1 for i in present if result.signals_at(i))
    if result.kind == ChartKind.P:
        centre = f"Average {value_text(result.mean, style)}"
        limits = "The process limits move with each month's number of cases"
    else:
        centre = f"Mean {value_text(result.mean, style)}"
        limits = (
            f"Process limits {value_text(result.lower[present[0]], style)} "
            f"to {value_text(result.upper[present[0]], style)}"
        )
    alt_text = SPC_ALT.format(
        title=title,
        months=len(present),
        first=period_label(result.periods[present[0]]),
        last=period_label(result.periods[present[-1]]),
        centre=centre,
        limits=limits,
        marked=SPC_MARKED.format(count=marked) if marked else SPC_NONE_MARKED,
        reading=reading.sentence,
    )
    headers = ("Month", "Value", "Lower limit", "Mean", "Upper limit", "Variation")
    return Chart(title, _render(chart), alt_text, headers, tuple(table))


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    highlight: bool = False
    note: str = ""


def comparison_bar_chart(
    *, title: str, bars: Sequence[Bar], style: ValueStyle = ValueStyle.NUMBER, x_title: str = ""
) -> Chart:
    """Bars side by side: e.g. the authority, England, its region and its statistical neighbours."""
    rows = [
        {
            "label": bar.label,
            "value": bar.value,
            "shown": bar.value if bar.value is not None else 0,
            "text": value_text(bar.value, style),
            "colour": HIGHLIGHT_COLOUR if bar.highlight else OTHER_BAR_COLOUR,
            "description": f"{bar.label}: {value_text(bar.value, style)}",
        }
        for bar in bars
    ]
    data = alt.Data(values=rows)
    y = alt.Y("label:N", title="", sort=None, axis=alt.Axis(labelLimit=260))
    x = alt.X("shown:Q", title=x_title, axis=alt.Axis(format=AXIS_FORMATS[style]))
    bars_layer = (
        alt.Chart()
        .mark_bar(height={"band": 0.7})
        .encode(x=x, y=y, color=alt.Color("colour:N", scale=None), description="description:N")
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=4, color=TEXT_COLOUR, fontSize=12)
        .encode(x=x, y=y, text="text:N")
    )
    chart = alt.layer(bars_layer, labels, data=data).properties(
        width=WIDTH - 120,
        height=max(60, 32 * len(rows)),
        title=title,
        description=f"Chart: {title}",
    )
    items = "; ".join(f"{bar.label} {value_text(bar.value, style)}" for bar in bars)
    table = tuple((bar.label, value_text(bar.value, style), bar.note) for bar in bars)
    return Chart(
        title,
        _render(chart),
        BAR_ALT.format(title=title, items=items),
        ("Area", "Value", "Note"),
        table,
    )


def funnel_chart(
    *,
    result: FunnelResult,
    title: str,
    polarity: Polarity = Polarity.NEITHER,
    x_title: str = "Number of cases",
    y_title: str = "",
) -> Chart:
    """A funnel plot: proportion against denominator, with 95% and 99.8% limits."""
    shown = [point for point in result.points if point.proportion is not None]
    if result.centre is None or not shown:
        return Chart(title, "", NO_CHART.format(title=title))
    style = ValueStyle.PERCENT

    def colour(band: FunnelBand) -> str:
        if band == FunnelBand.WITHIN:
            return POINT_COLOURS[PointKind.COMMON_CAUSE]
        above = band in (FunnelBand.ABOVE_95, FunnelBand.ABOVE_998)
        if polarity == Polarity.NEITHER:
            return POINT_COLOURS[PointKind.NEUTRAL]
        better = above == (polarity == Polarity.HIGHER_IS_BETTER)
        return POINT_COLOURS[PointKind.IMPROVEMENT if better else PointKind.CONCERN]

    points = [
        {
            "name": point.name,
            "n": point.denominator,
            "p": point.proportion,
            "band": FUNNEL_BAND_LABELS[point.band],
            "colour": colour(point.band),
            "description": (
                f"{point.name}: {value_text(point.proportion, style)} of "
                f"{point.denominator:,.0f}. {FUNNEL_BAND_LABELS[point.band]}."
            ),
        }
        for point in shown
    ]
    bands = [band for band in FUNNEL_SHAPES if any(p.band == band for p in shown)]
    domain = [FUNNEL_BAND_LABELS[band] for band in bands]
    curve = result.curve().to_dicts()
    lines = alt.Chart()  # the limits' curve, inherited from the top level
    x = alt.X("n:Q", title=x_title, axis=alt.Axis(format=",.0f"))
    y_axis = alt.Axis(format=AXIS_FORMATS[style])
    layers = [
        lines.mark_line(color=LINE_COLOUR, strokeDash=[6, 4]).encode(
            x=x, y=alt.Y(f"{column}:Q", title=y_title, axis=y_axis)
        )
        for column in ("lower_95", "upper_95")
    ] + [
        lines.mark_line(color=LINE_COLOUR, strokeDash=[2, 2]).encode(x=x, y=alt.Y(f"{column}:Q"))
        for column in ("lower_998", "upper_998")
    ]
    layers.append(
        alt.Chart(alt.Data(values=[{"centre": result.centre}]))
        .mark_rule(color=TEXT_COLOUR, strokeWidth=1.5)
        .encode(y=alt.Y("centre:Q"))
    )
    end = curve[-1]
    curve_labels = [
        {"n": end["n"], "y": end["upper_95"], "text": "95%"},
        {"n": end["n"], "y": end["upper_998"], "text": "99.8%"},
        {"n": end["n"], "y": end["lower_95"], "text": "95%"},
        {"n": end["n"], "y": end["lower_998"], "text": "99.8%"},
        {
            "n": end["n"],
            "y": result.centre,
            "text": f"Authority {value_text(result.centre, style)}",
        },
    ]
    layers.append(
        alt.Chart(alt.Data(values=curve_labels))
        .mark_text(align="right", dy=-6, fontSize=11, color=TEXT_COLOUR)
        .encode(x=x, y=alt.Y("y:Q"), text="text:N")
    )
    data = alt.Chart(alt.Data(values=points))
    layers.append(
        data.mark_point(filled=True, size=80, opacity=1).encode(
            x=x,
            y=alt.Y("p:Q"),
            shape=alt.Shape(
                "band:N",
                title="Teams",
                scale=alt.Scale(domain=domain, range=[FUNNEL_SHAPES[b] for b in bands]),
            ),
            color=alt.Color("colour:N", scale=None),
            description="description:N",
        )
    )
    layers.append(
        data.mark_text(align="left", dx=7, dy=-6, fontSize=11, color=TEXT_COLOUR).encode(
            x=x, y=alt.Y("p:Q"), text="name:N"
        )
    )
    chart = alt.layer(*layers, data=alt.Data(values=curve)).properties(
        width=WIDTH, height=HEIGHT, title=title, description=f"Chart: {title}"
    )
    outside = [
        f"{point.name} ({FUNNEL_BAND_LABELS[point.band].lower()})"
        for point in shown
        if point.band != FunnelBand.WITHIN
    ]
    alt_text = FUNNEL_ALT.format(
        title=title,
        count=len(shown),
        centre=value_text(result.centre, style),
        outside=FUNNEL_OUTSIDE.format(teams="; ".join(outside)) if outside else FUNNEL_ALL_WITHIN,
    )
    table = tuple(
        (
            point.name,
            f"{point.numerator:,.0f}",
            f"{point.denominator:,.0f}",
            value_text(point.proportion, style),
            f"{value_text(point.lower_95, style)} to {value_text(point.upper_95, style)}",
            f"{value_text(point.lower_998, style)} to {value_text(point.upper_998, style)}",
            FUNNEL_BAND_LABELS[point.band],
        )
        for point in result.points
    )
    headers = ("Team", "Number", "Cases", "Proportion", "95% limits", "99.8% limits", "Where")
    return Chart(title, _render(chart), alt_text, headers, table)
