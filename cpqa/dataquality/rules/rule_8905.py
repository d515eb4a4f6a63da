"""8905: the Initial category of abuse is missing or not a valid code.

DfE: where a ChildProtectionPlans group is present, InitialCategoryOfAbuse must be present
and one of the CIN census Category of Abuse codes.
cpqa: protection_plan.initial_category missing or not one of NEG, PHY, SAB, EMO, MUL
(compared exactly: codes are upper case).
"""

import polars as pl

from .base import Frames, RuleContext, findings, register
from .common import CATEGORIES


@register("8905", tables=("protection_plan",), fields=("protection_plan.initial_category",))
def check(frames: Frames, context: RuleContext) -> pl.DataFrame:
    failing = frames["protection_plan"].filter(
        pl.col("initial_category").is_null() | ~pl.col("initial_category").is_in(CATEGORIES)
    )
    return findings(
        failing,
        table="protection_plan",
        field="initial_category",
        value=pl.col("initial_category"),
        detail=pl.when(pl.col("initial_category").is_null())
        .then(pl.lit("missing"))
        .otherwise(pl.lit("not a CIN census category of abuse code")),
    )
