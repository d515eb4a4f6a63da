"""Reads for the data officers' pages: the history of imports and the data dictionary."""

import re

from django.core.paginator import Page, Paginator

from cpqa.accounts.models import AccessKind
from cpqa.accounts.services import access_log_record

from .models import ImportFormat, ImportRun

# Fields of a problem whose value is a child's identifier.
CHILD_FIELDS = re.compile(r"(person_id|child_id|lachildid)$", re.IGNORECASE)


def import_run_page(
    *, authority_id: int | None, page: int | str | None, per_page: int = 50
) -> Page:
    """The authority's import runs, newest first. Not child-level: files, counts, outcomes."""
    runs = (
        ImportRun.objects.filter(authority_id=authority_id)
        .select_related("user", "superseded_by")
        .order_by("-started_at", "-pk")
    )
    return Paginator(runs, per_page).get_page(page)


def import_run_get(*, user, pk: int, via: str) -> ImportRun:
    """One import run with its problems.

    Problems can name children (their identifiers in the source). Reading the
    problems of a run someone else made is logged as a read of those
    children; the problems of one's own upload are not (the officer holds
    the file they are about).
    """
    run = ImportRun.objects.select_related("user", "superseded_by").get(
        authority_id=user.authority_id, pk=pk
    )
    problems = (run.summary or {}).get("problems", [])
    refs = [
        str(problem.get("value"))
        for problem in problems
        if problem.get("value") and CHILD_FIELDS.search(str(problem.get("field") or ""))
    ]
    if refs and run.user_id != user.pk:
        access_log_record(
            user=user,
            kind=AccessKind.PAGE,
            via=via,
            record_type="import problems",
            child_refs=refs,
        )
    return run


def import_batch_runs(*, authority_id: int | None, batch) -> list[ImportRun]:
    return list(
        ImportRun.objects.filter(authority_id=authority_id, batch=batch).order_by("file_name")
    )


def import_result_files(*, result) -> list[dict]:
    """Each file of an import result with its per-table counts (new, updated, removed)."""
    files = []
    for outcome in result.files:
        tables = list(dict.fromkeys([*outcome.counts, *outcome.removed]))
        files.append(
            {
                "outcome": outcome,
                "format": ImportFormat(outcome.format).label
                if outcome.format in ImportFormat.values
                else outcome.format,
                "tables": [
                    {
                        "table": table,
                        "inserted": outcome.counts[table].inserted
                        if table in outcome.counts
                        else 0,
                        "updated": outcome.counts[table].updated if table in outcome.counts else 0,
                        "removed": outcome.removed.get(table, 0),
                    }
                    for table in tables
                ],
            }
        )
    return files
