"""The data officers' pages: import (upload, preview, confirm or cancel), history, dictionary."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cpqa.accounts.decorators import role_required
from cpqa.accounts.roles import Role

from .dictionary import local_rows, ssd_ignored, ssd_rows, template_content
from .formats.ssd import SSD_MAPPINGS
from .forms import UploadForm
from .local_tables import LOCAL_TABLES, local_table
from .models import ImportRun
from .selectors import import_batch_runs, import_result_files, import_run_get, import_run_page
from .services import import_files
from .tables import FORMATS
from .uploads import UploadNotFound, upload_delete, upload_get, upload_save, uploads_expire

IMPORTED = "Imported {count} file{s}: {rows:,} rows accepted."
NOTHING_CHANGED = "Nothing changed: every file was imported before."
REJECTED_ON_CONFIRM = (
    "The files could not be imported after all (the data held changed since the preview). "
    "Nothing was imported; the problems are listed below."
)
CANCELLED = "Import cancelled: the uploaded files were deleted."
UPLOAD_GONE = "That upload is no longer here (it was imported, cancelled or more than a day old)."


def _upload(request, token):
    try:
        return upload_get(user=request.user, token=token)
    except UploadNotFound as exc:
        raise Http404(UPLOAD_GONE) from exc


def _preview(request, *, upload, result, confirmed: bool):
    context = {
        "upload": upload,
        "result": result,
        "files": import_result_files(result=result),
        "confirmed": confirmed,
    }
    return render(request, "ingest/preview.html", context)


@role_required(Role.DATA_OFFICER)
def import_start(request):
    uploads_expire()
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        upload = upload_save(user=request.user, files=form.cleaned_data["files"])
        return redirect("ingest:import-preview", token=upload.token)
    return render(request, "ingest/import.html", {"form": form})


@role_required(Role.DATA_OFFICER)
def import_preview(request, token: str):
    uploads_expire()
    upload = _upload(request, token)
    # The problems shown may name children (identifiers in the files). They are
    # the officer's own upload, so showing them is not logged as a read of records.
    result = import_files(
        authority=request.user.authority, files=upload.files, user=request.user, dry_run=True
    )
    return _preview(request, upload=upload, result=result, confirmed=False)


@require_POST
@role_required(Role.DATA_OFFICER)
def import_confirm(request, token: str):
    upload = _upload(request, token)
    try:
        result = import_files(
            authority=request.user.authority, files=upload.files, user=request.user
        )
    finally:
        upload_delete(upload=upload)
    if result.problems:
        messages.error(request, REJECTED_ON_CONFIRM)
        return _preview(request, upload=upload, result=result, confirmed=True)
    if result.changed:
        rows = sum(outcome.rows_accepted for outcome in result.files)
        count = len(result.files)
        messages.success(
            request, IMPORTED.format(count=count, s="" if count == 1 else "s", rows=rows)
        )
    else:
        messages.info(request, NOTHING_CHANGED)
    return redirect("ingest:batch", batch=result.batch)


@require_POST
@role_required(Role.DATA_OFFICER)
def import_cancel(request, token: str):
    upload = _upload(request, token)
    upload_delete(upload=upload)
    messages.success(request, CANCELLED)
    return redirect("ingest:import")


@role_required(Role.DATA_OFFICER)
def run_list(request):
    page = import_run_page(authority_id=request.user.authority_id, page=request.GET.get("page"))
    return render(request, "ingest/run_list.html", {"page": page})


@role_required(Role.DATA_OFFICER)
def batch_detail(request, batch):
    runs = import_batch_runs(authority_id=request.user.authority_id, batch=batch)
    if not runs:
        raise Http404
    return render(request, "ingest/batch.html", {"runs": runs, "batch": batch})


@role_required(Role.DATA_OFFICER)
def run_detail(request, pk: int):
    try:
        run = import_run_get(user=request.user, pk=pk, via=request.path)
    except ImportRun.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "ingest/run_detail.html", {"run": run})


@login_required
def dictionary(request):
    """For every signed-in user: no child-level data here."""
    local = [{"table": table, "rows": local_rows(table)} for table in LOCAL_TABLES]
    ssd = [
        {"mapping": mapping, "rows": ssd_rows(mapping), "ignored": ssd_ignored(mapping)}
        for mapping in SSD_MAPPINGS
    ]
    return render(request, "ingest/dictionary.html", {"local": local, "ssd": ssd})


@login_required
def template_download(request, name: str, format: str):
    if format not in FORMATS:
        raise Http404
    try:
        table = local_table(name)
    except KeyError as exc:
        raise Http404 from exc
    filename, content, content_type = template_content(table=table, format=format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
