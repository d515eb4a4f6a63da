"""What every importer shares: problems, parsed files, and the registry.

An importer recognises its files from their content (`detect`) and turns a
file into canonical frames (`parse`), reporting every problem it finds with
the file, the place in it (sheet and row, or XML path), the field, the value
and what was expected. It never writes to the database: the import service
does that, for all the files of an import at once or for none.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar, Protocol

import polars as pl

# How much of a file `detect` sees.
HEAD_BYTES = 65536


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file that stops it being imported."""

    file: str
    location: str
    field: str
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.file, self.location) if part)
        if not self.field:
            return f"{where}: {self.expected}"
        shown = "empty" if self.value in (None, "") else repr(self.value)
        return f"{where}: {self.field} is {shown}; expected {self.expected}"

    def as_dict(self) -> dict[str, str | None]:
        return {
            "file": self.file,
            "location": self.location,
            "field": self.field,
            "value": self.value,
            "expected": self.expected,
            "message": str(self),
        }


@dataclass
class ParsedFile:
    """A file turned into canonical frames (see cpqa/casework/schema.py).

    `source` names what the file is an extract of (e.g. "cin_census",
    "ssd_cp_plans"): a later file of the same source whose period overlaps
    supersedes it. A period of None covers everything.
    """

    name: str
    format: str
    source: str
    frames: dict[str, pl.DataFrame]
    rows_read: int
    period_start: date | None = None
    period_end: date | None = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Partial frames (ref and some columns) that set columns of records held
    # already or arriving in this import: see casework.services.facts_load.
    updates: dict[str, pl.DataFrame] = field(default_factory=dict)
    # The DfE code of the authority the file says it comes from (a CIN census's
    # Header/Source/LEA), where the format carries one, and where it was read.
    authority_code: str | None = None
    authority_code_at: str = ""


class Importer(Protocol):
    format: ClassVar[str]
    # What a file of this format is, for the message about an unknown file.
    expected: ClassVar[str]

    def detect(self, *, name: str, path: Path, head: bytes) -> bool: ...

    def parse(self, *, name: str, path: Path, region: str) -> ParsedFile: ...


_IMPORTERS: list[type] = []


def register_importer(cls: type) -> type:
    """Class decorator: make an importer known to the import service."""
    _IMPORTERS.append(cls)
    return cls


def importers() -> list[Importer]:
    from . import formats  # noqa: F401  (registers the importers)

    return [cls() for cls in _IMPORTERS]


def importer_for(*, name: str, path: Path) -> Importer | None:
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    for importer in importers():
        if importer.detect(name=name, path=path, head=head):
            return importer
    return None


Detector = Callable[[str, Path, bytes], bool]
