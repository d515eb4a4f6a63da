from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cpqa.casework.selectors import home_summary

from .decorators import role_required
from .forms import AccessLogSearchForm, SignInForm
from .models import AccessKind
from .roles import ROLE_SUMMARIES, Role
from .scope import primary_role, user_scope
from .selectors import access_log_search
from .services import access_log_record

NO_ROLE = "Your account has no role yet. Ask your cpqa administrator to give you one."


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


@login_required
def home(request: HttpRequest) -> HttpResponse:
    role = primary_role(user_scope(request.user))
    if role is None:
        return render(request, "accounts/no_role.html", {"message": NO_ROLE}, status=403)
    return redirect("accounts:role-home", role=role)


@login_required
def role_home(request: HttpRequest, role: str) -> HttpResponse:
    if role not in Role.values:
        raise Http404
    scope = user_scope(request.user)
    if role not in scope.roles:
        raise PermissionDenied
    context = {
        "role": Role(role),
        "role_summary": ROLE_SUMMARIES[role],
        "other_roles": [Role(r) for r in Role.values if r in scope.roles and r != role],
        "scope": scope,
        "summary": home_summary(scope=scope),
    }
    return render(request, "accounts/home.html", context)


@role_required(Role.ADMINISTRATOR)
def access_log(request: HttpRequest) -> HttpResponse:
    form = AccessLogSearchForm(request.GET or None)
    entries = None
    if form.is_valid():
        entries = access_log_search(**form.cleaned_data)
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)  # read before this search is logged
        searched_child = form.cleaned_data["child_ref"]
        access_log_record(
            user=request.user,
            kind=AccessKind.ACCESS_LOG,
            via=request.get_full_path(),
            record_type="access log",
            child_refs=[searched_child] if searched_child else [],
        )
        entries = page
    return render(request, "accounts/access_log.html", {"form": form, "entries": entries})
