"""Presentation of the dashboards' figures, statuses and links in templates."""

from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

from cpqa.core.templatetags.humanize_cpqa import FEWER_THAN_5
from cpqa.indicators.standards import AMBER, GREEN, RED
from cpqa.indicators.suppression import WITHHELD
from cpqa.reports.spc import Reading

from ..filters import AGE_BAND_LABELS, CATEGORY_LABELS
from ..measures import READING_TAGS

register = template.Library()

NO_VALUE = "no value"
RAG_TAGS = {
    GREEN: ("govuk-tag--green", "Green"),
    AMBER: ("govuk-tag--yellow", "Amber"),
    RED: ("govuk-tag--red", "Red"),
}
READING_LABELS = {
    Reading.IMPROVING: "Improving",
    Reading.CONCERN: "Concern",
    Reading.NO_SIGNIFICANT_CHANGE: "No significant change",
    Reading.HIGHER_THAN_USUAL: "Higher than usual",
    Reading.LOWER_THAN_USUAL: "Lower than usual",
    Reading.NOT_ENOUGH_DATA: "Not enough data",
}


def _number(value: float | None, kind: str, unit: str = "") -> str:
    if value is None:
        return NO_VALUE
    if kind == "percentage":
        return f"{value:.1f}%"
    if kind == "count":
        return f"{round(value):,}"
    text = f"{value:,.1f}"
    return f"{text} {unit}" if unit else text


@register.filter
def figure_text(row) -> str:
    """A FigureRow's value in the month shown, as its reader may see it."""
    if row is None:
        return NO_VALUE
    point = row.point
    if point.suppressed:
        return FEWER_THAN_5 if point.small else WITHHELD
    return _number(point.value, row.kind, row.indicator.unit)


@register.filter
def count_text(value, suppressed: bool = False) -> str:
    """A numerator or denominator as its reader may see it."""
    if value is None:
        return WITHHELD if suppressed else ""
    return f"{value:,}"


@register.filter
def target_text(terms) -> str:
    if terms is None:
        return ""
    return f"{terms.target:g}%"


@register.simple_tag
def rag_tag(status) -> str:
    """Red, amber or green as a GOV.UK tag that names its colour (never colour alone)."""
    if status not in RAG_TAGS:
        return format_html('<span class="govuk-body-s">{}</span>', "No standard")
    css, label = RAG_TAGS[status]
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, label)


@register.simple_tag
def reading_tag(reading) -> str:
    """The SPC reading in plain words, as a tag."""
    if reading is None:
        return ""
    css = READING_TAGS.get(reading.reading, "govuk-tag--grey")
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>', css, READING_LABELS[reading.reading]
    )


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


@lru_cache(maxsize=512)
def _path(name: str, indicator_id: str) -> str:
    return reverse(name, args=[indicator_id])


@register.simple_tag
def indicator_url(indicator, month: date, team: str = "", category: str = "", age: str = "") -> str:
    """The address of an indicator's page for a month (the end of its trend) and filters."""
    params = {"to": _month(month)}
    if team:
        params["team"] = team
    if category:
        params["category"] = category
    if age:
        params["age"] = age
    indicator_id = getattr(indicator, "id", indicator)
    return f"{_path('dashboards:indicator', indicator_id)}?{urlencode(params)}"


@register.simple_tag
def records_url(row, part: str, category: str = "", age: str = "", breakdown: str = "") -> str:
    """The drill-down behind a figure's numerator or denominator: the indicators app's for
    the whole of a team or the authority, the dashboards' for a category or age band."""
    point = row.point
    params = {
        "period_start": point.period_start.isoformat(),
        "period_end": point.period_end.isoformat(),
        "part": part,
    }
    if row.series.team_ref:
        params["team"] = row.series.team_ref
    if breakdown:
        params["breakdown"] = breakdown
    if category or age:
        params.update({"category": category, "age": age})
        name = "dashboards:records"
    else:
        name = "indicators:records"
    return f"{_path(name, row.indicator.id)}?{urlencode(params)}"


@register.simple_tag
def warning_url(slug: str, team: str = "", category: str = "", age: str = "") -> str:
    params = {"team": team, "category": category, "age": age}
    query = urlencode({key: value for key, value in params.items() if value})
    url = reverse("dashboards:warning-list", args=[slug])
    return f"{url}?{query}" if query else url


@register.filter
def days_text(days) -> str:
    """Calendar days to a due date, in words."""
    if days is None:
        return "No date"
    if days == 0:
        return "Due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    overdue = -days
    return f"{overdue} day{'s' if overdue != 1 else ''} overdue"


@register.filter
def age_band_label(value: str) -> str:
    return AGE_BAND_LABELS.get(value or "", value or "")


@register.filter
def category_label(value: str) -> str:
    return CATEGORY_LABELS.get(value or "", value or "Not on a plan")


@register.filter
def lookup(mapping, key):
    """mapping[key] in a template (None when missing)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def month_value(day: date) -> str:
    return _month(day)


@register.simple_tag
def matrix_cell(cell, indicator, month: date, category: str = "", age: str = "") -> str:
    """One team's cell of a table of teams side by side: the figure (a link to the
    indicator's page for the team), its status and, if any, a signal of concern.

    Rendered here in one go rather than by template tags, for the speed of wide tables."""
    numeric = "govuk-table__cell govuk-table__cell--numeric"
    if cell is None:
        return format_html('<td class="{}">{}</td>', numeric, NO_VALUE)
    url = indicator_url(indicator, month, cell.series.team_ref or "", category, age)
    concern = reading_tag(cell.reading) if cell.concern else ""
    return format_html(
        '<td class="{}"><a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">'
        ": {}, {}</span></a><br>{} {}</td>",
        numeric,
        url,
        figure_text(cell),
        indicator.title,
        cell.series.team_name,
        rag_tag(cell.rag),
        concern,
    )


@register.simple_tag
def team_warning_cell(count, team, links: bool, category: str = "", age: str = "") -> str:
    """One team's overdue count of an early-warning list (a link to the list for the team)."""
    numeric = "govuk-table__cell govuk-table__cell--numeric"
    overdue = count.by_team.get(team.ref, (0, 0))[1]
    if not links or not overdue:
        return format_html('<td class="{}">{}</td>', numeric, overdue)
    return format_html(
        '<td class="{}"><a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">'
        " overdue: {}, {}</span></a></td>",
        numeric,
        warning_url(count.slug, team.ref, category, age),
        overdue,
        count.title,
        team.name,
    )
