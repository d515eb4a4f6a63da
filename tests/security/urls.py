"""Every URL pattern of cpqa, found by walking Django's URL resolver (the admin included)."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class UrlEntry:
    key: str  # "namespace:name", or the route itself for a pattern without a name
    route: str  # the whole route, e.g. "children/<str:ref>/"
    params: tuple[str, ...]
    model_admin: object | None  # the ModelAdmin behind an admin page, if any
    named: bool

    def url(self, values: dict[str, str]) -> str:
        if self.named:
            return reverse(self.key, kwargs={name: values[name] for name in self.params})
        return self.raw_url(values)

    def raw_url(self, values: dict[str, str]) -> str:
        """The route with the values put in, whether or not they fit its converters."""
        path = GROUP.sub(lambda match: str(values[match["name"]]), self.route)
        path = CONVERTER.sub(lambda match: str(values[match["name"]]), path)
        return "/" + path.replace("^", "").replace("$", "")


def _route(pattern) -> str:
    text = str(pattern)
    if isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$")
    return text


def _params(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):
        return tuple(match["name"] for match in CONVERTER.finditer(str(pattern)))
    return tuple(pattern.regex.groupindex)


def url_entries() -> list[UrlEntry]:
    entries: list[UrlEntry] = []

    def walk(patterns, prefix: str, namespaces: tuple[str, ...], params: tuple[str, ...]):
        for item in patterns:
            route = prefix + _route(item.pattern)
            found = params + _params(item.pattern)
            if isinstance(item, URLResolver):
                spaces = namespaces + ((item.namespace,) if item.namespace else ())
                walk(item.url_patterns, route, spaces, found)
            elif isinstance(item, URLPattern):
                key = ":".join([*namespaces, item.name]) if item.name else route
                admin = getattr(item.callback, "model_admin", None)
                entries.append(UrlEntry(key, route, found, admin, bool(item.name)))

    walk(get_resolver().url_patterns, "", (), ())
    return entries
