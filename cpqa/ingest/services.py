"""Imports: all the files of one import go in together, or none of them does.

`import_files` detects each file's format from its content, parses it, and,
only if no file has a problem, loads every file in one transaction. A file
imported before (same SHA-256) changes nothing and says so. A newer extract
of the same source supersedes the older one for the period it covers: the
older one's records that the newer one no longer holds are removed. Every
run is kept in the history, rejected ones included.
"""

import getpass
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from cpqa.casework.schema import fact_table, fact_tables
from cpqa.casework.services import FactLoadError, LoadCount, child_teams_refresh, facts_load
from cpqa.core.models import Authority
from cpqa.dataquality.services import RefreshSummary, findings_refresh

from .base import ParsedFile, Problem, importer_for, importers
from .models import ImportOutcome, ImportRun

UNKNOWN_FORMAT = "a file cpqa can import: {expected}"
UNREADABLE = "a readable file ({error})"
ALREADY_IMPORTED = "Already imported on {when:%d %b %Y %H:%M} (import {run}): nothing changed."
CANNOT_REMOVE = (
    "{count} {table} record(s) of the older extract are no longer in this one, but cannot "
    "be removed while other records refer to them (e.g. {blockers})."
)
# Children, teams and workers are shared by every source: a newer extract that
# no longer mentions one does not mean it no longer exists, so supersession
# removes only the events (enquiries, conferences, plans, visits, ...).
KEPT_ON_SUPERSESSION = frozenset({"child", "team", "professional"})
OTHER_AUTHORITY = (
    "the DfE code of this authority, {code} ({name}): the file says it comes from "
    "another authority, and one authority's children must not be loaded into another's"
)
REJECTED_BECAUSE_OF_OTHERS = "Not imported, because another file of this import was rejected."
# Problems kept with a rejected run in the history (all are shown at the time).
PROBLEMS_KEPT = 1000


@dataclass
class FileOutcome:
    name: str
    size: int
    sha256: str
    format: str = ""
    source: str = ""
    outcome: str = ImportOutcome.REJECTED
    rows_read: int = 0
    rows_accepted: int = 0
    period_start: date | None = None
    period_end: date | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, LoadCount] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    run_id: int | None = None


@dataclass
class ImportResult:
    batch: uuid.UUID
    dry_run: bool
    files: list[FileOutcome]
    data_version: int | None = None
    # Counts per rule of the data-quality checks run after the load (dataquality).
    findings: "RefreshSummary | None" = None

    @property
    def problems(self) -> list[Problem]:
        return [problem for outcome in self.files for problem in outcome.problems]

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(outcome.outcome == ImportOutcome.ACCEPTED for outcome in self.files)


