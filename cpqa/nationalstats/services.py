"""Importing published statistics: all the files of one import, or none of them.

`statistics_import` reads each file in its published layout (formats.py) and,
only if every file is sound, writes them all in one transaction. A file
imported before (same SHA-256) changes nothing and says so.

A newer release replaces an older one's figures for the years it covers: for
each measure and year in the new file, the figures held from a release whose
latest year is no later than the new file's latest year are deleted and the
new ones written. A release whose latest year is later (a newer release) keeps
its figures, and the older file's figures for those years are left out, so
importing last year's file after this year's changes nothing it should not.
A release left with no figures is marked as superseded by the one that
replaced the last of them. A statistical neighbour model replaces the one
held before, whole.
"""

from __future__ import annotations

import getpass
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from .formats import ParsedStatistics, Problem, statistics_file_parse
from .models import Dataset, PublishedFigure, StatisticalNeighbour, StatisticsRelease

BUNDLED_DIR = Path(__file__).resolve().parent / "data"

ACCEPTED = "accepted"
UNCHANGED = "unchanged"
REJECTED = "rejected"
NOT_IMPORTED = "not imported"

ALREADY_IMPORTED = "Already imported on {when:%d %b %Y %H:%M} (release {release}): nothing changed."
SAME_FILE_TWICE = "The same file as {other}: imported once."
REJECTED_BECAUSE_OF_OTHERS = "Not imported, because another file of this import was rejected."
NOT_A_FILE = "No such file."
KEPT_NEWER = "{count:,} figures for {years} left out: a newer release ({file}) holds those years."
REPLACED_RELEASE = "Replaced {count:,} figures of {file} for {years}."
NEIGHBOURS_REPLACED = "Replaced the statistical neighbour model of {file}."
NO_BUNDLED_FILES = "No bundled statistics files in {folder}."


@dataclass
class FileReport:
    """What became of one file of an import."""

    name: str
    sha256: str = ""
    size: int = 0
    dataset: str = ""
    outcome: str = REJECTED
    rows_read: int = 0
    first_year: int | None = None
    last_year: int | None = None
    added: int = 0
    replaced: int = 0
    changed: int = 0
    kept: int = 0
    neighbours: int = 0
    release_id: int | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def dataset_label(self) -> str:
        return Dataset(self.dataset).label if self.dataset else ""


@dataclass
class ImportReport:
    files: list[FileReport]

    @property
    def problems(self) -> list[Problem]:
        return [problem for report in self.files for problem in report.problems]

    @property
    def accepted(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(report.outcome == ACCEPTED for report in self.files)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _years_text(years: Sequence[int]) -> str:
    years = sorted(set(years))
    if not years:
        return "no years"
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]} to {years[-1]}"
    return ", ".join(str(year) for year in years)


def _insert(table: type, columns: list[str], frame: pl.DataFrame) -> None:
    """Write a frame's rows: COPY on PostgreSQL, one executemany elsewhere (SQLite)."""
    if frame.is_empty():
        return
    quote = connection.ops.quote_name
    # Names from the model and this module, quoted; the values go as parameters or COPY data.
    target = "{} ({})".format(
        quote(table._meta.db_table), ", ".join(quote(column) for column in columns)
    )
    rows = frame.select(columns).iter_rows()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            values = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {target} VALUES ({values})", list(rows))  # noqa: S608


FIGURE_COLUMNS = [
    "release_id",
    "dataset",
    "measure",
    "year",
    "level",
    "area_code",
    "area_name",
    "new_code",
    "region_code",
    "value",
    "symbol",
]
KEY = ["dataset", "measure", "year", "level", "area_code"]


def _held(parsed: ParsedStatistics) -> pl.DataFrame:
    """The figures held now for the measures and years of the file, with their releases."""
    figures = parsed.figures
    assert figures is not None
    rows = PublishedFigure.objects.filter(
        dataset=parsed.dataset,
        measure__in=figures["measure"].unique().to_list(),
        year__in=figures["year"].unique().to_list(),
    ).values_list(
        "dataset",
        "measure",
        "year",
        "level",
        "area_code",
        "value",
        "symbol",
        "release_id",
        "release__last_year",
        "release__file_name",
    )
    schema = {
        "dataset": pl.String,
        "measure": pl.String,
        "year": pl.Int64,
        "level": pl.String,
        "area_code": pl.String,
        "old_value": pl.Float64,
        "old_symbol": pl.String,
        "old_release": pl.Int64,
        "old_last_year": pl.Int64,
        "old_file": pl.String,
    }
    return pl.DataFrame(list(rows), schema=schema, orient="row")


