from django import template

from cpqa.core.templatetags.humanize_cpqa import FEWER_THAN_5

register = template.Library()

NO_RECORDS = "No records"
SMALL_TOTAL = 5


@register.filter
def percent_complete(share, suppress: bool = False) -> str:
    """A share's percentage complete as shown to its reader."""
    if share is None or not share.total:
        return NO_RECORDS
    if suppress and share.total < SMALL_TOTAL:
        return f"{FEWER_THAN_5} records"
    return f"{share.percent:.1f}%"
