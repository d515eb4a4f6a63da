"""Two-factor sign-in: until verified, a user who needs it reaches only its pages."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from .selectors import two_factor_step


class TwoFactorMiddleware:
    """Send a signed-in user who must enrol or give a code to the page that asks for it.

    Runs after django-otp's OTPMiddleware, which sets `request.user.is_verified()`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified():
            step = two_factor_step(user=user)
            if step is not None and not _open_path(request.path_info):
                target = reverse(f"accounts:{step}")
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{target}?{query}")
        return self.get_response(request)


def _open_path(path: str) -> bool:
    """The pages a signed-in user may reach before the second factor."""
    open_paths = {
        reverse("accounts:two-factor"),
        reverse("accounts:two-factor-set-up"),
        reverse("accounts:sign-out"),
    }
    return path in open_paths or path.startswith(settings.STATIC_URL)
