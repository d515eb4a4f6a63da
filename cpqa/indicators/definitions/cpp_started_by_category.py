import polars as pl

from ..common import NOT_RECORDED, in_periods, members, one_of, table
from ..context import Context, Frames
from ..registry import Indicator, register

CATEGORIES = ("NEG", "PHY", "SAB", "EMO", "MUL")

DEFINITION = """\
Count of child protection plans whose start date is in P, by initial category \
of abuse: NEG (neglect), PHY (physical abuse), SAB (sexual abuse), EMO \
(emotional abuse), MUL (multiple). A plan with no initial category recorded \
(or a code that is not one of these) counts under "not recorded". The counts add up to cpp_started.
Team: the plan's team. Breakdown: the initial category."""


def compute(frames: Frames, ctx: Context) -> pl.LazyFrame:
    plans = table(
        frames, "protection_plan", ["ref", "child", "team", "start_date", "initial_category"]
    )
    return members(
        in_periods(plans, "start_date", ctx),
        breakdown=one_of(pl.col("initial_category"), CATEGORIES, NOT_RECORDED),
        extra=("start_date",),
    )


INDICATOR = register(
    Indicator(
        id="cpp_started_by_category",
        title="Child protection plans started, by initial category of abuse",
        kind="count",
        definition=DEFINITION,
        compute=compute,
        tables=("protection_plan",),
        breakdown="initial category of abuse",
        breakdown_values=(*CATEGORIES, NOT_RECORDED),
        columns=(("start_date", "Started"),),
        part_of="cpp_started",
    )
)
