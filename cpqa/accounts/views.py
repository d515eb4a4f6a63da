import json

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from .decorators import role_required
from .forms import (
    CODE_WRONG,
    SET_UP_CODE_WRONG,
    AccessLogSearchForm,
    SignInForm,
    SubjectAccessForm,
    TwoFactorForm,
    TwoFactorSetUpForm,
)
from .lockout import lockout_response
from .models import AccessKind
from .roles import Role
from .scope import primary_role, user_scope
from .selectors import (
    access_log_children,
    access_log_search,
    child_subject_access,
    sign_in_locked,
    two_factor_device,
    two_factor_required,
    two_factor_step,
    user_get_with_roles,
)
from .services import (
    access_log_record,
    recovery_codes_replace,
    two_factor_failure_record,
    two_factor_reset,
    two_factor_set_up_confirm,
    two_factor_set_up_start,
    two_factor_verify,
    user_sessions_end,
    user_unlock,
)

NO_ROLE = "Your account has no role yet. Ask your cpqa administrator to give you one."


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if two_factor_step(user=form.get_user()) is None:
            # Signed in for good: earlier failed attempts of this account are forgotten.
            user_unlock(username=form.get_user().get_username())
        return response


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = primary_role(user_scope(request.user))
    if role is None:
        return render(request, "accounts/no_role.html", {"message": NO_ROLE}, status=403)
    return redirect("dashboards:home", role=role)


@login_required
def role_home(request: HttpRequest, role: str) -> HttpResponse:
    """The address of a role's home before the dashboards: it sends the user on."""
    if role not in Role.values:
        raise Http404
    if role not in user_scope(request.user).roles:
        raise PermissionDenied
    return redirect("dashboards:home", role=role)


@role_required(Role.ADMINISTRATOR)
def access_log(request: HttpRequest) -> HttpResponse:
    form = AccessLogSearchForm(request.GET or None)
    entries = None
    if form.is_valid():
        entries = access_log_search(**form.cleaned_data)
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)  # read before this search is logged
        searched_child = form.cleaned_data["child_ref"]
        # The entries shown name children (in their addresses): the search covers them.
        shown = access_log_children(entries=page.object_list)
        access_log_record(
            user=request.user,
            kind=AccessKind.ACCESS_LOG,
            via=request.get_full_path(),
            record_type="access log",
            child_refs=[*([searched_child] if searched_child else []), *shown],
        )
        entries = page
    return render(request, "accounts/access_log.html", {"form": form, "entries": entries})


CSRF_FAILED = (
    "This form had expired or did not come from cpqa. Go back, reload the page and try again."
)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "accounts/csrf_failure.html", {"message": CSRF_FAILED}, status=403)


# --- Two-factor sign-in ----------------------------------------------------------

RECOVERY_CODES_SESSION_KEY = "cpqa_recovery_codes"
SET_UP_DONE = "Two-factor sign-in is set up."
ALREADY_SET_UP = "Two-factor sign-in is already set up for your account."
RECOVERY_CODES_GONE = (
    "Your recovery codes were shown once and are not shown again. "
    "If you have lost them, get new ones below."
)
NEW_RECOVERY_CODES = "You have new recovery codes. The old ones no longer work."
SIGNED_OUT_EVERYWHERE = "You have been signed out everywhere, on every device."
TWO_FACTOR_RESET = "Your authenticator app has been removed. Set up the new one now."
NOTHING_HELD = "cpqa holds nothing about a child with the identifier {ref}."


def _next_url(request: HttpRequest, default: str = "accounts:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return redirect(default).url


def _qr_svg(data: str) -> str:
    """The QR code of `data` as an SVG element, made here: nothing leaves the server."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=20)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", '<svg role="img" aria-label="QR code for your app" ', 1)
    return mark_safe(svg)  # noqa: S308  (made from our own data by qrcode, no user markup)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the authenticator app, or a recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if two_factor_device(user=user) is None:
        return redirect("accounts:two-factor-set-up")
    if sign_in_locked(request=request, username=user.get_username()):
        return lockout_response(request)
    form = TwoFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            user_unlock(username=user.get_username())
            return redirect(_next_url(request))
        form.add_error("code", CODE_WRONG)
        if two_factor_failure_record(request=request, user=user):
            return lockout_response(request)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_url})


@login_required
def two_factor_set_up(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: QR code and secret, confirmed with a code."""
    user = request.user
    if two_factor_device(user=user) is not None:
        if not user.is_verified():
            return redirect("accounts:two-factor")
        messages.info(request, ALREADY_SET_UP)
        return redirect("accounts:account")
    device = two_factor_set_up_start(user=user)
    form = TwoFactorSetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor_set_up_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            request.session["cpqa_after_codes"] = _next_url(request)
            messages.success(request, SET_UP_DONE)
            return redirect("accounts:recovery-codes")
        form.add_error("code", SET_UP_CODE_WRONG)
    secret = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "required": two_factor_required(user=user),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor_set_up.html", context)


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Show new recovery codes, once."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    after = request.session.pop("cpqa_after_codes", None) or redirect("accounts:home").url
    if not codes:
        messages.info(request, RECOVERY_CODES_GONE)
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "after": after})


@login_required
@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    if two_factor_device(user=request.user) is None:
        return redirect("accounts:two-factor-set-up")
    request.session[RECOVERY_CODES_SESSION_KEY] = recovery_codes_replace(user=request.user)
    request.session["cpqa_after_codes"] = redirect("accounts:account").url
    messages.success(request, NEW_RECOVERY_CODES)
    return redirect("accounts:recovery-codes")


@login_required
@require_POST
def two_factor_replace(request: HttpRequest) -> HttpResponse:
    """Remove your own authenticator app (a new phone) and set up again."""
    two_factor_reset(user=request.user)
    logout(request)
    messages.info(request, TWO_FACTOR_RESET)
    return redirect("accounts:sign-in")


# --- The user's own account ----------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = user_get_with_roles(user_id=request.user.pk)
    context = {
        "account_user": user,
        "roles": [Role(role) for role in Role.values if role in user.role_set],
        "teams": list(user.teams.order_by("name").values_list("name", flat=True)),
        "device": two_factor_device(user=user),
        "required": two_factor_required(user=user),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user_sessions_end(user=request.user)
    logout(request)
    messages.success(request, SIGNED_OUT_EVERYWHERE)
    return redirect("accounts:sign-in")


# --- Subject access -----------------------------------------------------------------


@role_required(Role.ADMINISTRATOR)
def subject_access(request: HttpRequest) -> HttpResponse:
    """Everything held about one child, as a JSON download (administrators only; logged)."""
    form = SubjectAccessForm(request.GET or None)
    if form.is_valid():
        ref = form.cleaned_data["child_ref"]
        export = child_subject_access(user=request.user, ref=ref, via=request.get_full_path())
        if export is not None:
            response = HttpResponse(
                json.dumps(export, indent=2, ensure_ascii=False),
                content_type="application/json; charset=utf-8",
            )
            safe_ref = "".join(c if c.isalnum() or c in "-_" else "_" for c in ref)
            response["Content-Disposition"] = (
                f'attachment; filename="subject-access-{safe_ref}.json"'
            )
            return response
        form.add_error("child_ref", NOTHING_HELD.format(ref=ref))
    return render(request, "accounts/subject_access.html", {"form": form})
