"""The reports' pages and downloads. Views read the request and call one builder."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cpqa.accounts.models import AccessKind

from .builders import report_for_user
from .forms import ReportPeriodForm
from .periods import PERIOD_FORMS, PeriodError
from .registry import REPORTS
from .render import CONTENT_TYPES, report_file, report_filename
from .selectors import reports_available

DOWNLOADS = ("pdf", "xlsx")


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    context = {"specs": reports_available(user=request.user), "period_forms": PERIOD_FORMS}
    return render(request, "reports/index.html", context)


@require_GET
@login_required
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    if name not in REPORTS:
        raise Http404
    form = ReportPeriodForm(request.GET)
    form.is_valid()
    try:
        report = report_for_user(
            user=request.user,
            name=name,
            period=form.cleaned_data.get("period"),
            via=request.get_full_path(),
            kind=AccessKind.PAGE,
            today=timezone.localdate(),
        )
    except PeriodError as error:
        form.period_error(str(error))
        context = {"spec": REPORTS[name], "form": form, "report": None}
        return render(request, "reports/report.html", context, status=400)
    form = ReportPeriodForm({"period": report.period.text})
    context = {"spec": REPORTS[name], "form": form, "report": report}
    response = render(request, "reports/report.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def report_download(request: HttpRequest, name: str, format: str) -> HttpResponse:
    if name not in REPORTS or format not in DOWNLOADS:
        raise Http404
    form = ReportPeriodForm(request.GET)
    form.is_valid()
    try:
        report = report_for_user(
            user=request.user,
            name=name,
            period=form.cleaned_data.get("period"),
            via=request.get_full_path(),
            kind=AccessKind.EXPORT,
            today=timezone.localdate(),
        )
    except PeriodError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(report_file(report, format=format), content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = (
        f'attachment; filename="{report_filename(report, format=format)}"'
    )
    response["Cache-Control"] = "no-store"
    return response
