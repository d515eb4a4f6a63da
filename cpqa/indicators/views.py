"""The indicators' pages and API. Views check the request and call one selector."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cpqa.accounts.decorators import child_level_required

from .forms import IndicatorQueryForm, RecordsQueryForm
from .registry import indicator_get
from .selectors import (
    IndicatorQueryError,
    definitions_list,
    indicator_records_list,
    indicator_rows_for_user,
)

SIGN_IN_REQUIRED = "Sign in to use the indicators API."
NOT_ALLOWED = "Your role cannot see these figures."
PAGE_SIZE = 200


@require_GET
def api_indicators(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": SIGN_IN_REQUIRED}, status=403)
    form = IndicatorQueryForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    try:
        rows = indicator_rows_for_user(user=request.user, query=form.query())
    except IndicatorQueryError as error:
        return JsonResponse({"error": str(error)}, status=400)
    except PermissionDenied as error:
        return JsonResponse({"error": str(error) or NOT_ALLOWED}, status=403)
    return JsonResponse(rows, safe=False)


@require_GET
@child_level_required
def records(request: HttpRequest, indicator_id: str) -> HttpResponse:
    try:
        indicator_get(indicator_id)
    except KeyError:
        raise Http404 from None
    form = RecordsQueryForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "indicators/records.html", {"form": form}, status=400)
    page_number = form.cleaned_data["page"] or 1
    try:
        page = indicator_records_list(
            user=request.user,
            indicator_id=indicator_id,
            period=form.period,
            team=form.cleaned_data["team"] or None,
            part=form.chosen_part,
            breakdown=form.cleaned_data["breakdown"] or None,
            via=request.get_full_path(),
            offset=(page_number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
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
        "next_page": page_number + 1 if page.offset + PAGE_SIZE < page.total else None,
        "query": request.GET.copy(),
    }
    return render(request, "indicators/records.html", context)


@require_GET
@login_required
def definitions(request: HttpRequest) -> HttpResponse:
    entries = definitions_list(on=timezone.localdate())
    return render(request, "indicators/definitions.html", {"entries": entries})