class _RollBack(Exception):
    """Raised inside the transaction of a dry run, to undo it."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _load_order(parsed: ParsedFile) -> tuple[int, bool]:
    order = {table.name: index for index, table in enumerate(fact_tables())}
    first = min((order[name] for name in [*parsed.frames, *parsed.updates]), default=len(order))
    # A file that only updates records loads after the files bringing whole records of
    # the same tables, so that it can update what they bring.
    return first, not parsed.frames


def _overlaps(run: ImportRun, parsed: ParsedFile) -> bool:
    if None in (run.period_start, run.period_end, parsed.period_start, parsed.period_end):
        return True
    return run.period_start <= parsed.period_end and parsed.period_start <= run.period_end


def _supersede(*, authority: Authority, parsed: ParsedFile, run: ImportRun) -> dict[str, int]:
    """Remove what older extracts of the same source held and this one does not.

    This file's records have just been upserted with this run, so whatever
    still carries an older run of the same source is no longer in the source.
    """
    older = [
        candidate
        for candidate in ImportRun.objects.filter(
            authority=authority,
            source=parsed.source,
            outcome=ImportOutcome.ACCEPTED,
            superseded_by__isnull=True,
        ).exclude(batch=run.batch)
        if _overlaps(candidate, parsed)
    ]
    removed: dict[str, int] = {}
    if not older:
        return removed
    table_of_model = {table.model._meta.label: table.name for table in fact_tables()}
    for table in reversed(fact_tables()):
        if table.name not in parsed.frames or table.name in KEPT_ON_SUPERSESSION:
            continue
        stale = fact_table(table.name).model.objects.filter(
            authority=authority, import_run__in=older
        )
        count = stale.count()
        if count:
            try:
                _, by_model = stale.delete()
            except ProtectedError as exc:
                blockers = sorted({str(obj) for obj in exc.protected_objects})[:5]
                raise FactLoadError(
                    [
                        CANNOT_REMOVE.format(
                            table=table.name, count=count, blockers=", ".join(blockers)
                        )
                    ]
                ) from None
            # What went with them (e.g. the enquiries of a referral no longer in the
            # source) is counted too, under its own table, so that the outcome says so.
            for label, deleted in by_model.items():
                name = table_of_model.get(label)
                if name is not None and deleted:
                    removed[name] = removed.get(name, 0) + deleted
    ImportRun.objects.filter(pk__in=[candidate.pk for candidate in older]).update(superseded_by=run)
    return removed


def _record_rejected(*, authority, outcomes, batch, user, operator, started) -> None:
    runs = [
        ImportRun(
            authority=authority,
            batch=batch,
            format=outcome.format or "",
            source=outcome.source or "",
            file_name=outcome.name[:300],
            file_size=outcome.size,
            sha256=outcome.sha256,
            user=user,
            operator=operator,
            started_at=started,
            finished_at=timezone.now(),
            outcome=ImportOutcome.REJECTED,
            rows_read=outcome.rows_read,
            rows_accepted=0,
            period_start=outcome.period_start,
            period_end=outcome.period_end,
            summary={
                "problems": [problem.as_dict() for problem in outcome.problems[:PROBLEMS_KEPT]],
                "problem_count": len(outcome.problems),
                "notes": outcome.notes
                or ([REJECTED_BECAUSE_OF_OTHERS] if not outcome.problems else []),
            },
        )
        for outcome in outcomes
    ]
    ImportRun.objects.bulk_create(runs)
    for run, outcome in zip(runs, outcomes, strict=True):
        outcome.run_id = run.pk


def parsed_files_complete(
    *, authority: Authority, parsed: dict[int, ParsedFile]
) -> dict[int, list[Problem]]:
    """Check what spans the files of one import and complete what needs all of them.

    Each importer with a `batch_check` looks across the parsed files (e.g. a
    reference from one file to a record in another, a team given by its name
    among the teams held or arriving) and may complete their frames. Returns
    the problems found, by the index of the file in `parsed`.
    """
    problems: dict[int, list[Problem]] = {}
    for importer in importers():
        check = getattr(importer, "batch_check", None)
        if check is not None:
            for index, found in check(authority=authority, parsed=parsed).items():
                problems.setdefault(index, []).extend(found)
    return problems


def import_files(
    *,
    authority: Authority,
    files: list[tuple[str, Path]],
    user=None,
    operator: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Import the files (display name, path on disk), all or nothing."""
    batch = uuid.uuid4()
    started = timezone.now()
    operator = operator or (user.get_username() if user else getpass.getuser())
    region = settings.CPQA_REGION
    result = ImportResult(batch=batch, dry_run=dry_run, files=[])
    parsed_files: dict[int, ParsedFile] = {}
    expected = "; ".join(importer.expected for importer in importers())

    for index, (name, path) in enumerate(files):
        try:
            outcome = FileOutcome(name=name, size=path.stat().st_size, sha256=_sha256(path))
        except OSError as exc:
            outcome = FileOutcome(name=name, size=0, sha256="")
            outcome.problems.append(Problem(name, "", "", None, UNREADABLE.format(error=exc)))
            result.files.append(outcome)
            continue
        result.files.append(outcome)
        previous = (
            ImportRun.objects.filter(
                authority=authority,
                sha256=outcome.sha256,
                outcome=ImportOutcome.ACCEPTED,
                superseded_by__isnull=True,
            )
            .order_by("-started_at")
            .first()
        )
        if previous is not None:
            outcome.format, outcome.source = previous.format, previous.source
            outcome.outcome = ImportOutcome.UNCHANGED
            outcome.notes.append(
                ALREADY_IMPORTED.format(
                    when=timezone.localtime(previous.started_at), run=previous.pk
                )
            )
            continue
        importer = importer_for(name=name, path=path)
        if importer is None:
            outcome.problems.append(
                Problem(name, "", "", None, UNKNOWN_FORMAT.format(expected=expected))
            )
            continue
        parsed = importer.parse(name=name, path=path, region=region)
        outcome.format, outcome.source = parsed.format, parsed.source
        outcome.rows_read = parsed.rows_read
        outcome.period_start, outcome.period_end = parsed.period_start, parsed.period_end
        outcome.problems.extend(parsed.problems)
        if parsed.authority_code is not None and parsed.authority_code != authority.code:
            outcome.problems.append(
                Problem(
                    name,
                    parsed.authority_code_at,
                    "the authority's code",
                    parsed.authority_code,
                    OTHER_AUTHORITY.format(code=authority.code, name=authority.name),
                )
            )
        outcome.notes.extend(parsed.notes)
        parsed_files[index] = parsed

    if not result.problems:
        for index, found in parsed_files_complete(authority=authority, parsed=parsed_files).items():
            result.files[index].problems.extend(found)

    if result.problems:
        if not dry_run:
            _record_rejected(
                authority=authority,
                outcomes=result.files,
                batch=batch,
                user=user,
                operator=operator,
                started=started,
            )
        return result

    try:
        with transaction.atomic():
            _load(
                authority=authority,
                result=result,
                parsed_files=parsed_files,
                batch=batch,
                user=user,
                operator=operator,
                started=started,
            )
            result.findings = findings_refresh(authority=authority)
            if dry_run:
                raise _RollBack
        if result.changed and settings.CPQA_REPORTS_WARM:
            # The reports' figures for the data just committed, before a reader asks.
            from cpqa.reports.services import reports_warm_after_commit

            reports_warm_after_commit(authority=authority)
    except _RollBack:
        pass
    except FactLoadError as exc:
        # The importers check what they read; this is what they could not know.
        loading = next(o for o in result.files if o.outcome == ImportOutcome.RUNNING)
        loading.problems.extend(Problem(loading.name, "", "", None, text) for text in exc.problems)
        for outcome in result.files:
            outcome.outcome = ImportOutcome.REJECTED
            outcome.counts, outcome.removed, outcome.rows_accepted = {}, {}, 0
        if not dry_run:
            _record_rejected(
                authority=authority,
                outcomes=result.files,
                batch=batch,
                user=user,
                operator=operator,
                started=started,
            )
    return result


