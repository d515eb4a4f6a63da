"""The synthetic authority: a deterministic, realistic fictional local authority.

`authority_generate` returns a canonical frame (see cpqa.casework.schema) for every
fact table. Volumes and rates come from calibration.py (England, 2024-25); the
same arguments always give the same frames.

How it works. Work is simulated as *cases*: one section 47 enquiry (or transfer-in)
about a family of one to five children, who share the dates of their enquiry,
conferences, plan, visits and allocations, as siblings do. Cases arrive each day at
England's rate with seasonal dips, some go to an initial conference, most of those
start a plan, and each plan is reviewed (3 months, then every 6) until it ends at a
review after a duration drawn from the DfE distribution. A case can be a repeat for
a family seen before (so that about a quarter of plans are second or subsequent).
The simulation starts BURN_IN_YEARS before the reporting window so that the window
opens on a service in a steady state; cases that ended before the window are left
out, but they still count in a child's number of previous plans. Then each case is
expanded to its children and to the tables.

Everything is vectorised with numpy: a few loops run over teams, review rounds or
categories, never over children or events. Dates are held as int64 days since
1970-01-01; NO_DATE marks a date that does not exist (yet).
"""

import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from cpqa.core.periods import add_years
from cpqa.core.workdays import bank_holidays

from . import calibration as cal

EPOCH = date(1970, 1, 1)
NO_DATE = np.int64(1 << 40)  # later than any real date: "not yet" or "none"
BURN_IN_YEARS = 3
ADULT_DAYS = 6574  # 18 years
DAYS_PER_MONTH = 365.25 / 12
# Plans end at review conferences, which are held a little before they fall due; drawn
# durations are stretched by this much so that plans last as long as DfE's do.
PLAN_DURATION_STRETCH = 1.04

# Codes, each list in a fixed order (never from a set or dict order).
CATEGORIES = ("NEG", "EMO", "PHY", "SAB", "MUL")
ROLE_SOCIAL_WORKER, ROLE_ATM, ROLE_TEAM_MANAGER, ROLE_CHAIR = 0, 1, 2, 3
ROLE_NAMES = ("social_worker", "assistant_team_manager", "team_manager", "conference_chair")

# Family size (children in the enquiry), a modelling assumption.
FAMILY_SIZES = (1, 2, 3, 4, 5)
FAMILY_SIZE_SHARES = (0.55, 0.25, 0.12, 0.06, 0.02)
# Age of children at their first enquiry (years, low inclusive, high exclusive) and
# shares, a modelling assumption close to DfE table A5 (children on a plan by age).
AGE_BANDS = ((0, 1), (1, 5), (5, 10), (10, 16), (16, 17.5))
AGE_SHARES = (0.12, 0.26, 0.28, 0.28, 0.06)
# Children of CIN-only referrals: all ages.
AGE_SHARES_CIN = (0.07, 0.22, 0.28, 0.33, 0.10)
# Unborn children are this share of the children in section 47 enquiries, and a
# pre-birth enquiry goes to conference with this probability, so that
# cal.UNBORN_PLAN_START_SHARE of plans start before birth.
UNBORN_SECTION47_SHARE = 0.045
UNBORN_ICPC_PROBABILITY = (
    cal.UNBORN_PLAN_START_SHARE * cal.ICPC_PER_SECTION47 / UNBORN_SECTION47_SHARE
)
# Section 47 outcomes other than a conference, and what follows a conference
# without a plan (modelling assumptions).
S47_NFA, S47_CIN_PLAN, S47_OTHER = 0, 1, 2
S47_OUTCOME_SHARES = (0.42, 0.45, 0.13)
CIN_PLAN_AFTER_NO_PLAN = 0.6
CIN_PLAN_AFTER_PLAN = 0.6
# Repeats: the share of enquiries not leading to a plan that are about a family seen
# before, and how far back a repeat looks.
S47_REPEAT_SHARE = 0.2
REPEAT_GAP_DAYS = 60
REPEAT_LOOKBACK_DAYS = 5 * 365
# Plan end reasons (local codes; the CIN census has none).
END_RISK, END_LOOKED_AFTER, END_MOVED = 0, 1, 2
END_REASON_CODES = ("RISK", "LAC", "MOVED")
# Unallocated children: share of plans with a spell without a social worker.
UNALLOCATED_SHARE_WORST_TEAM = 0.30
UNALLOCATED_SHARE = 0.02

