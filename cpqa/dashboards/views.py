"""The dashboards' pages. Views check the filters, call one selector and render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cpqa.accounts.decorators import child_level_required, role_required
from cpqa.accounts.roles import ROLE_SUMMARIES, Role
from cpqa.accounts.scope import primary_role, user_scope
from cpqa.accounts.views import NO_ROLE
from cpqa.indicators.registry import indicator_get
from cpqa.indicators.selectors import IndicatorQueryError

from . import homes
from .filters import ChildFilter
from .forms import (
    DashboardFilterForm,
    FilteredRecordsForm,
    IndicatorFilterForm,
    PageForm,
    WarningFilterForm,
)
from .indicator_pages import breakdown_choices, indicator_page
from .selectors import (
    TREND_MONTHS,
    WarningFilter,
    filter_options,
    filtered_records_list,
    warning_counts_for_user,
    warning_list,
)
from .warnings import WARNING_KINDS_BY_SLUG

PAGE_SIZE = 50
RECORDS_PAGE_SIZE = 200
NOT_A_CHILD_FILTER = "Choose a category or an age band: without one, use the indicator's records."

TEAM_FILTERS = ("period", "team", "category", "age")
AUTHORITY_FILTERS = ("period", "category", "age")
# role: (selector, template, filters offered, "every team" label)
HOMES = {
    Role.SOCIAL_WORKER: ("team", "dashboards/home_team.html", TEAM_FILTERS),
    Role.ASSISTANT_TEAM_MANAGER: ("team", "dashboards/home_team.html", TEAM_FILTERS),
    Role.TEAM_MANAGER: ("team", "dashboards/home_team.html", TEAM_FILTERS),
    Role.OPERATIONS_MANAGER: ("operations", "dashboards/home_operations.html", AUTHORITY_FILTERS),
    Role.CONFERENCE_CHAIR: ("chair", "dashboards/home_chair.html", ("period",)),
    Role.REVIEWING_OFFICER: ("reviewing", "dashboards/home_reviewing.html", ("period",)),
    Role.AUDIT_MANAGER: ("audit", "dashboards/home_audit.html", ()),
    Role.AUDIT_PRACTICE_STANDARDS_MANAGER: ("audit", "dashboards/home_audit.html", ()),
    Role.SENIOR_MANAGER: ("senior", "dashboards/home_senior.html", AUTHORITY_FILTERS),
    Role.COUNCILLOR: ("councillor", "dashboards/home_councillor.html", ("period",)),
    Role.DATA_OFFICER: ("data", "dashboards/home_data_officer.html", ()),
    Role.ADMINISTRATOR: ("administrator", "dashboards/home_administrator.html", ()),
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's home page: that of their first role."""
    role = primary_role(user_scope(request.user))
    if role is None:
        return render(request, "accounts/no_role.html", {"message": NO_ROLE}, status=403)
    return redirect("dashboards:home", role=role)


def _home(request: HttpRequest, role: str, kind: str, query, today):
    user = request.user
    via = request.get_full_path()
    if kind == "team":
        return homes.team_home(user=user, role=role, query=query, today=today)
    if kind == "operations":
        return homes.operations_home(user=user, query=query, today=today)
    if kind == "chair":
        return homes.chair_home(user=user, query=query, today=today)
    if kind == "reviewing":
        return homes.reviewing_home(user=user, query=query, today=today, via=via)
    if kind == "audit":
        return homes.audit_home(user=user, role=role, today=today)
    if kind == "senior":
        return homes.senior_home(user=user, query=query, today=today)
    if kind == "councillor":
        return homes.councillor_home(user=user, query=query, today=today)
    if kind == "data":
        return homes.data_officer_home(user=user, today=today)
    return homes.administrator_home(user=user, today=today)


@require_GET
@login_required
def home(request: HttpRequest, role: str) -> HttpResponse:
    if role not in Role.values:
        raise Http404
    scope = user_scope(request.user)
    if role not in scope.roles:
        raise PermissionDenied
    kind, template, offer = HOMES[Role(role)]
    today = timezone.localdate()
    options = filter_options(user=request.user, today=today)
    form = DashboardFilterForm(
        request.GET,
        months=options.months,
        default_month=options.default_month,
        teams=options.teams,
        offer=offer,
        everyone=None if scope.team_ids is not None else "Whole authority",
    )
    query = form.query()
    context = {
        "home": _home(request, role, kind, query, today),
        "form": form,
        "offer": offer,
        "role": Role(role),
        "role_summary": ROLE_SUMMARIES[role],
        "other_roles": [Role(r) for r in Role.values if r in scope.roles and r != role],
        "scope": scope,
        "month": query.month,
    }
    return render(request, template, context, status=400 if form.errors else 200)