def _load(*, authority, result, parsed_files, batch, user, operator, started) -> None:
    order = sorted(parsed_files, key=lambda index: _load_order(parsed_files[index]))
    for outcome in result.files:
        if outcome.outcome == ImportOutcome.UNCHANGED:
            outcome.run_id = ImportRun.objects.create(
                authority=authority,
                batch=batch,
                format=outcome.format,
                source=outcome.source,
                file_name=outcome.name[:300],
                file_size=outcome.size,
                sha256=outcome.sha256,
                user=user,
                operator=operator,
                started_at=started,
                finished_at=timezone.now(),
                outcome=ImportOutcome.UNCHANGED,
                summary={"notes": outcome.notes},
            ).pk
    for index in order:
        parsed, outcome = parsed_files[index], result.files[index]
        outcome.outcome = ImportOutcome.RUNNING
        run = ImportRun.objects.create(
            authority=authority,
            batch=batch,
            format=parsed.format,
            source=parsed.source,
            file_name=outcome.name[:300],
            file_size=outcome.size,
            sha256=outcome.sha256,
            user=user,
            operator=operator,
            started_at=started,
            outcome=ImportOutcome.RUNNING,
            rows_read=parsed.rows_read,
            period_start=parsed.period_start,
            period_end=parsed.period_end,
        )
        loaded = facts_load(
            authority=authority,
            frames=parsed.frames,
            updates=parsed.updates,
            import_run=run,
            refresh_child_teams=False,
        )
        outcome.counts = loaded.counts
        outcome.rows_accepted = loaded.rows
        outcome.removed = _supersede(authority=authority, parsed=parsed, run=run)
        outcome.outcome = ImportOutcome.ACCEPTED
        outcome.run_id = run.pk
        result.data_version = loaded.data_version
        ImportRun.objects.filter(pk=run.pk).update(
            outcome=ImportOutcome.DRY_RUN if result.dry_run else ImportOutcome.ACCEPTED,
            finished_at=timezone.now(),
            rows_accepted=loaded.rows,
            summary={
                "notes": parsed.notes,
                "counts": {
                    name: {"rows": c.rows, "inserted": c.inserted, "updated": c.updated}
                    for name, c in loaded.counts.items()
                },
                "removed": outcome.removed,
            },
        )
    if order:
        child_teams_refresh(authority=authority)
