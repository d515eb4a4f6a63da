from django import template

register = template.Library()

FEWER_THAN_5 = "fewer than 5"


@register.filter
def count_or_suppressed(value: int | None, suppress: bool = False) -> str:
    """A count as shown to its reader: 1 to 4 hidden where small numbers are suppressed."""
    if value is None:
        return "no data"
    if suppress and 1 <= value <= 4:
        return FEWER_THAN_5
    return f"{value:,}"
