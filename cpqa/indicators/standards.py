"""Standards as plain values, for the pure indicator functions (no database here).

The defaults below are what the data migration seeds; administrators then edit
the catalogue in the admin. A version is in force on day d when
effective_from <= d and (no effective_to or d <= effective_to). An indicator
measures a period against the version in force on the period's last day.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise

OVERLAPPING_VERSIONS = (
    "The versions from {first:%d %b %Y} and from {second:%d %b %Y} overlap: "
    "end the earlier one before the later one starts."
)
ENDS_BEFORE_START = "A version cannot end ({end:%d %b %Y}) before it starts ({start:%d %b %Y})."
AMBER_ABOVE_GREEN = "Amber must start at or below green."

GREEN, AMBER, RED = "green", "amber", "red"
SEEDED_FROM = date(2000, 1, 1)


@dataclass(frozen=True)
class StandardInfo:
    slug: str
    title: str
    source: str  # a StandardSource value
    measure: str
    unit: str  # a ThresholdUnit value
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class StandardTerms:
    """One version of a standard."""

    slug: str
    effective_from: date
    effective_to: date | None
    threshold: int
    target: Decimal
    green_from: Decimal
    amber_from: Decimal

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True)
class Standards:
    """The catalogue: each standard and its versions, keyed by slug."""

    info: dict[str, StandardInfo]
    versions: dict[str, tuple[StandardTerms, ...]]

    def in_force(self, slug: str, day: date) -> StandardTerms | None:
        for terms in self.versions.get(slug, ()):
            if terms.in_force(day):
                return terms
        return None

    def fingerprint(self) -> str:
        """A short text that changes whenever any term changes (for cache keys)."""
        parts = [
            f"{t.slug}:{t.effective_from}:{t.effective_to}:{t.threshold}:{t.target}:"
            f"{t.green_from}:{t.amber_from}"
            for slug in sorted(self.versions)
            for t in self.versions[slug]
        ]
        return "|".join(parts)


def rag(value: float | None, terms: StandardTerms | None) -> str | None:
    """Green at or above green_from, amber at or above amber_from, else red."""
    if value is None or terms is None:
        return None
    if value >= float(terms.green_from):
        return GREEN
    if value >= float(terms.amber_from):
        return AMBER
    return RED


def version_problems(
    versions: Iterable[tuple[date, date | None, Decimal | None, Decimal | None]],
) -> list[str]:
    """Problems with a standard's versions: (effective_from, effective_to, green, amber)."""
    problems = []
    ordered = sorted(versions, key=lambda v: v[0])
    for start, end, green, amber in ordered:
        if end is not None and end < start:
            problems.append(ENDS_BEFORE_START.format(start=start, end=end))
        if green is not None and amber is not None and amber > green:
            problems.append(AMBER_ABOVE_GREEN)
    for (first, first_end, _, _), (second, _, _, _) in pairwise(ordered):
        if first_end is None or first_end >= second:
            problems.append(OVERLAPPING_VERSIONS.format(first=first, second=second))
    return problems


def _seed(
    slug: str,
    title: str,
    source: str,
    measure: str,
    unit: str,
    indicators: Sequence[str],
    threshold: int,
    target: str,
    amber: str,
) -> tuple[StandardInfo, StandardTerms]:
    info = StandardInfo(slug, title, source, measure, unit, tuple(indicators))
    terms = StandardTerms(
        slug, SEEDED_FROM, None, threshold, Decimal(target), Decimal(target), Decimal(amber)
    )
    return info, terms


WT = "working_together"
LOCAL = "local_procedure"

# (info, first version). Keep in step with migrations/0002_seed_standards.py (a test checks).
SEEDED = (
    _seed(
        "icpc-within-15-working-days",
        "Initial conference within 15 working days of the strategy discussion",
        WT,
        "Working days from the strategy discussion that started the section 47 enquiry "
        "to the initial child protection conference.",
        "working_days",
        ["icpc_within_15_working_days"],
        15,
        "85",
        "75",
    ),
    _seed(
        "first-review-within-3-months",
        "First review conference within 3 months of the plan's start",
        WT,
        "Months from the start of the child protection plan to its first review conference.",
        "months",
        ["cpp_reviewed_in_time"],
        3,
        "95",
        "85",
    ),
    _seed(
        "later-reviews-within-6-months",
        "Later review conferences within 6 months of the previous review",
        WT,
        "Months from one review conference to the next.",
        "months",
        ["cpp_reviewed_in_time"],
        6,
        "95",
        "85",
    ),
    _seed(
        "first-core-group-within-10-working-days",
        "First core group within 10 working days of the initial conference",
        WT,
        "Working days from the initial conference to the first core group meeting of the plan.",
        "working_days",
        ["core_group_within_10_working_days"],
        10,
        "90",
        "80",
    ),
    _seed(
        "visits-every-10-working-days",
        "Statutory visits at least every 10 working days",
        LOCAL,
        "Working days since the child on a plan was last seen (or seen alone) by their worker.",
        "working_days",
        ["cpp_seen_within_standard", "cpp_seen_alone_within_standard"],
        10,
        "90",
        "80",
    ),
    _seed(
        "decision-within-1-working-day",
        "Conference decision published within 1 working day",
        LOCAL,
        "Working days from the conference to the publication of its decision.",
        "working_days",
        ["decision_published_in_time"],
        1,
        "95",
        "85",
    ),
    _seed(
        "minutes-within-15-working-days",
        "Full conference minutes published within 15 working days",
        LOCAL,
        "Working days from the conference to the publication of its full minutes.",
        "working_days",
        ["minutes_published_in_time"],
        15,
        "85",
        "75",
    ),
    _seed(
        "supervision-every-4-weeks",
        "Supervision at least every 4 weeks",
        LOCAL,
        "Weeks from a worker's supervision session to their previous one.",
        "weeks",
        ["supervision_within_standard"],
        4,
        "90",
        "80",
    ),
    _seed(
        "conference-quorum",
        "A conference is quorate with children's social care and at least two other agencies",
        LOCAL,
        "The agencies attending a conference: children's social care and how many others.",
        "agencies",
        ["conference_quorate"],
        2,
        "95",
        "85",
    ),
)


def default_standards() -> Standards:
    """The seeded catalogue, for pure computations without a database (tests, benchmark)."""
    return Standards(
        info={info.slug: info for info, _ in SEEDED},
        versions={info.slug: (terms,) for info, terms in SEEDED},
    )
