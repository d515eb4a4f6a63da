"""How django-axes finds the address of a sign-in, and what a locked-out person sees."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# The same words whether or not the username exists, so that the page tells an
# attacker nothing about which accounts there are.
LOCKED_OUT = (
    "There have been too many failed attempts to sign in with this username or from "
    "this device. Wait {minutes} minutes and try again, or ask your cpqa administrator "
    "to unlock it."
)


def client_address(request: HttpRequest) -> str:
    """The address a request came from.

    Behind CPQA_PROXY_COUNT reverse proxies, each appending to X-Forwarded-For, the
    client is the address that many entries from the right; anything further left
    was sent by the client and cannot be trusted. Without proxies: the connection's.
    """
    proxies = settings.CPQA_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def lockout_minutes() -> int:
    return round(settings.AXES_COOLOFF_TIME * 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The page for a locked-out sign-in (django-axes' AXES_LOCKOUT_CALLABLE).

    A user locked out at the two-factor step is signed out as well.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        logout(request)
    message = LOCKED_OUT.format(minutes=lockout_minutes())
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)
