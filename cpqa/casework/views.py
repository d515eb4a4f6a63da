from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from cpqa.accounts.decorators import child_level_required
from cpqa.accounts.scope import user_scope

from .forms import ChildSearchForm
from .models import Child
from .selectors import child_get, child_list, team_list

PAGE_SIZE = 50


@child_level_required
def child_list_view(request: HttpRequest) -> HttpResponse:
    scope = user_scope(request.user)
    teams = team_list(authority_id=scope.authority_id)
    if scope.team_ids is not None:
        teams = teams.filter(pk__in=scope.team_ids)
    form = ChildSearchForm(request.GET or None, teams=teams)
    filters = form.cleaned_data if form.is_valid() else {}
    page_number = filters.get("page") or 1
    team = filters.get("team")
    children, total = child_list(
        user=request.user,
        via=request.get_full_path(),
        search=filters.get("search", ""),
        team_id=team.pk if team else None,
        on_plan_only=filters.get("on_plan_only", False),
        offset=(page_number - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    page = Paginator(range(total), PAGE_SIZE).get_page(page_number)
    return render(
        request,
        "casework/child_list.html",
        {"form": form, "children": children, "total": total, "page": page},
    )


@child_level_required
def child_detail_view(request: HttpRequest, ref: str) -> HttpResponse:
    try:
        record = child_get(user=request.user, ref=ref, via=request.get_full_path())
    except Child.DoesNotExist:
        raise Http404 from None
    return render(request, "casework/child_detail.html", {"record": record})
