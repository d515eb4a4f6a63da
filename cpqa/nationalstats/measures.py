"""The published measures cpqa compares an authority on, and how each is worked out.

Three kinds:
- published: the figure as the DfE publishes it (a percentage in D3 or D5, a
  LAIT measure);
- ratio: a sum of published counts over another, × 100 (e.g. ICPCs within 15
  working days: the 0-10 and 11-15 day bands over all ICPCs in C4, which is how
  the DfE's own figure is worked out: LAIT's CP_conf_15days agrees);
- rate: a sum of published counts per 10,000 children aged 0 to 17, using the
  ONS estimate for the middle of the year before: a year ending 31 March Y
  divides by mid-(Y − 1), as the DfE does (2024-25 rates use mid-2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from cpqa.reports.spc import Polarity

from .models import Dataset

PER_10K = "per 10,000 children"
PERCENT = "%"


class Kind(StrEnum):
    PUBLISHED = "published"
    RATIO = "ratio"
    RATE = "rate"


Input = tuple[str, str]  # (dataset, published measure name)
POPULATION: Input = (Dataset.ONS_POPULATION.value, "population_estimate")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    polarity: Polarity
    kind: Kind
    numerator: tuple[Input, ...]
    denominator: tuple[Input, ...] = ()
    note: str = ""


def _c4(name: str) -> Input:
    return (Dataset.C4.value, name)


def _d5(name: str) -> Input:
    return (Dataset.D5.value, name)


MEASURES: tuple[Measure, ...] = (
    Measure(
        "section47_rate",
        "Section 47 enquiries",
        PER_10K,
        Polarity.NEITHER,
        Kind.RATE,
        (_c4("Section47"),),
        note="Enquiries started in the year ending 31 March (C4).",
    ),
    Measure(
        "icpc_rate",
        "Initial child protection conferences",
        PER_10K,
        Polarity.NEITHER,
        Kind.RATE,
        (_c4("ICPC"),),
        note="Conferences in the year ending 31 March (C4).",
    ),
    Measure(
        "icpc_within_15_days",
        "Initial conferences within 15 working days of the strategy discussion",
        PERCENT,
        Polarity.HIGHER_IS_BETTER,
        Kind.RATIO,
        (_c4("Duration_0-10_days"), _c4("Duration_11-15_days")),
        (_c4("ICPC"),),
        note="The 0-10 and 11-15 working-day bands over all ICPCs (C4).",
    ),
    Measure(
        "repeat_plans",
        "Plans starting that were a second or subsequent plan",
        PERCENT,
        Polarity.LOWER_IS_BETTER,
        Kind.PUBLISHED,
        ((Dataset.D3.value, "CPP_subsequent_percent"),),
        note="Plans starting in the year ending 31 March, as published (D3).",
    ),
    Measure(
        "plans_rate",
        "Children on a plan at 31 March",
        PER_10K,
        Polarity.NEITHER,
        Kind.RATE,
        (_d5("CPP_At31"),),
        note="Children on a child protection plan at 31 March (D5).",
    ),
    Measure(
        "plans_2_years_or_more",
        "Plans at 31 March lasting 2 years or more",
        PERCENT,
        Polarity.LOWER_IS_BETTER,
        Kind.PUBLISHED,
        (_d5("2_years_or_more_percent"),),
        note="Of children on a plan at 31 March, as published (D5).",
    ),
    Measure(
        "plans_3_months_or_less",
        "Plans at 31 March: 3 months or less",
        PERCENT,
        Polarity.NEITHER,
        Kind.PUBLISHED,
        (_d5("3_months_or_less_percent"),),
        note="D5 duration band.",
    ),
    Measure(
        "plans_3_to_6_months",
        "Plans at 31 March: more than 3 months to 6 months",
        PERCENT,
        Polarity.NEITHER,
        Kind.PUBLISHED,
        (_d5("more_than_3_months_6_months_percent"),),
        note="D5 duration band.",
    ),
    Measure(
        "plans_6_to_12_months",
        "Plans at 31 March: more than 6 months to less than 1 year",
        PERCENT,
        Polarity.NEITHER,
        Kind.PUBLISHED,
        (_d5("more_than_6_months_less_than_1_year_percent"),),
        note="D5 duration band.",
    ),
    Measure(
        "plans_1_to_2_years",
        "Plans at 31 March: 1 year to less than 2 years",
        PERCENT,
        Polarity.NEITHER,
        Kind.PUBLISHED,
        (_d5("1_year_less_than_2_years_percent"),),
        note="D5 duration band.",
    ),
    Measure(
        "plans_ended_2_years_or_more",
        "Plans ending in the year that had lasted 2 years or more",
        PERCENT,
        Polarity.LOWER_IS_BETTER,
        Kind.PUBLISHED,
        ((Dataset.LAIT.value, "CPPlans2yrs"),),
        note="LAIT measure CPPlans2yrs.",
    ),
    Measure(
        "reviews_in_time",
        "Children on a plan for 3 months or more at 31 March whose reviews were all on time",
        PERCENT,
        Polarity.HIGHER_IS_BETTER,
        Kind.PUBLISHED,
        ((Dataset.LAIT.value, "RevCP"),),
        note="LAIT measure RevCP (reviews within the required timescales).",
    ),
    Measure(
        "cin_rate",
        "Children in need at 31 March",
        PER_10K,
        Polarity.NEITHER,
        Kind.RATE,
        ((Dataset.B1.value, "At31_episodes"),),
        note="Children in need at 31 March (B1).",
    ),
)
MEASURES_BY_KEY = {measure.key: measure for measure in MEASURES}
