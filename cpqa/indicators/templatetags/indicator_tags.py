"""Presentation of indicator figures and records in templates."""

from datetime import date

from django import template
from django.utils.formats import date_format

from cpqa.indicators.models import StandardSource, ThresholdUnit
from cpqa.indicators.suppression import suppressed_label

register = template.Library()

NOT_RECORDED = "Not recorded"


@register.filter
def cell(value) -> str:
    """A record's value in a drill-down table."""
    if value is None:
        return NOT_RECORDED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return date_format(value)
    return str(value)


@register.filter
def source_label(value: str) -> str:
    return StandardSource(value).label if value in StandardSource.values else value


@register.filter
def unit_label(value: str) -> str:
    return ThresholdUnit(value).label if value in ThresholdUnit.values else value


@register.filter
def figure(row: dict) -> str:
    """An indicator row's value as a reader sees it (percentages to one decimal place)."""
    if row.get("suppressed"):
        return suppressed_label(row)
    value = row.get("value")
    if value is None:
        return "no value"
    if row.get("kind") == "percentage":
        return f"{value:.1f}%"
    if row.get("kind") == "count":
        return f"{int(value):,}"
    return f"{value:,.1f}"
