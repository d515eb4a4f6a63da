from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cpqa.accounts.decorators import child_level_required, role_required
from cpqa.accounts.roles import Role
from cpqa.accounts.scope import user_scope

from .completeness import ITEMS
from .exports import finding_rows, rows_csv, rows_xlsx
from .forms import CompletenessFilterForm, FindingFilterForm, GapFilterForm
from .selectors import (
    completeness_gap_list,
    completeness_summary,
    completeness_trend,
    finding_export,
    finding_list,
    finding_summary,
    finding_workers,
    gap_workers,
    scoped_teams,
)
from .services import findings_refresh

PAGE_SIZE = 50
# Everyone but administrators, who run the service and see no casework.
DATA_QUALITY_ROLES = tuple(role for role in Role if role != Role.ADMINISTRATOR)
REFRESHED = "The checks have been run again: {total:,} findings."
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@role_required(*DATA_QUALITY_ROLES)
def summary_view(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    context = {
        "summary": finding_summary(scope=scope),
        "scope": scope,
        "can_refresh": scope.has_role(Role.DATA_OFFICER),
    }
    return render(request, "dataquality/summary.html", context)


def _finding_filters(request: HttpRequest) -> tuple[FindingFilterForm, dict, int]:
    scope = user_scope(request.user)
    form = FindingFilterForm(
        request.GET or None,
        teams=scoped_teams(scope=scope),
        workers=finding_workers(scope=scope),
    )
    data = form.cleaned_data if form.is_valid() else {}
    filters = {
        "team_id": data["team"].pk if data.get("team") else None,
        "worker_id": data["worker"].pk if data.get("worker") else None,
        "rule": data.get("rule") or None,
        "severity": data.get("severity") or None,
    }
    return form, filters, data.get("page") or 1


@child_level_required
def findings_view(request: HttpRequest) -> HttpResponse:
    form, filters, page_number = _finding_filters(request)
    findings, total = finding_list(
        user=request.user,
        via=request.get_full_path(),
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        **filters,
    )
    page = Paginator(range(total), PAGE_SIZE).get_page(page_number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dataquality/findings.html",
        {
            "form": form,
            "findings": findings,
            "total": total,
            "page": page,
            "query": query.urlencode(),
            "scope": user_scope(request.user),
        },
    )


@child_level_required
def findings_download(request: HttpRequest, format: str) -> HttpResponse:
    if format not in CONTENT_TYPES:
        raise Http404
    _, filters, _ = _finding_filters(request)
    rows = finding_rows(finding_export(user=request.user, via=request.get_full_path(), **filters))
    content = rows_csv(rows) if format == "csv" else rows_xlsx(rows)
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="cpqa-findings.{format}"'
    return response


@role_required(*DATA_QUALITY_ROLES)
def completeness_view(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    form = CompletenessFilterForm(request.GET or None, teams=scoped_teams(scope=scope))
    team = form.cleaned_data.get("team") if form.is_valid() else None
    context = {
        "form": form,
        "team": team,
        "summary": completeness_summary(scope=scope, team_id=team.pk if team else None),
        "scope": scope,
    }
    return render(request, "dataquality/completeness.html", context)


@child_level_required
def completeness_missing_view(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    form = GapFilterForm(
        request.GET or None, teams=scoped_teams(scope=scope), workers=gap_workers(scope=scope)
    )
    data = form.cleaned_data if form.is_valid() else {}
    page_number = data.get("page") or 1
    gaps, total = completeness_gap_list(
        user=request.user,
        via=request.get_full_path(),
        item=data.get("item") or None,
        team_id=data["team"].pk if data.get("team") else None,
        worker_id=data["worker"].pk if data.get("worker") else None,
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    page = Paginator(range(total), PAGE_SIZE).get_page(page_number)
    return render(
        request,
        "dataquality/missing.html",
        {"form": form, "gaps": gaps, "total": total, "page": page, "scope": scope},
    )


@role_required(*DATA_QUALITY_ROLES)
def completeness_trend_view(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    form = CompletenessFilterForm(request.GET or None, teams=scoped_teams(scope=scope))
    team = form.cleaned_data.get("team") if form.is_valid() else None
    context = {
        "form": form,
        "team": team,
        "months": completeness_trend(scope=scope, team_id=team.pk if team else None),
        "items": ITEMS,
        "suppress": not scope.child_level,
        "scope": scope,
    }
    return render(request, "dataquality/trend.html", context)


@role_required(Role.DATA_OFFICER)
@require_POST
def refresh_view(request: HttpRequest) -> HttpResponse:
    if request.user.authority is None:
        raise PermissionDenied
    summary = findings_refresh(authority=request.user.authority, force=True)
    messages.success(request, REFRESHED.format(total=summary.total))
    return redirect("dataquality:summary")