# CIN census referral sources and their shares (approximately DfE's 2025 mix:
# police 29%, schools 21%, health 15%, local authority 10%, individuals 8%).
REFERRAL_SOURCES = (
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F",
    "4", "5A", "5B", "5C", "6", "7", "8", "9", "10",
)  # fmt: skip
REFERRAL_SOURCE_SHARES = (
    0.04, 0.015, 0.01, 0.015, 0.19, 0.02, 0.03, 0.03, 0.01, 0.03, 0.03, 0.02,
    0.02, 0.05, 0.03, 0.02, 0.29, 0.03, 0.05, 0.02, 0.03,
)  # fmt: skip
PRIMARY_NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
PRIMARY_NEED_SHARES_S47 = (0.86, 0.01, 0.02, 0.04, 0.05, 0.01, 0.0, 0.01, 0.0)
PRIMARY_NEED_SHARES_CIN = (0.45, 0.08, 0.05, 0.12, 0.17, 0.04, 0.01, 0.02, 0.06)
# CIN census factors identified at assessment (a common subset).
FACTORS = (
    "1B", "2B", "3A", "3B", "3C", "4A", "4B", "5A", "6A", "7A", "8B", "9A",
    "10A", "11A", "18B", "19B", "20", "21", "22A", "24A",
)  # fmt: skip
FACTOR_WEIGHTS = (
    4, 5, 10, 12, 8, 9, 12, 3, 3, 2, 2, 2, 2, 2, 3, 2, 2, 3, 2, 2,
)  # fmt: skip
ETHNICITIES = (
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
    "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)  # fmt: skip
ETHNICITY_SHARES = (
    0.66, 0.003, 0.005, 0.06, 0.005, 0.025, 0.01, 0.012, 0.03, 0.02,
    0.035, 0.012, 0.012, 0.012, 0.03, 0.008, 0.003, 0.018, 0.01, 0.03,
)  # fmt: skip
DISABILITIES = ("NONE", "", "LD", "AUT", "COMM", "BEH", "MOB", "HEAR", "VIS", "CON")
DISABILITY_SHARES = (0.84, 0.05, 0.025, 0.03, 0.02, 0.015, 0.006, 0.005, 0.004, 0.005)

# Conference attendance: agency, who is invited (by kind and age), how often they come
# and send a report (modelling assumptions from typical conference audits).
# Columns: agency, invited at initial, invited at review, age from, age to (years;
# -1 is unborn), attends, report submitted, report on time.
AGENCIES = (
    ("childrens_social_care", 1.00, 1.00, -1, 18, 0.99, 0.97, 0.88),
    ("police", 0.97, 0.80, -1, 18, 0.75, 0.75, 0.70),
    ("health_visitor", 0.95, 0.92, -1, 5, 0.86, 0.85, 0.80),
    ("midwife", 0.95, 0.60, -1, 0.1, 0.75, 0.80, 0.78),
    ("school_nurse", 0.60, 0.50, 5, 18, 0.55, 0.60, 0.70),
    ("gp", 0.90, 0.80, -1, 18, 0.12, 0.55, 0.60),
    ("school", 0.97, 0.95, 5, 18, 0.86, 0.85, 0.75),
    ("early_years", 0.50, 0.45, 2, 5, 0.70, 0.70, 0.70),
    ("adult_mental_health", 0.20, 0.15, -1, 18, 0.50, 0.60, 0.65),
    ("camhs", 0.15, 0.15, 11, 18, 0.60, 0.65, 0.70),
    ("substance_misuse", 0.18, 0.15, -1, 18, 0.60, 0.65, 0.70),
    ("probation", 0.08, 0.06, -1, 18, 0.55, 0.70, 0.70),
    ("housing", 0.10, 0.08, -1, 18, 0.40, 0.50, 0.65),
    ("domestic_abuse", 0.30, 0.25, -1, 18, 0.65, 0.60, 0.70),
    ("other", 0.05, 0.05, -1, 18, 0.50, 0.50, 0.60),
)
NON_ATTENDANCE_REASONS = (
    "Apologies sent; report submitted",
    "Clash with another meeting",
    "Staff sickness",
    "Invitation received too late",
    "No response to the invitation",
    "No one available to attend",
    "Not considered necessary by the agency",
)
PARTICIPATION_CODES = ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
PARTICIPATION_SHARES = (0.16, 0.10, 0.03, 0.04, 0.20, 0.27, 0.20)
UNALLOCATED_DECISIONS = {
    "low": (
        "Risk reviewed as low. Core group continues; the team manager holds the case "
        "and the family support worker visits until a social worker is allocated."
    ),
    "medium": (
        "Duty social worker to complete statutory visits every 10 working days. "
        "Case to be prioritised for allocation at the next allocation meeting."
    ),
    "high": (
        "High risk: the assistant team manager holds the case and visits weekly with the "
        "duty worker. To be allocated within 5 working days; escalated to the head of service."
    ),
}
RISKS = ("low", "medium", "high")
RISK_SHARES = (0.45, 0.40, 0.15)
REVIEW_DAYS = {"low": 28, "medium": 14, "high": 7}

FIRST_NAMES = (
    "Aisha", "Amelia", "Ben", "Bethan", "Callum", "Chloe", "Daniel", "Dylan", "Eleanor",
    "Emma", "Fatima", "Finn", "Grace", "Hannah", "Harry", "Imran", "Isla", "Jack",
    "Jade", "James", "Joanne", "Kate", "Kieran", "Laura", "Liam", "Lucy", "Mark",
    "Megan", "Mohammed", "Natalie", "Nathan", "Niamh", "Oliver", "Owen", "Priya",
    "Rachel", "Rhys", "Ruth", "Sam", "Sarah", "Sian", "Sophie", "Tom", "Yasmin", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Ahmed", "Allen", "Baker", "Begum", "Bennett", "Brown", "Clarke", "Davies", "Edwards",
    "Evans", "Fisher", "Green", "Griffiths", "Hall", "Harris", "Hughes", "Hussain",
    "Jackson", "James", "Jones", "Kaur", "Khan", "Lewis", "Lloyd", "Marshall", "Mitchell",
    "Morgan", "Murphy", "Owen", "Patel", "Phillips", "Price", "Roberts", "Robinson",
    "Shaw", "Singh", "Smith", "Taylor", "Thomas", "Turner", "Walker", "Ward", "Watson",
    "White", "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip
# The first six teams (scale 1). Fictional places; not the names of councils.
TEAM_PLACES = ("Ashbury", "Kelmoor", "Brackenfold", "Harrowdene", "Saltmere", "Wenlow")
LOCALITIES = ("North", "North", "Central", "Central", "South", "South")
# The team (position in each group of six) with late conferences and vacant posts.
WORST_POSITION = 3
PLACE_HEADS = (
    "Ash", "Bram", "Crane", "Dun", "Elm", "Fern", "Glen", "Hart", "Holt", "Kings", "Lark",
    "Mill", "Nor", "Oak", "Pen", "Quarry", "Raven", "Stan", "Thorn", "Ul", "Wex", "Yar",
)  # fmt: skip
PLACE_TAILS = (
    "bury", "combe", "dale", "den", "field", "ford", "gate", "ham", "hurst", "ley",
    "mere", "moor", "stead", "thorpe", "wick", "worth",
)  # fmt: skip
PLACE_QUALIFIERS = ("", "Great ", "Little ", "Upper ", "Lower ", "Nether ", "East ", "West ")
# Combinations that are the names of real councils.
REAL_COUNCILS = ("Ashfield", "Ashford", "Wexford")


# --- Small helpers ----------------------------------------------------------------


def _day(value: date) -> int:
    return (value - EPOCH).days


def _rng(seed: int, stream: str) -> np.random.Generator:
    """An independent random stream per part, so parts do not disturb each other."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


def _random(rng: np.random.Generator, size) -> np.ndarray:
    """Uniform on [0, 1) in single precision (half the memory; plenty for a simulation)."""
    return rng.random(size, dtype=np.float32)


def _uniform_int(rng: np.random.Generator, low, high, size: int) -> np.ndarray:
    """Integers from low to high inclusive (arrays allowed)."""
    high = np.asarray(high)
    drawn = (low + _random(rng, size) * (high - low + 1).astype(np.float32)).astype(np.int64)
    return np.minimum(drawn, high)


def _pick(rng: np.random.Generator, shares, size: int) -> np.ndarray:
    """Indexes into `shares`, drawn with those probabilities."""
    cumulative = np.cumsum(np.asarray(shares, dtype=float))
    picked = np.searchsorted(cumulative / cumulative[-1], _random(rng, size), side="right")
    return np.minimum(picked, len(cumulative) - 1)


def _within(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes: the group of each row and its index within the group."""
    counts = np.asarray(counts, dtype=np.int64)
    small = np.int32 if counts.sum() < 2**31 - 1 else np.int64
    group = np.repeat(np.arange(len(counts), dtype=small), counts)
    starts = (np.cumsum(counts) - counts).astype(small)
    index = np.arange(len(group), dtype=small)
    index -= starts[group]
    return group, index


def _index_within(group: np.ndarray) -> np.ndarray:
    """Each row's index within its run of equal (contiguous) group values."""
    rows = np.arange(len(group))
    starts = np.ones(len(group), bool)
    starts[1:] = group[1:] != group[:-1]
    return rows - np.maximum.accumulate(np.where(starts, rows, 0))


def _group_cumsum(values: np.ndarray, group: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Cumulative sum within consecutive groups (rows of a group are contiguous)."""
    total = np.cumsum(values, dtype=np.int64)
    starts = index == 0
    first = np.flatnonzero(starts)
    before = total[first] - values[first]
    total -= before[np.cumsum(starts, dtype=np.int64) - 1]
    return total


def _add_months(days: np.ndarray, months) -> np.ndarray:
    """Same day `months` later, clamped to the end of the month (as cpqa.core.periods)."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    dom = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months).astype("timedelta64[M]")
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    return target.astype("datetime64[D]").astype(np.int64) + np.minimum(dom, length - 1)


class _Calendar:
    """Working days of England or Wales as lookup tables (fast for millions of dates).

    rank[d] is the number of working days up to and including day d, so the working
    days between a and b (a < d <= b, cpqa's definition) are rank[b] - rank[a], and
    adding n working days to a (rolling a non-working day back first) is the working
    day of rank rank[a] + n.
    """

    def __init__(self, *, first: int, last: int, region: str) -> None:
        self.first = first - 60
        days = np.arange(self.first, last + 400).astype("datetime64[D]")
        holidays = np.array(bank_holidays(region), dtype="datetime64[D]")
        self.working = np.is_busday(days, holidays=holidays)
        self.rank = np.cumsum(self.working)
        self.by_rank = np.flatnonzero(self.working) + self.first

    def _i(self, days: np.ndarray) -> np.ndarray:
        return np.clip(np.asarray(days) - self.first, 0, len(self.rank) - 1)

    def is_working(self, days: np.ndarray) -> np.ndarray:
        return self.working[self._i(days)]

    def add(self, days: np.ndarray, n) -> np.ndarray:
        days = np.asarray(days)
        n = np.asarray(n)
        rank = self.rank[self._i(days)] + n - 1
        moved = self.by_rank[np.clip(rank, 0, len(self.by_rank) - 1)]
        return np.where(n == 0, days, moved)

    def roll_forward(self, days: np.ndarray) -> np.ndarray:
        days = np.asarray(days)
        return np.where(self.is_working(days), days, self.add(days, 1))

    def roll_back(self, days: np.ndarray) -> np.ndarray:
        rank = self.rank[self._i(days)]
        return self.by_rank[np.clip(rank - 1, 0, len(self.by_rank) - 1)]

    def rank_of(self, days: np.ndarray) -> np.ndarray:
        """Working days up to and including each day."""
        return self.rank[self._i(days)]

    def of_rank(self, rank: np.ndarray) -> np.ndarray:
        """The working day of each rank (rank 1 is the first working day held)."""
        return self.by_rank[np.clip(rank - 1, 0, len(self.by_rank) - 1)]


def _dates(days: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    """A polars Date series; NO_DATE (and `missing`) become null."""
    days = np.asarray(days)
    nulls = days >= NO_DATE
    if missing is not None:
        nulls = nulls | missing
    values = np.where(nulls, 0, days).astype(np.int32)
    return pl.Series(np.ma.masked_array(values, nulls)).cast(pl.Date)


def _bools(values: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    values = np.asarray(values, dtype=bool)
    if missing is None or not missing.any():
        return pl.Series(values)
    return pl.Series(np.ma.masked_array(values, missing))


def _ints(values: np.ndarray, missing: np.ndarray) -> pl.Series:
    return pl.Series(np.ma.masked_array(np.asarray(values, dtype=np.int64), missing))


@dataclass(frozen=True)
class _Lazy:
    """A text column held as numbers until its frame is made: `_frame` turns all of a
    table's text columns into text at once, in parallel.

    Either refs (the numbers are the refs) or codes (indexes into `names`).
    """

    values: np.ndarray
    nulls: np.ndarray | None = None
    names: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return len(self.values)

    def numbers(self, name: str) -> pl.Series:
        if self.nulls is not None and self.nulls.any():
            return pl.Series(name, np.ma.masked_array(self.values, self.nulls))
        return pl.Series(name, self.values)

    def text(self, name: str) -> pl.Expr:
        if self.names is None:
            return pl.col(name).cast(pl.String)
        return pl.lit(pl.Series(list(self.names), dtype=pl.String)).gather(pl.col(name)).alias(name)


def _codes(names, index: np.ndarray, missing: np.ndarray | None = None) -> _Lazy:
    """Strings from a tuple of names by index; index < 0 (or `missing`) is null."""
    index = np.asarray(index)
    nulls = index < 0
    if missing is not None:
        nulls = nulls | missing
    return _Lazy(
        values=np.where(nulls, 0, index).astype(np.uint32), nulls=nulls, names=tuple(names)
    )


# Refs are numbers, as in case management systems: a two-digit code for the table, then
# the record's number at a fixed width (numbers are also much quicker to make than text).
TABLE_CODES = {
    "team": 10, "professional": 11, "child": 12, "cin_episode": 13, "assessment": 14,
    "cin_plan": 15, "section47": 16, "protection_plan": 17, "conference": 18,
    "conference_attendance": 19, "core_group_meeting": 20, "visit": 21,
    "looked_after_episode": 22, "unallocated_episode": 23, "staffing_snapshot": 24,
    "supervision_record": 25, "involvement": 26,
}  # fmt: skip


class _Refs:
    """The refs of one table, numbered from 0."""

    def __init__(self, table: str, count: int) -> None:
        self.base = TABLE_CODES[table] * 10 ** max(6, len(str(count)))
        self.count = count

    @property
    def series(self) -> _Lazy:
        return _Lazy(values=np.arange(self.base, self.base + self.count, dtype=np.int64))

    def of(self, index: np.ndarray) -> _Lazy:
        """The refs of the given records; index -1 is null."""
        index = np.asarray(index)
        return _Lazy(values=index.astype(np.int64) + self.base, nulls=index < 0)


# --- The workforce ------------------------------------------------------------------


@dataclass
class _Workforce:
    team_count: int
    worst: np.ndarray  # per team
    weight: np.ndarray  # share of the work per team
    team_name: list[str]
    service: list[str]
    role: np.ndarray  # per professional
    team: np.ndarray  # per professional, -1 for none
    fte: np.ndarray
    agency: np.ndarray
    name: list[str]
    social_workers: np.ndarray  # professional ids sorted by team
    sw_first: np.ndarray  # per team, index into social_workers
    sw_count: np.ndarray
    chairs: np.ndarray
    supervisor: np.ndarray  # per professional, -1 for none
    months: np.ndarray  # first days of the months of the window
    vacant_sw: np.ndarray  # team x month
    vacant_atm: np.ndarray
    vacant_tm: np.ndarray


def _place_names(rng: np.random.Generator, count: int) -> list[str]:
    names = [
        f"{qualifier}{head}{tail}"
        for qualifier in PLACE_QUALIFIERS
        for head in PLACE_HEADS
        for tail in PLACE_TAILS
        if f"{head}{tail}" not in (*TEAM_PLACES, *REAL_COUNCILS)
    ]
    if count > len(names):
        names += [f"{name} {n}" for n in range(2, 2 + count // len(names) + 1) for name in names]
    order = rng.permutation(len(names))[:count]
    return [names[i] for i in order]


def _workforce(*, seed: int, scale: float, months: np.ndarray) -> _Workforce:
    rng = _rng(seed, "workforce")
    groups = max(1, round(scale))
    count = cal.TEAMS_PER_SCALE * groups
    position = np.arange(count) % cal.TEAMS_PER_SCALE
    worst = position == WORST_POSITION
    weight = rng.uniform(0.8, 1.2, count)
    weight /= weight.sum()
    extra = _place_names(rng, 2 * count)
    places = list(TEAM_PLACES) + extra[: count - len(TEAM_PLACES)]
    areas = extra[count:]
    team_name = [f"{place} Safeguarding Team" for place in places[:count]]
    service = [
        f"{LOCALITIES[i % 6]} Locality"
        if i < 6
        else f"{areas[i // 6]} {LOCALITIES[i % 6]} Locality"
        for i in range(count)
    ]

    # Vacancies per team and month: social workers drift around a team's level,
    # the worst team has both assistant team manager posts vacant throughout.
    n_months = len(months)
    level = np.where(worst, 2.2, rng.uniform(0.2, 1.4, count))
    drift = rng.normal(0, 0.5, (count, n_months)).cumsum(axis=1) * 0.25
    vacant_sw = np.clip(np.round(level[:, None] + drift), 0, 4) + 0.0  # no -0.0
    vacant_atm = np.zeros((count, n_months))
    vacant_atm[worst] = cal.ASSISTANT_TEAM_MANAGER_POSTS_PER_TEAM
    spells = (_random(rng, (count, n_months)) < 0.03) & ~worst[:, None]
    vacant_atm[spells] = 1
    vacant_tm = (_random(rng, (count, n_months)) < 0.02).astype(float)
    vacant_sw[:, -1] = np.clip(vacant_sw[:, -1], 0, cal.SOCIAL_WORKER_POSTS_PER_TEAM - 2)
    vacant_atm[~worst, -1] = 0
    vacant_tm[:, -1] = 0

    # The professionals now in post: the posts less the vacancies of the last month.
    n_sw = (cal.SOCIAL_WORKER_POSTS_PER_TEAM - vacant_sw[:, -1]).astype(np.int64)
    n_atm = (cal.ASSISTANT_TEAM_MANAGER_POSTS_PER_TEAM - vacant_atm[:, -1]).astype(np.int64)
    per_team = n_sw + n_atm + 1
    team_of, slot = _within(per_team)
    role = np.where(
        slot == 0,
        ROLE_TEAM_MANAGER,
        np.where(slot <= n_atm[team_of], ROLE_ATM, ROLE_SOCIAL_WORKER),
    )
    chairs = max(2, round(cal.CONFERENCE_CHAIRS_PER_SCALE * scale))
    role = np.concatenate([role, np.full(chairs, ROLE_CHAIR)])
    team = np.concatenate([team_of, np.full(chairs, -1)])
    total = len(role)
    agency_share = np.where(worst, cal.AGENCY_SHARE_WORST_TEAM, cal.AGENCY_SHARE)
    agency = (role == ROLE_SOCIAL_WORKER) & (
        _random(rng, total) < agency_share[np.maximum(team, 0)]
    )
    agency |= (role == ROLE_ATM) & (_random(rng, total) < 0.1)
    part_time = _random(rng, total) < cal.PART_TIME_SHARE
    fte = np.where(part_time, rng.choice([0.5, 0.6, 0.7, 0.8, 0.9], total), 1.0)
    first = rng.integers(0, len(FIRST_NAMES), total)
    last = rng.integers(0, len(SURNAMES), total)
    name = [f"{FIRST_NAMES[a]} {SURNAMES[b]}" for a, b in zip(first, last, strict=True)]

    ids = np.arange(total)
    sw = ids[role == ROLE_SOCIAL_WORKER]
    sw = sw[np.argsort(team[sw], kind="stable")]
    sw_count = np.bincount(team[sw], minlength=count)
    sw_first = np.cumsum(sw_count) - sw_count
    # Supervisors: social workers by an assistant team manager of their team (the team
    # manager where there is none); assistant team managers by the team manager.
    manager = np.full(count, -1)
    manager[team[role == ROLE_TEAM_MANAGER]] = ids[role == ROLE_TEAM_MANAGER]
    atm = ids[role == ROLE_ATM]
    atm = atm[np.argsort(team[atm], kind="stable")]
    atm_count = np.bincount(team[atm], minlength=count)
    atm_first = np.cumsum(atm_count) - atm_count
    supervisor = np.full(total, -1)
    is_sw = role == ROLE_SOCIAL_WORKER
    t = team[is_sw]
    has_atm = atm_count[t] > 0
    choice = atm_first[t] + rng.integers(0, np.maximum(atm_count[t], 1))
    supervisor[is_sw] = np.where(has_atm, atm[np.minimum(choice, max(len(atm) - 1, 0))], manager[t])
    supervisor[role == ROLE_ATM] = manager[team[role == ROLE_ATM]]
    return _Workforce(
        team_count=count,
        worst=worst,
        weight=weight,
        team_name=team_name,
        service=service,
        role=role,
        team=team,
        fte=fte,
        agency=agency,
        name=name,
        social_workers=sw,
        sw_first=sw_first,
        sw_count=sw_count,
        chairs=ids[role == ROLE_CHAIR],
        supervisor=supervisor,
        months=months,
        vacant_sw=vacant_sw,
        vacant_atm=vacant_atm,
        vacant_tm=vacant_tm,
    )


def _social_worker(rng, work: _Workforce, team: np.ndarray) -> np.ndarray:
    """A social worker of each given team, at random."""
    pick = rng.integers(0, 1 << 30, len(team)) % np.maximum(work.sw_count[team], 1)
    return work.social_workers[work.sw_first[team] + pick]


# --- Cases: enquiries, conferences and plans -------------------------------------


def _arrivals(
    rng: np.random.Generator,
    days: _Calendar,
    *,
    first: int,
    last: int,
    per_year: float,
    weekend_share: float,
) -> np.ndarray:
    """Days on which cases arrive: Poisson each day, seasonal, mostly on working days."""
    every = np.arange(first, last + 1)
    month = every.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    weight = np.asarray(cal.MONTH_FACTORS)[month]
    working = days.is_working(every)
    if weekend_share > 0:
        other = weekend_share / (1 - weekend_share) * working.sum() / max((~working).sum(), 1)
    else:
        other = 0.0
    weight = weight * np.where(working, 1.0, other)
    expected = per_year / 365.25 * weight / weight.mean()
    return np.repeat(every, rng.poisson(expected))


def _icpc_days(rng: np.random.Generator, within: np.ndarray) -> np.ndarray:
    """Working days from strategy discussion to ICPC, given each case's chance of 15 or fewer."""
    n = len(within)
    shares = np.asarray(cal.ICPC_DAYS_SHARES)
    early = shares[0] / (shares[0] + shares[1])
    late16 = shares[2] / (shares[2] + shares[3])
    in_time = _random(rng, n) < within
    band = np.where(
        in_time,
        np.where(_random(rng, n) < early, 0, 1),
        np.where(_random(rng, n) < late16, 2, 3),
    )
    # Within a band: most conferences late in the first two (quartiles 13 and 15, median
    # 14, as DfE's), fewer the longer the delay after that.
    weights = (
        (1, 1, 2, 3, 5, 8, 10, 12, 15, 20, 23),
        (6, 9, 18, 30, 37),
        (30, 25, 20, 15, 10),
    )
    result = np.empty(n, dtype=np.int64)
    for number, ((low, high), weight) in enumerate(zip(cal.ICPC_DAYS_BANDS, weights, strict=False)):
        mask = band == number
        result[mask] = np.minimum(low + _pick(rng, weight, int(mask.sum())), high)
    (low, high) = cal.ICPC_DAYS_BANDS[3]
    mask = band == 3
    result[mask] = np.minimum(low + rng.geometric(1 / 7, int(mask.sum())) - 1, high)
    return result


def _plan_months(rng: np.random.Generator, n: int) -> np.ndarray:
    """Plan durations in months, from the survival function fitted to DfE's figures."""
    points = np.asarray(cal.PLAN_SURVIVAL)
    u = _random(rng, n)
    tail_start, tail_share = points[-1]
    body = np.interp(u, points[::-1, 1], points[::-1, 0])
    tail = tail_start + cal.PLAN_DURATION_TAIL_MONTHS * np.log(tail_share / np.maximum(u, 1e-9))
    return np.minimum(np.where(u >= tail_share, body, tail), 72.0)


@dataclass
class _Cases:
    """One row per case (a family's enquiry or transfer-in), sorted by start."""

    start: np.ndarray  # strategy discussion, or notice of a transfer-in
    transfer: np.ndarray
    team: np.ndarray
    size: np.ndarray
    unborn: np.ndarray
    s47_end: np.ndarray
    s47_outcome: np.ndarray  # -1 open, S47_*, or 3 for a conference
    conf: np.ndarray  # ICPC or transfer-in conference
    plan: np.ndarray
    plan_end: np.ndarray
    end_reason: np.ndarray
    category: np.ndarray
    latest_category: np.ndarray
    lac_start: np.ndarray
    lac_end: np.ndarray
    cin_start: np.ndarray
    cin_end: np.ndarray
    case_end: np.ndarray
    referral: np.ndarray
    closure: np.ndarray
    closure_reason: np.ndarray
    family: np.ndarray
    previous_plans: np.ndarray  # -1 where not recorded
    chair: np.ndarray
    family_start: np.ndarray  # the start of the family's first case
    family_last: np.ndarray  # the last day of the family's work


@dataclass
class _Reviews:
    case: np.ndarray
    number: np.ndarray
    target: np.ndarray
    held: np.ndarray
    ends: np.ndarray
    missing: np.ndarray  # date_held left out


def _cases(
    *,
    seed: int,
    scale: float,
    first: int,
    opening: int,
    last: int,
    days: _Calendar,
    work: _Workforce,
) -> tuple[_Cases, _Reviews]:
    """Simulate from `first`; keep the cases still open on `opening` or starting after it."""
    rng = _rng(seed, "cases")
    population = cal.CHILD_POPULATION_PER_SCALE * scale
    sizes = np.asarray(FAMILY_SIZES)
    size_shares = np.asarray(FAMILY_SIZE_SHARES)
    mean_size = float((sizes * size_shares).sum() / size_shares.sum())
    children = cal.SECTION47_PER_10K * population / 10_000
    unborn_rate = children * UNBORN_SECTION47_SHARE
    born_rate = children * (1 - UNBORN_SECTION47_SHARE) / mean_size
    s47_start = _arrivals(
        rng,
        days,
        first=first,
        last=last,
        per_year=unborn_rate + born_rate,
        weekend_share=cal.WEEKEND_STRATEGY_SHARE,
    )
    transfer_rate = cal.PLANS_STARTING_PER_10K * population / 10_000 * cal.TRANSFER_IN_SHARE
    transfer_start = _arrivals(
        rng, days, first=first, last=last, per_year=transfer_rate / mean_size, weekend_share=0
    )
    start = np.concatenate([s47_start, transfer_start])
    transfer = np.concatenate([np.zeros(len(s47_start), bool), np.ones(len(transfer_start), bool)])
    order = np.argsort(start, kind="stable")
    start, transfer = start[order], transfer[order]
    n = len(start)

    team = _pick(rng, work.weight, n)
    unborn = ~transfer & (_random(rng, n) < unborn_rate / (unborn_rate + born_rate))
    size = np.where(unborn, 1, sizes[_pick(rng, size_shares, n)])

    # Section 47 enquiries: some go to an initial conference (one team is slow to).
    born_icpc = (cal.ICPC_PER_SECTION47 - UNBORN_SECTION47_SHARE * UNBORN_ICPC_PROBABILITY) / (
        1 - UNBORN_SECTION47_SHARE
    )
    icpc = ~transfer & (_random(rng, n) < np.where(unborn, UNBORN_ICPC_PROBABILITY, born_icpc))
    worst_weight = work.weight[work.worst].sum()
    good = (cal.ICPC_WITHIN_15_DAYS - worst_weight * cal.ICPC_WITHIN_15_DAYS_WORST_TEAM) / (
        1 - worst_weight
    )
    within = np.where(work.worst[team], cal.ICPC_WITHIN_15_DAYS_WORST_TEAM, good)
    k = _icpc_days(rng, within)
    conf = np.full(n, NO_DATE)
    conf[icpc] = days.add(start[icpc], k[icpc])
    notice = _uniform_int(rng, 5, 15, n)
    conf[transfer] = days.add(start[transfer], notice[transfer])
    s47_end = np.where(
        icpc,
        days.add(start, np.maximum(k - _uniform_int(rng, 0, 3, n), 0)),
        days.add(start, _uniform_int(rng, 5, 30, n)),
    )
    s47_end[transfer] = NO_DATE
    s47_outcome = np.where(icpc, 3, _pick(rng, S47_OUTCOME_SHARES, n))
    s47_outcome[(s47_end > last) | transfer] = -1

    # Plans: most initial conferences start one; every transfer-in does.
    per_icpc = cal.PLANS_PER_ICPC * (1 - cal.TRANSFER_IN_SHARE)
    plan = ((icpc & (_random(rng, n) < per_icpc)) | transfer) & (conf <= last)
    months = _plan_months(rng, n) * PLAN_DURATION_STRETCH
    planned_end = conf + np.maximum(np.round(months * DAYS_PER_MONTH), 14).astype(np.int64)
    end_reason = _pick(
        rng,
        (
            1 - cal.PLAN_END_LOOKED_AFTER_SHARE - cal.PLAN_END_MOVED_SHARE,
            cal.PLAN_END_LOOKED_AFTER_SHARE,
            cal.PLAN_END_MOVED_SHARE,
        ),
        n,
    )
    category = _pick(rng, [cal.CATEGORY_SHARES[c] for c in CATEGORIES], n)
    changed = _random(rng, n) < cal.CATEGORY_CHANGE_SHARE
    latest_category = np.where(
        changed, (category + rng.integers(1, len(CATEGORIES), n)) % len(CATEGORIES), category
    )

    # A handful of ICPCs recorded on a weekend (a CIN census error).
    error_weekend = plan & ~transfer & (conf <= last - 7)
    error_weekend &= _random(rng, n) < cal.ERROR_ICPC_ON_WEEKEND
    weekday = (conf + 3) % 7  # 0 is Monday
    conf = np.where(error_weekend, conf + (5 - weekday), conf)

    reviews, plan_end = _review_rounds(
        rng,
        days,
        conf=conf,
        planned_end=planned_end,
        plan=plan,
        end_reason=end_reason,
        last=last,
    )
    # And a handful of first reviews recorded on the day the plan started.
    first_review = reviews.number == 0
    wrong = first_review & (_random(rng, len(reviews.case)) < cal.ERROR_REVIEW_ON_START_DATE)
    wrong &= ~reviews.ends
    reviews.held[wrong] = conf[reviews.case[wrong]]

    # Looked after: at the end of a plan (the reason it ended), or for a while during one.
    ended = plan & (plan_end <= last)
    lac_start = np.full(n, NO_DATE)
    lac_end = np.full(n, NO_DATE)
    to_care = ended & (end_reason == END_LOOKED_AFTER)
    lac_start[to_care] = plan_end[to_care] - _uniform_int(rng, 0, 21, int(to_care.sum()))
    goes_home = to_care & (_random(rng, n) < 0.5)
    lac_end[goes_home] = lac_start[goes_home] + _uniform_int(rng, 30, 730, int(goes_home.sum()))
    during = plan & ~to_care & (_random(rng, n) < cal.LOOKED_AFTER_DURING_PLAN_SHARE)
    span = np.minimum(plan_end, last) - conf
    offset = _uniform_int(rng, 20, np.maximum(20, span // 2), n)
    lac_start[during] = conf[during] + offset[during]
    stay = _uniform_int(rng, 14, 150, n)
    lac_end[during] = np.minimum(lac_start[during] + stay[during], plan_end[during] - 1)
    lac_end[during] = np.maximum(lac_end[during], lac_start[during] + 1)
    lac_start[lac_start > last] = NO_DATE
    lac_end[(lac_start >= NO_DATE) | (lac_end > last)] = NO_DATE

    # Child-in-need plans: instead of a conference or plan, or as a step down after one.
    cin_start = np.full(n, NO_DATE)
    step = _uniform_int(rng, 90, 300, n)
    after_s47 = (s47_outcome == S47_CIN_PLAN) & ~icpc
    cin_start[after_s47] = s47_end[after_s47] + _uniform_int(rng, 0, 10, int(after_s47.sum()))
    no_plan = icpc & ~plan & (conf <= last) & (_random(rng, n) < CIN_PLAN_AFTER_NO_PLAN)
    cin_start[no_plan] = conf[no_plan]
    step_down = ended & (end_reason == END_RISK) & (_random(rng, n) < CIN_PLAN_AFTER_PLAN)
    cin_start[step_down] = plan_end[step_down]
    cin_start[cin_start > last] = NO_DATE
    cin_end = np.where(cin_start < NO_DATE, cin_start + step, NO_DATE)
    cin_end[cin_end > last] = NO_DATE

    # When each case's work ends (NO_DATE: still open at the end of the window).
    def until(values: np.ndarray, applies: np.ndarray) -> np.ndarray:
        return np.where(applies, np.where(values > last, NO_DATE, values), 0)

    other_work = np.where(s47_outcome == S47_OTHER, s47_end + _uniform_int(rng, 10, 60, n), 0)
    case_end = np.maximum.reduce(
        [
            until(s47_end, ~transfer),
            until(np.where(s47_end > last, NO_DATE, other_work), s47_outcome == S47_OTHER),
            until(conf, icpc | transfer),
            until(plan_end, plan),
            until(lac_end, lac_start < NO_DATE),
            until(cin_end, cin_start < NO_DATE),
        ]
    )
    case_end[(icpc | transfer) & (conf > last)] = NO_DATE

    # Repeats and families.
    # A plan for a newborn or an unborn baby is their first (whatever their siblings had).
    repeat_plan = plan & ~transfer & ~unborn & (_random(rng, n) < _repeat_share())
    repeat_other = ~plan & ~transfer & (_random(rng, n) < S47_REPEAT_SHARE)
    parent = _parents(
        rng,
        start=start,
        case_end=case_end,
        plan=plan,
        choosers_plan=repeat_plan,
        choosers_other=repeat_other,
    )
    external = np.where(repeat_plan & (parent < 0), 1 + _pick(rng, (0.8, 0.15, 0.05), n), 0)
    family, previous = _chains(parent=parent, plan=plan, external=external)
    in_data = plan & (previous > external[family])
    previous = np.where(in_data & (_random(rng, n) < cal.ERROR_PREVIOUS_PLANS_ZERO), 0, previous)
    previous = np.where(plan & (_random(rng, n) < cal.GAP_PREVIOUS_PLANS), -1, previous)
    size = size[family]
    unborn = unborn[family]  # the family's first case was about an unborn child

    # The CIN episode around each case: the referral before, the closure after.
    lag = np.where(_random(rng, n) < 0.35, 0, np.minimum(rng.geometric(1 / 6, n), 30))
    referral = np.where(transfer, start - _uniform_int(rng, 0, 5, n), start - lag)
    successor = np.full(n, -1)
    successor[parent[parent >= 0]] = np.flatnonzero(parent >= 0)
    closure = np.where(
        (cin_end < NO_DATE) & (cin_end >= case_end),
        cin_end + _uniform_int(rng, 0, 14, n),
        case_end + _uniform_int(rng, 0, 45, n),
    )
    closure = np.where(case_end >= NO_DATE, NO_DATE, closure)
    limit = np.where(successor >= 0, referral[np.maximum(successor, 0)] - 1, NO_DATE)
    closure = np.minimum(closure, limit)
    closure[closure > last] = NO_DATE
    closure_reason = np.full(n, 7)  # RC7 services ceased: no longer in need
    closure_reason[plan & (end_reason == END_MOVED)] = 5
    nfa = s47_outcome == S47_NFA
    closure_reason[nfa] = np.where(_random(rng, int(nfa.sum())) < 0.6, 8, 9)

    chair = rng.integers(0, len(work.chairs), n)
    # The last day of each family's work, for their children's dates of birth.
    activity = np.where(case_end >= NO_DATE, last, case_end)
    family_last = np.zeros(n, np.int64)
    np.maximum.at(family_last, family, activity)
    family_last = family_last[family]
    family_start = start[family]
    cases = _Cases(
        start=start,
        transfer=transfer,
        team=team,
        size=size,
        unborn=unborn,
        s47_end=s47_end,
        s47_outcome=s47_outcome,
        conf=conf,
        plan=plan,
        plan_end=plan_end,
        end_reason=end_reason,
        category=category,
        latest_category=latest_category,
        lac_start=lac_start,
        lac_end=lac_end,
        cin_start=cin_start,
        cin_end=cin_end,
        case_end=case_end,
        referral=referral,
        closure=closure,
        closure_reason=closure_reason,
        family=family,
        previous_plans=previous,
        chair=chair,
        family_start=family_start,
        family_last=family_last,
    )
    # Keep the cases with work on or after the opening day; the rest only counted as
    # previous plans.
    kept = np.flatnonzero(case_end >= opening)
    position = np.full(n, -1)
    position[kept] = np.arange(len(kept))
    cases = _Cases(**{name: getattr(cases, name)[kept] for name in _Cases.__dataclass_fields__})
    review_case = position[reviews.case]
    keep = review_case >= 0
    reviews = _Reviews(
        case=review_case[keep],
        number=reviews.number[keep],
        target=reviews.target[keep],
        held=reviews.held[keep],
        ends=reviews.ends[keep],
        missing=reviews.missing[keep],
    )
    return cases, reviews


def _repeat_share() -> float:
    """The share of plans drawn as repeats, so that the recorded share matches DfE's.

    Some repeats are recorded with previous_plans 0 (a deliberate error) or none.
    """
    lost = cal.ERROR_PREVIOUS_PLANS_ZERO + cal.GAP_PREVIOUS_PLANS
    eligible = 1 - cal.TRANSFER_IN_SHARE - cal.UNBORN_PLAN_START_SHARE
    return cal.SUBSEQUENT_PLAN_SHARE / (1 - lost) / eligible


def _review_rounds(
    rng: np.random.Generator,
    days: _Calendar,
    *,
    conf: np.ndarray,
    planned_end: np.ndarray,
    plan: np.ndarray,
    end_reason: np.ndarray,
    last: int,
) -> tuple[_Reviews, np.ndarray]:
    """Review conferences: 3 months after the ICPC, then every 6 months, until the plan ends.

    A plan ends at the review nearest its drawn end (within 3 weeks) or at an earlier
    review called for the purpose; a child who moves away leaves without a conference.
    """
    n = len(conf)
    plan_end = np.full(n, NO_DATE)
    cases = np.flatnonzero(plan)
    previous = conf[cases].copy()
    alive = np.ones(len(cases), bool)
    parts: list[tuple[np.ndarray, ...]] = []
    number = 0
    while alive.any():
        here = np.flatnonzero(alive)
        case = cases[here]
        target = _add_months(previous[here], 3 if number == 0 else 6)
        wanted = planned_end[case]
        early = wanted < target - 21
        ends = early | (wanted <= target + 21)
        moved = ends & (end_reason[case] == END_MOVED)
        late = _random(rng, len(here)) < cal.REVIEW_LATE_SHARE
        held = np.where(
            late,
            days.roll_forward(target + _uniform_int(rng, 1, 40, len(here))),
            days.roll_back(target - _uniform_int(rng, 0, 10, len(here))),
        )
        held = np.where(early, days.roll_back(wanted), held)
        held = days.roll_forward(np.maximum(held, previous[here] + 1))
        happens = held <= last
        meeting = happens & ~moved
        missing = meeting & ~ends & (_random(rng, len(here)) < cal.GAP_REVIEW_DATE_HELD)
        parts.append(
            (
                case[meeting],
                np.full(int(meeting.sum()), number),
                target[meeting],
                held[meeting],
                ends[meeting],
                missing[meeting],
            )
        )
        finished = ends & happens
        plan_end[case[finished]] = np.where(
            moved[finished],
            np.maximum(wanted[finished], previous[here][finished] + 1),
            held[finished],
        )
        previous[here] = held
        alive[here] = ~ends & happens
        number += 1
    columns = [np.concatenate(column) for column in zip(*parts, strict=True)] if parts else []
    if not columns:
        empty = np.zeros(0, np.int64)
        columns = [empty, empty, empty, empty, empty.astype(bool), empty.astype(bool)]
    reviews = _Reviews(*columns)
    plan_end[plan_end > last] = NO_DATE
    return reviews, plan_end


def _parents(
    rng: np.random.Generator,
    *,
    start: np.ndarray,
    case_end: np.ndarray,
    plan: np.ndarray,
    choosers_plan: np.ndarray,
    choosers_other: np.ndarray,
    gap: int = REPEAT_GAP_DAYS,
    lookback: int = REPEAT_LOOKBACK_DAYS,
) -> np.ndarray:
    """For repeat cases, an earlier case of the same family (-1 for none).

    A repeat plan follows an earlier plan; another repeat enquiry follows any earlier
    case. The parent ended at least REPEAT_GAP_DAYS before, lately rather than long
    ago; each case has at most one successor, so a family's cases never overlap.
    """
    n = len(start)
    parent = np.full(n, -1)
    for choosers, pool in ((choosers_plan, plan), (choosers_other, np.ones(n, bool))):
        candidates = np.flatnonzero(pool & (case_end < NO_DATE))
        candidates = candidates[np.argsort(case_end[candidates], kind="stable")]
        ends = case_end[candidates]
        who = np.flatnonzero(choosers)
        high = np.searchsorted(ends, start[who] - gap, side="right")
        low = np.searchsorted(ends, start[who] - lookback, side="left")
        some = high > low
        pick = low + np.floor((high - low) * np.sqrt(_random(rng, len(who)))).astype(np.int64)
        parent[who[some]] = candidates[np.minimum(pick[some], len(candidates) - 1)]
    # Each parent keeps its earliest successor; the others become new families.
    chose = np.flatnonzero(parent >= 0)
    _, first = np.unique(parent[chose], return_index=True)
    keep = np.zeros(n, bool)
    keep[chose[first]] = True
    parent[~keep] = -1
    return parent


def _chains(
    *, parent: np.ndarray, plan: np.ndarray, external: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The family (first case) of each case and the plans before it, by pointer jumping."""
    n = len(parent)
    has_parent = parent >= 0
    # total[i] is the sum of values from i up to (not including) up[i]; -1 is past the root.
    value = np.where(has_parent, plan[np.maximum(parent, 0)].astype(np.int64), external)
    total = value.copy()
    up = parent.copy()
    while (up >= 0).any():
        moving = up >= 0
        safe = np.maximum(up, 0)
        total = np.where(moving, total + total[safe], total)
        up = np.where(moving, up[safe], -1)
    root = np.where(has_parent, parent, np.arange(n))
    while True:
        higher = root[root]
        if (higher == root).all():
            break
        root = higher
    return root, total


# --- From cases to children and tables --------------------------------------------


def _frame(name: str, data: dict[str, "_Lazy | pl.Series | np.ndarray | list"]) -> pl.DataFrame:
    """A canonical frame: the table's columns in order, with its types; others null."""
    from cpqa.casework.schema import fact_table

    table = fact_table(name)
    height = len(next(iter(data.values())))
    columns, text = [], []
    for column in table.columns:
        value = data.get(column.name)
        if isinstance(value, _Lazy):
            columns.append(value.numbers(column.name))
            text.append(value.text(column.name))
        elif value is not None:
            columns.append(pl.Series(column.name, value).cast(column.dtype))
        else:
            columns.append(
                pl.repeat(None, height, dtype=column.dtype, eager=True).alias(column.name)
            )
    return pl.DataFrame(columns).with_columns(text)


def _age_days(rng: np.random.Generator, shares, n: int) -> np.ndarray:
    band = _pick(rng, shares, n)
    bands = np.asarray(AGE_BANDS, dtype=float)
    years = bands[band, 0] + _random(rng, n) * (bands[band, 1] - bands[band, 0])
    return np.floor(years * 365.25).astype(np.int64)


@dataclass
class _Slots:
    """Allocation slots of each case: who was the allocated social worker, and when."""

    case: np.ndarray
    start: np.ndarray
    end: np.ndarray  # NO_DATE: still allocated
    worker: np.ndarray  # -1: unallocated
    key: np.ndarray  # case << 32 | start, sorted

    def at(self, case: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The worker allocated to each (case, day), -1 for none."""
        if len(self.key) == 0:
            return np.full(len(case), -1)
        position = np.searchsorted(self.key, (case << 32) | day, side="right") - 1
        position = np.maximum(position, 0)
        inside = (self.case[position] == case) & (self.start[position] <= day)
        inside &= day <= self.end[position]
        return np.where(inside, self.worker[position], -1)


def _slots(
    rng: np.random.Generator,
    *,
    work: _Workforce,
    team: np.ndarray,
    begin: np.ndarray,
    finish: np.ndarray,
    plan_start: np.ndarray,
    plan_finish: np.ndarray,
    gap: np.ndarray,
    last: int,
) -> tuple[_Slots, np.ndarray, np.ndarray]:
    """Split each case's allocation into spells with different workers.

    A case with `gap` has a spell without a social worker during its plan (at the
    start of the plan, awaiting allocation, or later when a worker leaves). Returns
    the slots and, per case, the start and end of that spell.
    """
    n = len(begin)
    stop = np.minimum(finish, last)
    span = np.maximum(stop - begin, 0)
    gap_start = np.where(
        _random(rng, n) < 0.6,
        plan_start,
        plan_start
        + _uniform_int(
            rng, 30, np.maximum(30, (np.minimum(plan_finish, last) - plan_start) * 7 // 10), n
        ),
    )
    gap = gap & (gap_start <= stop) & (gap_start < plan_finish) & (gap_start > begin)
    gap_end = gap_start + _uniform_int(rng, 7, 120, n)  # first day allocated again
    extra = rng.poisson(span / 300)
    extra_case, _ = _within(extra)
    extra_day = (
        begin[extra_case]
        + 1
        + np.floor(_random(rng, len(extra_case)) * np.maximum(span[extra_case] - 1, 1)).astype(
            np.int64
        )
    )
    inside_gap = gap[extra_case] & (extra_day >= gap_start[extra_case])
    inside_gap &= extra_day <= gap_end[extra_case]
    extra_case, extra_day = extra_case[~inside_gap], extra_day[~inside_gap]
    at_plan = (plan_start > begin) & (plan_start <= stop)
    gap_back = gap & (gap_end < finish) & (gap_end <= last)
    everyone = np.arange(n)
    case = np.concatenate(
        [everyone, everyone[at_plan], extra_case, everyone[gap], everyone[gap_back]]
    )
    day = np.concatenate([begin, plan_start[at_plan], extra_day, gap_start[gap], gap_end[gap_back]])
    kind = np.concatenate(
        [
            np.zeros(n + int(at_plan.sum()) + len(extra_case), np.int64),
            np.ones(int(gap.sum()), np.int64),
            np.zeros(int(gap_back.sum()), np.int64),
        ]
    )
    order = np.lexsort((-kind, day, case))
    case, day, kind = case[order], day[order], kind[order]
    first = np.ones(len(case), bool)
    first[1:] = (case[1:] != case[:-1]) | (day[1:] != day[:-1])
    case, day, kind = case[first], day[first], kind[first]
    following = np.ones(len(case), bool)
    following[:-1] = case[1:] != case[:-1]
    end = np.where(following, finish[case], np.append(day[1:], 0) - 1)
    end = np.where(end > last, NO_DATE, end)
    # A new worker each spell: step round the team's social workers.
    within = _index_within(case)
    count = np.maximum(work.sw_count[team[case]], 1)
    steps = np.where(
        within == 0,
        rng.integers(0, 1 << 20, len(case)),
        1 + rng.integers(0, 1 << 20, len(case)) % np.maximum(count - 1, 1),
    )
    offset = _group_cumsum(steps, case, within) % count
    worker = work.social_workers[work.sw_first[team[case]] + offset]
    worker = np.where(kind == 1, -1, worker)
    slots = _Slots(case=case, start=day, end=end, worker=worker, key=(case << 32) | day)
    gap_to = np.where(gap_back, gap_end - 1, finish)
    gap_to = np.where(gap_to > last, NO_DATE, gap_to)
    return slots, np.where(gap, gap_start, NO_DATE), gap_to


def _factors(rng: np.random.Generator, n: int) -> pl.Series:
    """One to three distinct assessment factors, comma-separated.

    Drawn from a fixed list of combinations (quicker than joining strings per row).
    """
    size = len(FACTORS)
    combinations = 400
    first = _pick(rng, FACTOR_WEIGHTS, combinations)
    a = rng.integers(1, size - 1, combinations)
    b = a + 1 + rng.integers(0, 1 << 20, combinations) % (size - 1 - a)
    count = _pick(rng, (0.35, 0.4, 0.25), combinations) + 1
    names = [
        ",".join([FACTORS[f], FACTORS[(f + x) % size], FACTORS[(f + y) % size]][:k])
        for f, x, y, k in zip(first, a, b, count, strict=True)
    ]
    return _codes(tuple(names), rng.integers(0, combinations, n))


def default_end(today: date | None = None) -> date:
    """The last day of the month before `today` (the generator's default end)."""
    today = today or date.today()
    return today.replace(day=1) - timedelta(days=1)


def authority_generate(
    *,
    seed: int,
    scale: float = 1.0,
    end: date | None = None,
    years: int = 3,
    region: str = "england",
) -> dict[str, pl.DataFrame]:
    """A fictional authority's casework over `years` full years ending at `end`.

    Returns a canonical frame for every fact table. `scale` 1 is an authority of
    60,000 children; about 200 is all of England. `end` defaults to the last day of
    the previous month.
    """
    if scale <= 0:
        raise ValueError("scale must be more than 0")
    if years < 1:
        raise ValueError("years must be 1 or more")
    if region not in ("england", "wales"):
        raise ValueError(f"region must be 'england' or 'wales', not {region!r}")
    if end is None:
        end = default_end()
    window = add_years(end + timedelta(days=1), -years)
    last, opening = _day(end), _day(window)
    first = _day(add_years(window, -BURN_IN_YEARS))
    days = _Calendar(first=first - 400, last=last + 400, region=region)
    months = (
        np.arange(np.datetime64(window, "M"), np.datetime64(end, "M") + 1)
        .astype("datetime64[D]")
        .astype(np.int64)
    )
    work = _workforce(seed=seed, scale=scale, months=months)
    cases, reviews = _cases(
        seed=seed, scale=scale, first=first, opening=opening, last=last, days=days, work=work
    )
    return _tables(
        seed=seed,
        scale=scale,
        opening=opening,
        last=last,
        days=days,
        work=work,
        cases=cases,
        reviews=reviews,
    )


def _tables(
    *,
    seed: int,
    scale: float,
    opening: int,
    last: int,
    days: _Calendar,
    work: _Workforce,
    cases: _Cases,
    reviews: _Reviews,
) -> dict[str, pl.DataFrame]:
    """Expand the cases to their children and make every table's frame."""
    rng = _rng(seed, "tables")
    c = cases

    # Families: the children, their births and who they are. A family's children are
    # numbered together, families in the order they first appear.
    roots, first_seen = np.unique(c.family, return_index=True)
    chronological = np.argsort(first_seen, kind="stable")
    first_case = first_seen[chronological]
    rank = np.empty(len(roots), np.int64)
    rank[chronological] = np.arange(len(roots))
    family_index = rank[np.searchsorted(roots, c.family)]
    del roots, first_seen, chronological, rank
    family_size = c.size[first_case]
    child_base = np.cumsum(family_size) - family_size
    child_family, _ = _within(family_size)
    n_case_children = len(child_family)
    root_start = c.family_start[first_case][child_family]
    unborn = c.unborn[first_case][child_family]
    dob = root_start - _age_days(rng, AGE_SHARES, n_case_children)
    dob = np.maximum(dob, c.family_last[first_case][child_family] - ADULT_DAYS + 30)
    dob = np.minimum(dob, root_start)
    expected = np.where(unborn, root_start + _uniform_int(rng, 70, 150, n_case_children), NO_DATE)
    born = expected + np.round(rng.normal(0, 7, n_case_children)).astype(np.int64)
    dob = np.where(unborn, born, dob)
    dob[dob > last] = NO_DATE
    ethnicity = _pick(rng, ETHNICITY_SHARES, len(first_case))[child_family]
    del root_start, unborn, born, child_family

    start, transfer, team, size = c.start, c.transfer, c.team, c.size
    conf, plan, plan_end = c.conf, c.plan, c.plan_end
    s47_end, s47_outcome = c.s47_end, c.s47_outcome
    referral, closure = c.referral, c.closure
    n_cases = len(start)
    case_first_row = np.cumsum(size) - size
    row_case, row_k = _within(size)
    row_child = child_base[family_index[row_case]] + row_k
    n_rows = len(row_case)

    # Allocations: spells of social workers, and time without one.
    looked_after_end = plan & (c.end_reason == END_LOOKED_AFTER) & (plan_end < NO_DATE)
    begin = np.where(transfer, referral, start)
    finish = np.where(looked_after_end, plan_end, closure)
    plan_start = np.where(plan, conf, NO_DATE)
    plan_finish = np.where(plan, plan_end, NO_DATE)
    gap_share = np.where(work.worst[team], UNALLOCATED_SHARE_WORST_TEAM, UNALLOCATED_SHARE)
    gap = plan & (conf <= last) & (_random(rng, n_cases) < gap_share)
    slots, gap_from, gap_to = _slots(
        rng,
        work=work,
        team=team,
        begin=begin,
        finish=finish,
        plan_start=plan_start,
        plan_finish=plan_finish,
        gap=gap,
        last=last,
    )
    case_worker = slots.at(np.arange(n_cases), begin)

    cin = _cin_only(seed=seed, scale=scale, opening=opening, last=last, days=days, work=work)
    n_cin = len(cin["referral"])
    n_cin_children = len(cin["dob"])
    cin_child = n_case_children + cin["child"]

    # Refs of every table.
    team_refs = _Refs("team", work.team_count)
    professional_refs = _Refs("professional", len(work.role))
    child_refs = _Refs("child", n_case_children + n_cin_children)
    episode_refs = _Refs("cin_episode", n_rows + n_cin)
    row_is_s47 = ~transfer[row_case]
    s47_id = np.cumsum(row_is_s47) - 1
    s47_refs = _Refs("section47", int(row_is_s47.sum()))
    row_plan = plan[row_case]
    plan_id = np.cumsum(row_plan) - 1
    plan_refs = _Refs("protection_plan", int(row_plan.sum()))

    frames: dict[str, pl.DataFrame] = {}
    # The tables with the most rows (and the most working memory) first.
    frames["visit"] = _visits(
        rng,
        days=days,
        last=last,
        plan=plan,
        conf=conf,
        plan_end=plan_end,
        size=size,
        case_first_row=case_first_row,
        plan_id=plan_id,
        row_child=row_child,
        dob=dob,
        slots=slots,
        refs=(plan_refs, child_refs, professional_refs),
    )

    # Involvements: each allocated spell for each child of the case. (A CIN-only
    # referral's worker is on its episode.)
    allocated = np.flatnonzero(slots.worker >= 0)
    slot_group, slot_k = _within(size[slots.case[allocated]])
    slot = allocated[slot_group]
    slot_rows = case_first_row[slots.case[slot]] + slot_k
    frames["involvement"] = _frame(
        "involvement",
        {
            "ref": _Refs("involvement", len(slot)).series,
            "child": child_refs.of(row_child[slot_rows]),
            "professional": professional_refs.of(slots.worker[slot]),
            "team": team_refs.of(team[slots.case[slot]]),
            "role": pl.repeat("Allocated social worker", len(slot), eager=True),
            "start_date": _dates(slots.start[slot]),
            "end_date": _dates(slots.end[slot]),
        },
    )
    del slots, allocated, slot_group, slot_k, slot, slot_rows

    # Conferences: initial, transfer-in, then reviews; numbered in date order.
    initial_rows = np.flatnonzero(
        (s47_outcome[row_case] == 3) & (conf[row_case] <= last) & row_is_s47
    )
    transfer_rows = np.flatnonzero(transfer[row_case] & (conf[row_case] <= last))
    review_group, review_k = _within(size[reviews.case])
    review_rows = case_first_row[reviews.case][review_group] + review_k
    review_of = review_group
    rows = np.concatenate([initial_rows, transfer_rows, review_rows])
    kind = np.concatenate(
        [
            np.zeros(len(initial_rows), np.int64),
            np.full(len(transfer_rows), 2),
            np.ones(len(review_rows), np.int64),
        ]
    )
    held = np.concatenate(
        [conf[row_case[initial_rows]], conf[row_case[transfer_rows]], reviews.held[review_of]]
    )
    target = np.concatenate(
        [
            days.add(start[row_case[initial_rows]], 15),
            days.add(start[row_case[transfer_rows]], 15),
            reviews.target[review_of],
        ]
    )
    held_missing = np.concatenate(
        [np.zeros(len(initial_rows) + len(transfer_rows), bool), reviews.missing[review_of]]
    )
    review_ends = np.concatenate(
        [np.zeros(len(initial_rows) + len(transfer_rows), bool), reviews.ends[review_of]]
    )
    order = np.lexsort((kind, rows, held))
    rows, kind, held, target = rows[order], kind[order], held[order], target[order]
    held_missing, review_ends = held_missing[order], review_ends[order]
    frames["conference"], frames["conference_attendance"] = _conferences(
        rng,
        days=days,
        work=work,
        last=last,
        rows=rows,
        kind=kind,
        held=held,
        target=target,
        held_missing=held_missing,
        review_ends=review_ends,
        row_case=row_case,
        row_child=row_child,
        dob=dob,
        plan=plan,
        row_plan=row_plan,
        plan_id=plan_id,
        s47_id=s47_id,
        team=team,
        chair=c.chair,
        refs=(child_refs, s47_refs, episode_refs, plan_refs, team_refs, professional_refs),
    )

    frames["core_group_meeting"] = _core_groups(
        rng,
        days=days,
        last=last,
        plan=plan,
        conf=conf,
        plan_end=plan_end,
        size=size,
        case_first_row=case_first_row,
        plan_id=plan_id,
        plan_refs=plan_refs,
    )

    frames["team"] = _frame(
        "team",
        {
            "ref": team_refs.series,
            "name": work.team_name,
            "service": work.service,
        },
    )
    frames["professional"] = _frame(
        "professional",
        {
            "ref": professional_refs.series,
            "name": work.name,
            "role": _codes(ROLE_NAMES, work.role),
            "team": team_refs.of(work.team),
            "fte": work.fte,
            "agency": work.agency,
        },
    )

    # Children: those of the cases, then those of CIN-only referrals.
    all_dob = np.concatenate([dob, cin["dob"]])
    all_expected = np.concatenate([expected, np.full(n_cin_children, NO_DATE)])
    not_born = all_dob >= NO_DATE
    sex = np.where(_random(rng, len(all_dob)) < 0.5, 0, 1)
    sex = np.where(not_born & (_random(rng, len(all_dob)) < 0.7), 2, sex)
    all_ethnicity = np.concatenate([ethnicity, _pick(rng, ETHNICITY_SHARES, n_cin_children)])
    all_ethnicity = np.where(
        not_born & (_random(rng, len(all_dob)) < 0.4), ETHNICITIES.index("NOBT"), all_ethnicity
    )
    disability = _pick(rng, DISABILITY_SHARES, len(all_dob))
    disability = np.where(not_born, 1, disability)
    frames["child"] = _frame(
        "child",
        {
            "ref": child_refs.series,
            "date_of_birth": _dates(all_dob),
            "expected_date_of_birth": _dates(all_expected),
            "sex": _codes(("M", "F", "U"), sex),
            "ethnicity": _codes(ETHNICITIES, all_ethnicity),
            "disabilities": _codes(DISABILITIES, disability),
        },
    )

    # CIN episodes: one per child per case, then the CIN-only referrals.
    source = _pick(rng, REFERRAL_SOURCE_SHARES, n_cases)
    source = np.where(transfer, REFERRAL_SOURCES.index("5C"), source)
    need = _pick(rng, PRIMARY_NEED_SHARES_S47, n_cases)
    reason = c.closure_reason
    frames["cin_episode"] = _frame(
        "cin_episode",
        {
            "ref": episode_refs.series,
            "child": child_refs.of(np.concatenate([row_child, cin_child])),
            "referral_date": _dates(np.concatenate([referral[row_case], cin["referral"]])),
            "referral_source": _codes(
                REFERRAL_SOURCES, np.concatenate([source[row_case], cin["source"]])
            ),
            "primary_need": _codes(PRIMARY_NEEDS, np.concatenate([need[row_case], cin["need"]])),
            "referral_nfa": np.concatenate([np.zeros(n_rows, bool), cin["nfa"]]),
            "closure_date": _dates(np.concatenate([closure[row_case], cin["closure"]])),
            "closure_reason": _codes(
                tuple(f"RC{i}" for i in range(10)),
                np.concatenate(
                    [
                        np.where(closure[row_case] < NO_DATE, reason[row_case], -1),
                        np.where(cin["closure"] < NO_DATE, cin["reason"], -1),
                    ]
                ),
            ),
            "team": team_refs.of(np.concatenate([team[row_case], cin["team"]])),
            "worker": professional_refs.of(np.concatenate([case_worker[row_case], cin["worker"]])),
        },
    )

    # Assessments: for each enquiry's episode (siblings together), then CIN-only ones.
    assess_start = np.minimum(
        referral + _uniform_int(rng, 0, 2, n_cases), np.maximum(start, referral)
    )
    assess_days = np.where(
        _random(rng, n_cases) < cal.ASSESSMENTS_WITHIN_45_DAYS,
        _uniform_int(rng, 10, 45, n_cases),
        _uniform_int(rng, 46, 80, n_cases),
    )
    assess_end = days.add(assess_start, assess_days)
    assess_end[assess_end > last] = NO_DATE
    with_assessment = np.flatnonzero(row_is_s47)
    cin_assessed = np.flatnonzero(cin["assessment_start"] < NO_DATE)
    frames["assessment"] = _frame(
        "assessment",
        {
            "ref": _Refs("assessment", len(with_assessment) + len(cin_assessed)).series,
            "episode": episode_refs.of(np.concatenate([with_assessment, n_rows + cin_assessed])),
            "child": child_refs.of(
                np.concatenate([row_child[with_assessment], cin_child[cin_assessed]])
            ),
            "start_date": _dates(
                np.concatenate(
                    [assess_start[row_case[with_assessment]], cin["assessment_start"][cin_assessed]]
                )
            ),
            "authorisation_date": _dates(
                np.concatenate(
                    [assess_end[row_case[with_assessment]], cin["assessment_end"][cin_assessed]]
                )
            ),
            "factors": _factors(rng, len(with_assessment) + len(cin_assessed)),
        },
    )

    cin_start, cin_end = c.cin_start, c.cin_end
    with_cin_plan = np.flatnonzero(cin_start[row_case] < NO_DATE)
    cin_planned = np.flatnonzero(cin["plan_start"] < NO_DATE)
    frames["cin_plan"] = _frame(
        "cin_plan",
        {
            "ref": _Refs("cin_plan", len(with_cin_plan) + len(cin_planned)).series,
            "episode": episode_refs.of(np.concatenate([with_cin_plan, n_rows + cin_planned])),
            "child": child_refs.of(
                np.concatenate([row_child[with_cin_plan], cin_child[cin_planned]])
            ),
            "start_date": _dates(
                np.concatenate([cin_start[row_case[with_cin_plan]], cin["plan_start"][cin_planned]])
            ),
            "end_date": _dates(
                np.concatenate([cin_end[row_case[with_cin_plan]], cin["plan_end"][cin_planned]])
            ),
        },
    )

    del cin, cin_child

    # Section 47 enquiries.
    s47_rows = np.flatnonzero(row_is_s47)
    sc = row_case[s47_rows]
    outcome = s47_outcome[sc]
    ended = s47_end[sc] <= last
    frames["section47"] = _frame(
        "section47",
        {
            "ref": s47_refs.series,
            "child": child_refs.of(row_child[s47_rows]),
            "episode": episode_refs.of(s47_rows),
            "start_date": _dates(start[sc]),
            "end_date": _dates(np.where(ended, s47_end[sc], NO_DATE)),
            "outcome": _codes(("nfa", "cin_plan", "other", "icpc"), outcome),
            "icpc_target_date": _dates(days.add(start[sc], 15)),
            "icpc_not_required": _bools(outcome != 3, missing=outcome < 0),
            "team": team_refs.of(team[sc]),
            "worker": professional_refs.of(case_worker[sc]),
        },
    )

    # Child protection plans.
    plan_rows = np.flatnonzero(row_plan)
    pc = row_case[plan_rows]
    previous = c.previous_plans[pc]
    plan_ended = plan_end[pc] < NO_DATE
    frames["protection_plan"] = _frame(
        "protection_plan",
        {
            "ref": plan_refs.series,
            "child": child_refs.of(row_child[plan_rows]),
            "episode": episode_refs.of(plan_rows),
            "start_date": _dates(conf[pc]),
            "end_date": _dates(plan_end[pc]),
            "initial_category": _codes(CATEGORIES, c.category[pc]),
            "latest_category": _codes(CATEGORIES, c.latest_category[pc]),
            "previous_plans": _ints(previous, missing=previous < 0),
            "end_reason": _codes(END_REASON_CODES, np.where(plan_ended, c.end_reason[pc], -1)),
            "team": team_refs.of(team[pc]),
        },
    )

    lac_start, lac_end = c.lac_start, c.lac_end
    lac_rows = np.flatnonzero(lac_start[row_case] < NO_DATE)
    frames["looked_after_episode"] = _frame(
        "looked_after_episode",
        {
            "ref": _Refs("looked_after_episode", len(lac_rows)).series,
            "child": child_refs.of(row_child[lac_rows]),
            "start_date": _dates(lac_start[row_case[lac_rows]]),
            "end_date": _dates(lac_end[row_case[lac_rows]]),
        },
    )

    gap_rows = np.flatnonzero(gap_from[row_case] < NO_DATE)
    gc = row_case[gap_rows]
    risk = _pick(rng, RISK_SHARES, n_cases)[gc]
    review_after = np.asarray([REVIEW_DAYS[name] for name in RISKS])[risk]
    frames["unallocated_episode"] = _frame(
        "unallocated_episode",
        {
            "ref": _Refs("unallocated_episode", len(gap_rows)).series,
            "child": child_refs.of(row_child[gap_rows]),
            "team": team_refs.of(team[gc]),
            "from_date": _dates(gap_from[gc]),
            "to_date": _dates(gap_to[gc]),
            "risk": _codes(RISKS, risk),
            "others_involved": _random(rng, n_cases)[gc] < 0.85,
            "decision": _codes(tuple(UNALLOCATED_DECISIONS[name] for name in RISKS), risk),
            "decision_review_date": _dates(days.roll_forward(gap_from[gc] + review_after)),
        },
    )

    frames["staffing_snapshot"] = _staffing(rng, work=work, refs=team_refs)
    frames["supervision_record"] = _supervision(
        seed=seed, work=work, days=days, opening=opening, last=last, refs=professional_refs
    )
    from cpqa.casework.schema import fact_tables

    return {table.name: frames[table.name] for table in fact_tables()}


def _conferences(
    rng: np.random.Generator,
    *,
    days: _Calendar,
    work: _Workforce,
    last: int,
    rows: np.ndarray,
    kind: np.ndarray,
    held: np.ndarray,
    target: np.ndarray,
    held_missing: np.ndarray,
    review_ends: np.ndarray,
    row_case: np.ndarray,
    row_child: np.ndarray,
    dob: np.ndarray,
    plan: np.ndarray,
    row_plan: np.ndarray,
    plan_id: np.ndarray,
    s47_id: np.ndarray,
    team: np.ndarray,
    chair: np.ndarray,
    refs: tuple[_Refs, ...],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Conferences (kind 0 initial, 1 review, 2 transfer-in) and who attended them."""
    child_refs, s47_refs, episode_refs, plan_refs, team_refs, professional_refs = refs
    n = len(rows)
    case = row_case[rows]
    birth = dob[row_child[rows]]
    unborn = (birth >= NO_DATE) | (held < birth)
    age = np.where(unborn, -1.0, (held - np.where(unborn, 0, birth)) / 365.25)
    outcome = np.where(
        kind == 0,
        np.where(plan[case], 0, 3),
        np.where(kind == 2, 0, np.where(review_ends, 2, 1)),
    )
    chosen = np.where(
        (kind == 1) & (_random(rng, n) < 0.3), rng.integers(0, len(work.chairs), n), chair[case]
    )
    participation = np.where(age < 4, -1, _pick(rng, PARTICIPATION_SHARES, n))
    participation_code = _codes(("PN0", *PARTICIPATION_CODES), participation + 1)
    parents = _random(rng, n) < 0.85
    parents_participated = np.where(parents, _random(rng, n) < 0.95, _random(rng, n) < 0.15)
    decision = np.where(
        _random(rng, n) < cal.DECISION_NEXT_DAY,
        days.add(held, 1),
        days.add(held, _uniform_int(rng, 2, 6, n)),
    )
    decision[(decision > last) | (_random(rng, n) < cal.GAP_DECISION_PUBLISHED)] = NO_DATE
    minutes = np.where(
        _random(rng, n) < cal.MINUTES_IN_TIME,
        days.add(held, _uniform_int(rng, 3, 15, n)),
        days.add(held, _uniform_int(rng, 16, 35, n)),
    )
    minutes[(minutes > last) | (_random(rng, n) < cal.GAP_MINUTES_PUBLISHED)] = NO_DATE

    # Attendance: which agencies each conference invited (by kind and the child's age),
    # found all at once as a conference x agency matrix, then who came.
    table = np.asarray([row[1:] for row in AGENCIES], dtype=np.float32)
    initial_p, review_p, age_from, age_to, attends, report, on_time = table.T
    invited = (age[:, None] >= age_from) & (age[:, None] < age_to)
    chance = np.where((kind == 1)[:, None], review_p, initial_p)
    invited &= _random(rng, invited.shape) < chance
    which, agency = np.nonzero(invited)
    del invited, chance
    m = len(which)
    attended = _random(rng, m) < attends[agency]
    submitted = _random(rng, m) < report[agency]
    timely = submitted & (_random(rng, m) < on_time[agency])
    absent = np.flatnonzero(~attended)
    reason = np.full(m, -1, dtype=np.int8)
    reason[absent] = _pick(rng, (3, 2, 1, 1, 1, 1, 1), len(absent))
    reason[absent[_random(rng, len(absent)) < cal.GAP_NON_ATTENDANCE_REASON]] = -1
    social_care = agency == 0
    social_care_attended = np.zeros(n, bool)
    social_care_attended[which[social_care & attended]] = True
    others_attended = np.bincount(which[~social_care & attended], minlength=n)
    quorate = social_care_attended & (others_attended >= 2)

    conference_refs = _Refs("conference", n)
    conference = _frame(
        "conference",
        {
            "ref": conference_refs.series,
            "child": child_refs.of(row_child[rows]),
            "kind": _codes(("initial", "review", "transfer_in"), kind),
            "section47": s47_refs.of(np.where(kind == 0, s47_id[rows], -1)),
            "episode": episode_refs.of(rows),
            "plan": plan_refs.of(np.where(row_plan[rows], plan_id[rows], -1)),
            "target_date": _dates(target),
            "date_held": _dates(held, missing=held_missing),
            "chair": professional_refs.of(work.chairs[chosen]),
            "team": team_refs.of(team[case]),
            "quorate": quorate,
            "outcome": _codes(("plan_started", "plan_continued", "plan_ended", "no_plan"), outcome),
            "participation": participation_code,
            "parents_attended": parents,
            "parents_participated": parents_participated,
            "decision_published": _dates(decision),
            "minutes_published": _dates(minutes),
        },
    )
    attendance = _frame(
        "conference_attendance",
        {
            "ref": _Refs("conference_attendance", len(which)).series,
            "conference": conference_refs.of(which),
            "agency": _codes(tuple(row[0] for row in AGENCIES), agency),
            "invited": np.ones(len(which), bool),
            "attended": attended,
            "report_submitted": submitted,
            "report_on_time": _bools(timely, missing=~submitted),
            "non_attendance_reason": _codes(NON_ATTENDANCE_REASONS, reason),
        },
    )
    return conference, attendance


def _plan_cases(plan, conf, plan_end, last) -> tuple[np.ndarray, np.ndarray]:
    cases = np.flatnonzero(plan & (conf <= last))
    return cases, np.minimum(plan_end[cases], last)


def _core_groups(
    rng: np.random.Generator,
    *,
    days: _Calendar,
    last: int,
    plan: np.ndarray,
    conf: np.ndarray,
    plan_end: np.ndarray,
    size: np.ndarray,
    case_first_row: np.ndarray,
    plan_id: np.ndarray,
    plan_refs: _Refs,
) -> pl.DataFrame:
    """The first core group within 10 working days of the ICPC (mostly), then about monthly."""
    cases, stop = _plan_cases(plan, conf, plan_end, last)
    count = (stop - conf[cases]) // 25 + 2
    group, index = _within(count)
    m = len(group)
    first_days = np.where(
        _random(rng, len(cases)) < cal.CORE_GROUP_FIRST_IN_TIME,
        _uniform_int(rng, 3, 10, len(cases)),
        _uniform_int(rng, 11, 25, len(cases)),
    )
    first = days.add(conf[cases], first_days)
    after = _group_cumsum(np.where(index == 0, 0, _uniform_int(rng, 25, 45, m)), group, index)
    day = np.where(index == 0, first[group], days.roll_forward(first[group] + after))
    keep = (day <= stop[group]) & (day < plan_end[cases][group])
    group, day = group[keep], day[keep]
    child_group, child_k = _within(size[cases[group]])
    rows = case_first_row[cases[group[child_group]]] + child_k
    return _frame(
        "core_group_meeting",
        {
            "ref": _Refs("core_group_meeting", len(rows)).series,
            "plan": plan_refs.of(plan_id[rows]),
            "date": _dates(day[child_group]),
        },
    )


def _visits(
    rng: np.random.Generator,
    *,
    days: _Calendar,
    last: int,
    plan: np.ndarray,
    conf: np.ndarray,
    plan_end: np.ndarray,
    size: np.ndarray,
    case_first_row: np.ndarray,
    plan_id: np.ndarray,
    row_child: np.ndarray,
    dob: np.ndarray,
    slots: _Slots,
    refs: tuple[_Refs, ...],
) -> pl.DataFrame:
    """Statutory visits about every 10 working days while the plan lasts; some late."""
    plan_refs, child_refs, professional_refs = refs
    cases, stop = _plan_cases(plan, conf, plan_end, last)
    # Work in working-day ranks: the k-th working day after the start is rank + k.
    first_rank = days.rank_of(conf[cases])
    # Enough visits to cover the plan (gaps average over 9 working days), then trimmed.
    count = (days.rank_of(stop) - first_rank) // 8 + 4
    group, index = _within(count)
    m = len(group)
    u = _random(rng, m)
    on_time, late = np.float32(cal.VISIT_IN_TIME), np.float32(0.95)
    gap = np.where(
        u < on_time,
        7 + u * (4 / on_time),
        np.where(u < late, 11 + (u - on_time) * (5 / (late - on_time)), 16 + (u - late) * 200),
    ).astype(np.int32)
    first = index == 0
    gap[first] = 1 + (u[first] * 5).astype(np.int32)
    del u, first
    rank = _group_cumsum(gap, group, index)
    rank += first_rank[group]
    day = days.of_rank(rank).astype(np.int32)
    del gap, index, rank
    keep = day <= stop[group]
    group, day = group[keep], day[keep]
    del keep
    worker = slots.at(cases[group], day)
    child_group, child_k = _within(size[cases[group]])
    rows = case_first_row[cases[group[child_group]]] + child_k
    del group, child_k
    day, worker = day[child_group].astype(np.int32), worker[child_group]
    del child_group
    n = len(rows)
    birth = dob[row_child[rows]]
    unborn = (birth >= NO_DATE) | (day < birth)
    age = (day - np.where(unborn, day, birth)).astype(np.float32) / np.float32(365.25)
    seen = _random(rng, n) < 0.94
    alone_chance = np.where(age >= 5, 0.8, np.where(age >= 2, 0.1, 0.0)).astype(np.float32)
    alone = seen & (_random(rng, n) < alone_chance)
    bedroom = seen & (_random(rng, n) < 0.85)
    del birth, age, alone_chance
    return _frame(
        "visit",
        {
            "ref": _Refs("visit", n).series,
            "plan": plan_refs.of(plan_id[rows]),
            "child": child_refs.of(row_child[rows]),
            "date": _dates(day, missing=_random(rng, n) < cal.GAP_VISIT_DATE),
            "seen": _bools(seen, missing=unborn),
            "seen_alone": _bools(alone, missing=unborn),
            "bedroom_seen": _bools(bedroom, missing=unborn),
            "professional": professional_refs.of(worker),
        },
    )


def _cin_only(
    *, seed: int, scale: float, opening: int, last: int, days: _Calendar, work: _Workforce
) -> dict[str, np.ndarray]:
    """Referrals that lead to no section 47 enquiry, each about a child new to the data.

    Returns arrays per episode, with `child` numbering the children from 0 and `dob`
    per child. (Re-referrals are modelled on the enquiry side, as repeat cases.)
    """
    rng = _rng(seed, "cin")
    population = cal.CHILD_POPULATION_PER_SCALE * scale
    share = cal.SECTION47_PER_10K / cal.REFERRALS_PER_10K
    per_year = (cal.REFERRALS_PER_10K - cal.SECTION47_PER_10K) * population / 10_000
    referral = _arrivals(
        rng, days, first=opening - 180, last=last, per_year=per_year, weekend_share=0.01
    )
    n = len(referral)
    nfa = _random(rng, n) < cal.REFERRAL_NFA_SHARE / (1 - share)
    not_in_need = ~nfa & (
        _random(rng, n) < cal.ASSESSED_NOT_IN_NEED_SHARE / (1 - share) / (1 - nfa.mean())
    )
    assessment_start = np.where(nfa, NO_DATE, referral + _uniform_int(rng, 0, 3, n))
    length = np.where(
        _random(rng, n) < cal.ASSESSMENTS_WITHIN_45_DAYS,
        _uniform_int(rng, 10, 45, n),
        _uniform_int(rng, 46, 80, n),
    )
    assessment_end = np.where(nfa, NO_DATE, days.add(np.minimum(assessment_start, last), length))
    planned = ~nfa & ~not_in_need & (_random(rng, n) < 0.45)
    plan_start = np.where(planned, assessment_end + _uniform_int(rng, 0, 10, n), NO_DATE)
    plan_end = np.where(planned, plan_start + _uniform_int(rng, 90, 365, n), NO_DATE)
    closure = np.where(
        nfa,
        referral + _uniform_int(rng, 0, 1, n),
        np.where(
            not_in_need,
            assessment_end + _uniform_int(rng, 0, 10, n),
            np.where(
                planned,
                plan_end + _uniform_int(rng, 0, 14, n),
                assessment_end + _uniform_int(rng, 30, 200, n),
            ),
        ),
    )
    reason = np.where(nfa | not_in_need, np.where(_random(rng, n) < 0.6, 8, 9), 7)
    for values in (assessment_end, plan_start, plan_end, closure):
        values[values > last] = NO_DATE
    plan_start[assessment_end >= NO_DATE] = NO_DATE
    plan_end[plan_start >= NO_DATE] = NO_DATE
    closure[(assessment_end >= NO_DATE) & ~nfa] = NO_DATE
    closure[planned & (plan_end >= NO_DATE)] = NO_DATE
    keep = closure >= opening
    team = _pick(rng, work.weight, n)
    worker = np.where(nfa, -1, _social_worker(rng, work, team))
    need = np.where(nfa, -1, _pick(rng, PRIMARY_NEED_SHARES_CIN, n))
    dob = referral - _age_days(rng, AGE_SHARES_CIN, n)
    result = {
        "referral": referral,
        "nfa": nfa,
        "assessment_start": assessment_start,
        "assessment_end": assessment_end,
        "plan_start": plan_start,
        "plan_end": plan_end,
        "closure": closure,
        "reason": reason,
        "team": team,
        "worker": worker,
        "need": need,
        "source": _pick(rng, REFERRAL_SOURCE_SHARES, n),
    }
    result = {name: values[keep] for name, values in result.items()}
    result["child"] = np.arange(int(keep.sum()))
    result["dob"] = dob[keep]
    return result


def _staffing(rng: np.random.Generator, *, work: _Workforce, refs: _Refs) -> pl.DataFrame:
    """Each team's posts, filled and vacant, month by month."""
    teams, months = work.vacant_sw.shape
    posts = cal.SOCIAL_WORKER_POSTS_PER_TEAM + cal.ASSISTANT_TEAM_MANAGER_POSTS_PER_TEAM + 1
    in_team = work.team >= 0
    shortfall = np.bincount(work.team[in_team], weights=1 - work.fte[in_team], minlength=teams)
    agency = np.bincount(
        work.team[in_team], weights=work.agency[in_team].astype(float), minlength=teams
    )
    team = np.repeat(np.arange(teams), months)
    month = np.tile(np.arange(months), teams)
    vacant = (work.vacant_sw + work.vacant_atm + work.vacant_tm).ravel()
    noise = np.clip(np.round(rng.normal(0, 0.2, len(team)) * 10) / 10, -0.5, 0.5)
    noise[month == months - 1] = 0
    filled = np.clip(posts - vacant - shortfall[team] + noise, 0, posts)
    agency_now = np.clip(agency[team] + np.round(rng.normal(0, 0.6, len(team))), 0, None)
    agency_now[month == months - 1] = agency[team][month == months - 1]
    return _frame(
        "staffing_snapshot",
        {
            "ref": _Refs("staffing_snapshot", len(team)).series,
            "team": refs.of(team),
            "month": _dates(work.months[month]),
            "establishment_fte": np.full(len(team), float(posts)),
            "filled_fte": np.round(filled, 1),
            "vacant_social_worker": work.vacant_sw.ravel(),
            "vacant_assistant_team_manager": work.vacant_atm.ravel(),
            "vacant_team_manager": work.vacant_tm.ravel(),
            "agency_staff": agency_now,
        },
    )


def _supervision(
    *, seed: int, work: _Workforce, days: _Calendar, opening: int, last: int, refs: _Refs
) -> pl.DataFrame:
    """Supervision about every four weeks; it slips more where managers are missing."""
    rng = _rng(seed, "supervision")
    workers = np.flatnonzero((work.role == ROLE_SOCIAL_WORKER) | (work.role == ROLE_ATM))
    count = np.full(len(workers), (last - opening) // 20 + 2)
    group, index = _within(count)
    m = len(group)
    worst = work.worst[work.team[workers]][group]
    slip = _random(rng, m) < np.where(worst, 0.35, 0.12)
    gap = np.where(
        slip, _uniform_int(rng, 36, 75, m), _uniform_int(rng, 21, cal.SUPERVISION_EVERY_DAYS + 7, m)
    )
    gap = np.where(index == 0, _uniform_int(rng, 0, 27, m), gap)
    day = days.roll_forward(opening + _group_cumsum(gap, group, index))
    keep = day <= last
    group, day = group[keep], day[keep]
    who = workers[group]
    return _frame(
        "supervision_record",
        {
            "ref": _Refs("supervision_record", len(who)).series,
            "worker": refs.of(who),
            "supervisor": refs.of(work.supervisor[who]),
            "date": _dates(day),
            "observed_practice": _random(rng, len(who)) < 0.12,
        },
    )