def _figures_write(*, parsed: ParsedStatistics, release: StatisticsRelease, report: FileReport):
    figures = parsed.figures
    assert figures is not None
    held = _held(parsed)
    last_year = release.last_year or 0
    # Which (measure, year) a newer release holds: those stay as they are.
    newer = (
        held.filter(pl.col("old_last_year") > last_year)
        .select("measure", "year", "old_file")
        .unique(["measure", "year"])
    )
    kept = figures.join(newer, on=["measure", "year"], how="semi")
    if kept.height:
        report.kept = kept.height
        for file, group in kept.join(newer, on=["measure", "year"]).group_by("old_file"):
            report.notes.append(
                KEPT_NEWER.format(
                    count=group.height, years=_years_text(group["year"].to_list()), file=file[0]
                )
            )
    incoming = figures.join(newer, on=["measure", "year"], how="anti")
    replaced = held.join(newer, on=["measure", "year"], how="anti")
    # Compare the figures replaced with the new ones, then delete them.
    compared = incoming.join(replaced, on=KEY, how="inner")
    report.replaced = compared.height
    report.changed = compared.filter(
        (pl.col("value") != pl.col("old_value")).fill_null(True)
        & ~(pl.col("value").is_null() & pl.col("old_value").is_null())
        | (pl.col("symbol") != pl.col("old_symbol"))
    ).height
    report.added = incoming.height - compared.height
    for (release_id, file), group in replaced.group_by("old_release", "old_file"):
        for year, measures in (
            group.group_by("year").agg(pl.col("measure").unique()).sort("year").iter_rows()
        ):
            PublishedFigure.objects.filter(
                release_id=release_id, dataset=parsed.dataset, year=year, measure__in=measures
            ).delete()
        report.notes.append(
            REPLACED_RELEASE.format(
                count=group.height, file=file, years=_years_text(group["year"].to_list())
            )
        )
        if not PublishedFigure.objects.filter(release_id=release_id).exists():
            StatisticsRelease.objects.filter(pk=release_id).update(superseded_by=release)
    _insert(
        PublishedFigure,
        FIGURE_COLUMNS,
        incoming.with_columns(pl.lit(release.pk).alias("release_id")),
    )
    release.figures = incoming.height
    release.summary = {
        **release.summary,
        "added": report.added,
        "replaced": report.replaced,
        "changed": report.changed,
        "kept_from_newer_releases": report.kept,
    }


def _neighbours_write(*, parsed: ParsedStatistics, release: StatisticsRelease, report: FileReport):
    neighbours = parsed.neighbours
    assert neighbours is not None
    older = StatisticsRelease.objects.filter(dataset=Dataset.SN_MODEL).exclude(pk=release.pk)
    for old in older.filter(superseded_by__isnull=True):
        if StatisticalNeighbour.objects.filter(release=old).exists():
            report.notes.append(NEIGHBOURS_REPLACED.format(file=old.file_name))
        old.superseded_by = release
        old.save(update_fields=["superseded_by"])
    StatisticalNeighbour.objects.exclude(release=release).delete()
    _insert(
        StatisticalNeighbour,
        [
            "release_id",
            "la_code",
            "la_name",
            "region_name",
            "rank",
            "neighbour_code",
            "neighbour_name",
            "closeness",
        ],
        neighbours.with_columns(pl.lit(release.pk).alias("release_id")),
    )
    report.neighbours = neighbours.height
    release.figures = neighbours.height


def statistics_import(
    *, paths: Sequence[Path], user=None, operator: str = "", names: Sequence[str] | None = None
) -> ImportReport:
    """Import published statistics files, all or nothing. `names` are the names to report."""
    operator = operator or (user.get_username() if user is not None else getpass.getuser())
    reports: list[FileReport] = []
    parsed_files: list[tuple[FileReport, ParsedStatistics, Path]] = []
    seen: dict[str, str] = {}
    for index, path in enumerate(paths):
        name = names[index] if names else Path(path).name
        report = FileReport(name)
        reports.append(report)
        path = Path(path)
        if not path.is_file():
            report.problems.append(Problem(name, None, "", None, NOT_A_FILE))
            continue
        report.size = path.stat().st_size
        report.sha256 = _sha256(path)
        if report.sha256 in seen:
            report.outcome = UNCHANGED
            report.notes.append(SAME_FILE_TWICE.format(other=seen[report.sha256]))
            continue
        seen[report.sha256] = name
        earlier = StatisticsRelease.objects.filter(sha256=report.sha256).first()
        if earlier is not None:
            report.outcome = UNCHANGED
            report.dataset = earlier.dataset
            report.release_id = earlier.pk
            report.notes.append(
                ALREADY_IMPORTED.format(
                    when=timezone.localtime(earlier.imported_at), release=earlier.pk
                )
            )
            continue
        parsed = statistics_file_parse(name=name, path=path)
        report.dataset = parsed.dataset or ""
        report.rows_read = parsed.rows_read
        report.problems += parsed.problems
        report.notes += parsed.notes
        report.first_year, report.last_year = parsed.years
        if not parsed.problems:
            parsed_files.append((report, parsed, path))
    if any(report.problems for report in reports):
        for report in reports:
            if not report.problems and report.outcome != UNCHANGED:
                report.outcome = NOT_IMPORTED
                report.notes.append(REJECTED_BECAUSE_OF_OTHERS)
        return ImportReport(reports)
    # Older releases first, so that in one import the newest of a dataset wins.
    parsed_files.sort(key=lambda item: item[1].years[1] or 0)
    now = timezone.now()
    with transaction.atomic():
        for report, parsed, _path in parsed_files:
            release = StatisticsRelease.objects.create(
                dataset=parsed.dataset,
                file_name=report.name,
                file_size=report.size,
                sha256=report.sha256,
                imported_at=now,
                imported_by=user,
                operator=operator,
                first_year=report.first_year,
                last_year=report.last_year,
                rows_read=parsed.rows_read,
                summary={"measures": parsed.measure_labels} if parsed.measure_labels else {},
            )
            if parsed.dataset == Dataset.SN_MODEL:
                _neighbours_write(parsed=parsed, release=release, report=report)
            else:
                _figures_write(parsed=parsed, release=release, report=report)
            release.summary = {**release.summary, "notes": report.notes}
            release.save(update_fields=["figures", "summary"])
            report.release_id = release.pk
            report.outcome = ACCEPTED
    return ImportReport(reports)


def statistics_load_bundled(*, user=None, operator: str = "") -> ImportReport:
    """Import the copies of the published files kept in cpqa/nationalstats/data/."""
    paths = sorted(BUNDLED_DIR.glob("*.csv"))
    if not paths:
        raise FileNotFoundError(NO_BUNDLED_FILES.format(folder=BUNDLED_DIR))
    return statistics_import(paths=paths, user=user, operator=operator)