@require_GET
@role_required(Role.CONFERENCE_CHAIR)
def chair_conferences(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    options = filter_options(user=request.user, today=today)
    form = DashboardFilterForm(
        request.GET, months=options.months, default_month=options.default_month
    )
    query = form.query()
    pages = PageForm(request.GET)
    page_number = (pages.cleaned_data.get("page") if pages.is_valid() else None) or 1
    chair, conferences, total = homes.chair_conferences(
        user=request.user,
        period=query.period,
        via=request.get_full_path(),
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    context = {
        "form": form,
        "chair": chair,
        "conferences": conferences,
        "total": total,
        "period": query.period,
        "page": Paginator(range(total), PAGE_SIZE).get_page(page_number),
    }
    return render(request, "dashboards/chair_conferences.html", context)


@require_GET
@login_required
def indicator(request: HttpRequest, indicator_id: str) -> HttpResponse:
    try:
        chosen = indicator_get(indicator_id)
    except KeyError:
        raise Http404 from None
    scope = user_scope(request.user)
    today = timezone.localdate()
    options = filter_options(user=request.user, today=today)
    form = IndicatorFilterForm(
        request.GET,
        months=options.months,
        default_month=options.default_month,
        length=TREND_MONTHS,
        teams=options.teams if chosen.by_team else (),
        breakdowns=breakdown_choices(chosen),
        child_filters=scope.child_level,
    )
    query = form.query(indicator_id=chosen.id)
    try:
        page = indicator_page(user=request.user, query=query)
    except ValueError as error:
        form.add_error(None, str(error))
        return render(request, "dashboards/indicator.html", {"form": form}, status=400)
    context = {"form": form, "page": page, "as_at": options.as_at}
    return render(request, "dashboards/indicator.html", context, status=400 if form.errors else 200)


@require_GET
@child_level_required
def filtered_records(request: HttpRequest, indicator_id: str) -> HttpResponse:
    """The records behind a figure for a category or age band (others: indicators:records)."""
    try:
        indicator_get(indicator_id)
    except KeyError:
        raise Http404 from None
    form = FilteredRecordsForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "indicators/records.html", {"form": form}, status=400)
    category, age_band = form.cleaned_data["category"], form.cleaned_data["age"]
    if not (category or age_band):
        return render(
            request,
            "indicators/records.html",
            {"form": form, "error": NOT_A_CHILD_FILTER},
            status=400,
        )
    page_number = form.cleaned_data["page"] or 1
    try:
        page = filtered_records_list(
            user=request.user,
            indicator_id=indicator_id,
            period=form.period,
            team=form.cleaned_data["team"] or None,
            part=form.chosen_part,
            child_filter=ChildFilter(on=form.period.end, category=category, age_band=age_band),
            breakdown=form.cleaned_data["breakdown"] or None,
            via=request.get_full_path(),
            offset=(page_number - 1) * RECORDS_PAGE_SIZE,
            limit=RECORDS_PAGE_SIZE,
        )
    except IndicatorQueryError as error:
        return render(
            request, "indicators/records.html", {"form": form, "error": str(error)}, status=400
        )
    context = {
        "form": form,
        "page": page,
        "page_number": page_number,
        "previous_page": page_number - 1 if page_number > 1 else None,
        "next_page": page_number + 1 if page.offset + RECORDS_PAGE_SIZE < page.total else None,
    }
    return render(request, "indicators/records.html", context)


@require_GET
@child_level_required
def warnings_index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    options = filter_options(user=request.user, today=today)
    form = WarningFilterForm(request.GET or None, teams=options.teams)
    counts = warning_counts_for_user(user=request.user, wanted=form.wanted(), today=today)
    context = {"form": form, "counts": counts, "as_at": options.as_at}
    return render(request, "dashboards/warnings_index.html", context)


@require_GET
@child_level_required
def warnings_list(request: HttpRequest, slug: str) -> HttpResponse:
    kind = WARNING_KINDS_BY_SLUG.get(slug)
    if kind is None:
        raise Http404
    today = timezone.localdate()
    options = filter_options(user=request.user, today=today)
    form = WarningFilterForm(request.GET or None, teams=options.teams)
    wanted = form.wanted() if not form.errors else WarningFilter()
    page_number = form.page_number
    listed = warning_list(
        user=request.user,
        slug=slug,
        wanted=wanted,
        via=request.get_full_path(),
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        today=today,
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "kind": kind,
        "listed": listed,
        "page": Paginator(range(listed.total), PAGE_SIZE).get_page(page_number),
        "query": query.urlencode(),
    }
    return render(request, "dashboards/warning_list.html", context)
