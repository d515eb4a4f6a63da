"""What every CIN census rule shares: the context, the registry and the findings frame.

A rule is a pure function over the canonical frames (a dict of polars frames,
one per fact table, as the importers and `casework.selectors.fact_frames`
produce them) and a `RuleContext`. It returns the failing records as a
findings frame (`FINDING_SCHEMA`): the child, the table and ref of the record,
the field and its value, and a short detail naming what it was compared with.

Each rule is registered with `register`, which takes the rule's severity and
message from `data/cin-census-cp-rules.tsv` (the DfE's words, exactly as
written) and records the tables and fields the rule reads. A rule whose tables
are not all in the frames is not run; the runner (see engine.py) says so.
"""

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import polars as pl

from cpqa.core.periods import add_years

RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "cin-census-cp-rules.tsv"

ERROR = "error"
QUERY = "query"

FINDING_SCHEMA: dict[str, pl.DataType] = {
    "child": pl.String(),
    "table": pl.String(),
    "ref": pl.String(),
    "field": pl.String(),
    "value": pl.String(),
    "detail": pl.String(),
}

Frames = Mapping[str, pl.DataFrame]


@dataclass(frozen=True)
class RuleContext:
    """The census the rules check against.

    reference_date: the CIN census ReferenceDate, the last day of the census
    year (a 31 March). The census year runs from the day after the same date a
    year earlier to the reference date, both included.
    region: 'england' or 'wales', for the bank holidays of working days.
    as_at: the day the data stands at. Where it is before the reference date
    the census year is still running, and a rule that counts time up to the
    end of the year (8675Q) counts up to this day instead: what has not
    happened yet cannot be missing yet.
    """

    reference_date: date
    region: str = "england"
    as_at: date | None = None

    @property
    def counted_to(self) -> date:
        """The reference date, or the as-at day while the census year is still running."""
        if self.as_at is not None and self.as_at < self.reference_date:
            return self.as_at
        return self.reference_date

    @property
    def year_start(self) -> date:
        return add_years(self.reference_date, -1) + timedelta(days=1)

    def in_year(self, column: pl.Expr) -> pl.Expr:
        """True where the date lies in the census year; null where it is null."""
        return column.is_between(pl.lit(self.year_start), pl.lit(self.reference_date))


@dataclass(frozen=True)
class DfeRule:
    code: str
    severity: str
    census_table: str
    census_fields: tuple[str, ...]
    message: str


@cache
def dfe_rules() -> dict[str, DfeRule]:
    """The DfE's 29 child protection rules, as listed in the TSV file."""
    with RULES_FILE.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    rules = {}
    for row in csv.DictReader(lines, delimiter="\t"):
        rules[row["code"]] = DfeRule(
            code=row["code"],
            severity=row["type"],
            census_table=row["table"],
            census_fields=tuple(row["fields"].split(",")),
            message=row["message"],
        )
    return rules


Check = Callable[[Frames, RuleContext], pl.DataFrame]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    message: str
    census_table: str
    census_fields: tuple[str, ...]
    tables: tuple[str, ...]
    fields: tuple[str, ...]
    check: Check

    def __call__(self, frames: Frames, context: RuleContext) -> pl.DataFrame:
        return self.check(frames, context)

    def missing_tables(self, frames: Frames) -> list[str]:
        return [table for table in self.tables if table not in frames]


_REGISTRY: dict[str, Rule] = {}


def register(code: str, *, tables: tuple[str, ...], fields: tuple[str, ...]) -> Callable:
    """Decorator: make a check function the rule `code`, with the DfE's severity and message."""

    def decorator(check: Check) -> Rule:
        dfe = dfe_rules()[code]
        rule = Rule(
            code=code,
            severity=dfe.severity,
            message=dfe.message,
            census_table=dfe.census_table,
            census_fields=dfe.census_fields,
            tables=tables,
            fields=fields,
            check=check,
        )
        if code in _REGISTRY:
            raise ValueError(f"rule {code} is registered twice")
        _REGISTRY[code] = rule
        return rule

    return decorator


def registry() -> dict[str, Rule]:
    """Every registered rule by code, in the order of the DfE list."""
    from . import ALL  # noqa: F401  (imports every rule module)

    order = list(dfe_rules())
    return {code: _REGISTRY[code] for code in sorted(_REGISTRY, key=order.index)}


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)


def findings(
    frame: pl.DataFrame,
    *,
    table: str,
    field: str,
    value: pl.Expr,
    detail: pl.Expr | None = None,
    child: pl.Expr | None = None,
    ref: pl.Expr | None = None,
) -> pl.DataFrame:
    """Turn the failing rows of a frame into a findings frame."""
    return frame.select(
        (pl.col("child") if child is None else child).cast(pl.String).alias("child"),
        pl.lit(table, dtype=pl.String).alias("table"),
        (pl.col("ref") if ref is None else ref).cast(pl.String).alias("ref"),
        pl.lit(field, dtype=pl.String).alias("field"),
        value.cast(pl.String).alias("value"),
        (pl.lit(None, dtype=pl.String) if detail is None else detail)
        .cast(pl.String)
        .alias("detail"),
    )


def combine(*parts: pl.DataFrame) -> pl.DataFrame:
    """Several findings frames as one, each record and field once."""
    frames = [part for part in parts if part.height]
    if not frames:
        return empty_findings()
    return pl.concat(frames, how="vertical").unique(
        subset=["table", "ref", "field"], keep="first", maintain_order=True
    )
