"""Hand-built canonical frames for the rule and completeness tests.

`frames(section47=[{...}, ...], ...)` makes a frame per table from rows given as
dicts; columns not given are null; dates may be written "YYYY-MM-DD".
"""

from datetime import date

import polars as pl

from cpqa.casework.schema import fact_table
from cpqa.dataquality.engine import frames_conform
from cpqa.dataquality.rules.base import RuleContext

# The census year 1 April 2024 to 31 March 2025.
REFERENCE_DATE = date(2025, 3, 31)
CONTEXT = RuleContext(reference_date=REFERENCE_DATE, region="england")


def frames(**tables: list[dict]) -> dict[str, pl.DataFrame]:
    built = {}
    for name, rows in tables.items():
        schema = fact_table(name).polars_schema()
        if name == "child":
            schema["team"] = pl.String
        as_text = {
            column: pl.String if dtype == pl.Date else dtype for column, dtype in schema.items()
        }
        rows = [
            {
                key: value.isoformat() if isinstance(value, date) else value
                for key, value in row.items()
            }
            for row in rows
        ]
        frame = pl.from_dicts(rows, schema=as_text) if rows else pl.DataFrame(schema=as_text)
        built[name] = frame.with_columns(
            pl.col(column).str.to_date("%Y-%m-%d")
            for column, dtype in schema.items()
            if dtype == pl.Date
        )
    return frames_conform(built)


def run(rule, context: RuleContext = CONTEXT, **tables: list[dict]) -> pl.DataFrame:
    """Run a rule module's check over hand-built frames."""
    return rule.check(frames(**tables), context)


def refs(found: pl.DataFrame) -> list[str]:
    return sorted(found.get_column("ref").to_list())
