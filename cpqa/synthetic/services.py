"""Loading the synthetic authority into the database, as an import like any other."""

import hashlib
import json
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cpqa.casework.services import LoadResult, facts_load
from cpqa.core.models import Authority
from cpqa.core.periods import add_years
from cpqa.ingest.models import ImportFormat, ImportOutcome, ImportRun

from . import calibration
from .generator import authority_generate, default_end

GENERATOR_VERSION = 1


def synthetic_description(
    *, seed: int, scale: float, end: date, years: int, region: str
) -> dict[str, object]:
    """What identifies a generated authority: the same description, the same data."""
    return {
        "generator": "cpqa.synthetic",
        "version": GENERATOR_VERSION,
        "seed": seed,
        "scale": scale,
        "end": end.isoformat(),
        "years": years,
        "region": region,
    }


@transaction.atomic
def synthetic_authority_load(
    *,
    authority: Authority,
    seed: int,
    scale: float,
    end: date | None = None,
    years: int = 3,
    operator: str = "",
) -> LoadResult:
    """Generate the synthetic authority and load it, recorded as one accepted import run.

    All in one transaction: if anything fails, nothing is kept (not even the run).
    The authority's child population is set to the generator's if it has none, so
    that rates per 10,000 children work.
    """
    started = timezone.now()
    end = end or default_end()
    region = authority.nation
    frames = authority_generate(seed=seed, scale=scale, end=end, years=years, region=region)
    rows = sum(frame.height for frame in frames.values())
    description = synthetic_description(seed=seed, scale=scale, end=end, years=years, region=region)
    run = ImportRun.objects.create(
        authority=authority,
        batch=uuid.uuid4(),
        format=ImportFormat.SYNTHETIC,
        source="synthetic",
        file_name=f"synthetic seed={seed} scale={scale}",
        sha256=hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest(),
        operator=operator,
        started_at=started,
        outcome=ImportOutcome.RUNNING,
        rows_read=rows,
        period_start=add_years(end + timedelta(days=1), -years),
        period_end=end,
        summary={"description": description},
    )
    result = facts_load(authority=authority, frames=frames, import_run=run)
    run.outcome = ImportOutcome.ACCEPTED
    run.rows_accepted = result.rows
    run.finished_at = timezone.now()
    run.summary = {
        "description": description,
        "notes": [
            f"A fictional authority generated with seed {seed} at scale {scale}: "
            f"{years} years to {end:%d %B %Y}."
        ],
        "counts": {
            name: {"rows": count.rows, "inserted": count.inserted, "updated": count.updated}
            for name, count in result.counts.items()
        },
    }
    run.save(update_fields=["outcome", "rows_accepted", "finished_at", "summary"])
    if authority.child_population is None:
        authority.child_population = round(calibration.CHILD_POPULATION_PER_SCALE * scale)
        authority.save(update_fields=["child_population"])
    return result


EXPORT_FORMATS = ("ssd", "local", "cin_census", "annex_a")
# The formats the demo goes through: together they carry every fact cpqa
# monitors (the CIN census would add assessments and CIN plans, but its
# derived identifiers would not match the SSD's record ids).
IMPORT_FORMATS = ("ssd", "local")


def synthetic_files_write(
    *,
    frames: dict,
    directory: Path,
    formats: tuple[str, ...] = IMPORT_FORMATS,
    end: date,
    la_code: str,
    file_format: str = "csv",
) -> list[Path]:
    """Write generated frames in the national and local formats; return the files."""
    from cpqa.core.periods import financial_year_start
    from cpqa.ingest.writers.annex_a import annex_a_write
    from cpqa.ingest.writers.cin_census import cin_census_write
    from cpqa.ingest.writers.local import local_write
    from cpqa.ingest.writers.ssd import ssd_write

    directory.mkdir(parents=True, exist_ok=True)
    before = set(directory.iterdir())
    for name in formats:
        if name == "ssd":
            ssd_write(frames=frames, directory=directory, format=file_format)
        elif name == "local":
            local_write(frames=frames, directory=directory, format=file_format)
        elif name == "cin_census":
            census_end = financial_year_start(end) - timedelta(days=1)
            cin_census_write(
                frames=frames,
                reference_date=census_end,
                path=directory / f"cin_census_{census_end:%Y}.xml",
                la_code=la_code,
            )
        elif name == "annex_a":
            annex_a_write(
                frames=frames, path=directory / f"annex_a_{end:%Y%m%d}.xlsx", period_end=end
            )
        else:
            raise ValueError(f"format must be one of {', '.join(EXPORT_FORMATS)}, not {name!r}")
    return sorted(set(directory.iterdir()) - before)


def synthetic_authority_import(
    *,
    authority: Authority,
    seed: int,
    scale: float,
    end: date | None = None,
    years: int = 3,
    operator: str = "",
):
    """Generate the synthetic authority, write it as SSD and local tables, and import those.

    The demo's data goes through the same importers as a council's own.
    """
    from cpqa.ingest.services import import_files

    end = end or default_end()
    frames = authority_generate(
        seed=seed, scale=scale, end=end, years=years, region=authority.nation
    )
    with tempfile.TemporaryDirectory(prefix="cpqa-synthetic-") as folder:
        paths = synthetic_files_write(
            frames=frames, directory=Path(folder), end=end, la_code=authority.code
        )
        result = import_files(
            authority=authority,
            files=[(path.name, path) for path in paths],
            operator=operator or "cpqa generate",
        )
    if result.accepted and authority.child_population is None:
        authority.child_population = round(calibration.CHILD_POPULATION_PER_SCALE * scale)
        authority.save(update_fields=["child_population"])
    return result
