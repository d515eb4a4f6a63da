"""A test-only importer, installed as an app by tests/security/fault_settings.py.

Lines of `ref,name,child` after a first line `TEAMS-FAULT`: a team, and a child
of it. It stands in for the national formats in the fault tests, so that a real
`cpqa import` of a large file runs in a subprocess that the tests can kill.

TODO(ingest): once cpqa/ingest/formats/ has the CIN census importer, kill the
import of a large CIN census XML file (DfE CIN census, the format of
tests/data/cin-census-samples/) instead, as well as this file.
"""

import polars as pl
from django.apps import AppConfig

from cpqa.ingest.base import ParsedFile, Problem, register_importer

MAGIC = b"TEAMS-FAULT\n"


class FaultTeamListImporter:
    format = "local"
    expected = "a team list starting with TEAMS-FAULT"

    def detect(self, *, name, path, head) -> bool:
        return head.startswith(MAGIC)

    def parse(self, *, name, path, region) -> ParsedFile:
        rows = [line.split(",") for line in path.read_text().splitlines()[1:] if line]
        problems = [
            Problem(name, f"row {number}", "name", fields[1] if len(fields) > 1 else None, "a name")
            for number, fields in enumerate(rows, start=2)
            if len(fields) < 2 or not fields[1]
        ]
        frames = {}
        if not problems:
            frames["team"] = pl.DataFrame(
                {"ref": [r[0] for r in rows], "name": [r[1] for r in rows]}
            )
            children = [r[2] for r in rows if len(r) > 2 and r[2]]
            if children:
                frames["child"] = pl.DataFrame({"ref": children})
        return ParsedFile(
            name=name,
            format=self.format,
            source="fault-teams",
            frames=frames,
            rows_read=len(rows),
            problems=problems,
        )


def write_team_file(path, count: int, prefix: str = "T") -> None:
    lines = [f"{prefix}{n},Team {n},{prefix}C{n}" for n in range(count)]
    path.write_bytes(MAGIC + "\n".join(lines).encode() + b"\n")


class ImporterAppConfig(AppConfig):
    name = "tests.security.importer_app"
    label = "security_importer"

    def ready(self) -> None:
        if FaultTeamListImporter not in _registered():
            register_importer(FaultTeamListImporter)


def _registered():
    from cpqa.ingest import base

    return base._IMPORTERS
