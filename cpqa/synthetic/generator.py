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
DAYS_PER_MONTH = 365.25 / 12

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
UNBORN_ICPC_PROBABILITY = cal.UNBORN_PLAN_START_SHARE * cal.ICPC_PER_SECTION47 / 0.045
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
    ("police", 0.97, 0.70, -1, 18, 0.62, 0.72, 0.70),
    ("health_visitor", 0.95, 0.92, -1, 5, 0.82, 0.85, 0.80),
    ("midwife", 0.95, 0.60, -1, 0.1, 0.75, 0.80, 0.78),
    ("school_nurse", 0.60, 0.50, 5, 18, 0.45, 0.60, 0.70),
    ("gp", 0.90, 0.80, -1, 18, 0.12, 0.55, 0.60),
    ("school", 0.97, 0.95, 5, 18, 0.86, 0.85, 0.75),
    ("early_years", 0.50, 0.45, 2, 5, 0.70, 0.70, 0.70),
    ("adult_mental_health", 0.20, 0.15, -1, 18, 0.50, 0.60, 0.65),
    ("camhs", 0.15, 0.15, 11, 18, 0.60, 0.65, 0.70),
    ("substance_misuse", 0.18, 0.15, -1, 18, 0.60, 0.65, 0.70),
    ("probation", 0.08, 0.06, -1, 18, 0.55, 0.70, 0.70),
    ("housing", 0.10, 0.08, -1, 18, 0.40, 0.50, 0.65),
    ("domestic_abuse", 0.25, 0.20, -1, 18, 0.60, 0.60, 0.70),
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


# --- Small helpers ----------------------------------------------------------------


def _day(value: date) -> int:
    return (value - EPOCH).days


def _rng(seed: int, stream: str) -> np.random.Generator:
    """An independent random stream per part, so parts do not disturb each other."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


def _uniform_int(rng: np.random.Generator, low, high, size: int) -> np.ndarray:
    """Integers from low to high inclusive (arrays allowed)."""
    return np.floor(low + rng.random(size) * (np.asarray(high) - low + 1)).astype(np.int64)


def _pick(rng: np.random.Generator, shares, size: int) -> np.ndarray:
    """Indexes into `shares`, drawn with those probabilities."""
    p = np.asarray(shares, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _within(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes: the group of each row and its index within the group."""
    counts = np.asarray(counts, dtype=np.int64)
    group = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    return group, np.arange(len(group)) - starts[group]


def _group_cumsum(values: np.ndarray, group: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Cumulative sum within consecutive groups (rows of a group are contiguous)."""
    total = np.cumsum(values)
    first = np.flatnonzero(index == 0)
    before = total[first] - values[first]
    return total - before[np.cumsum(index == 0) - 1]


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

    def between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        return self.rank[self._i(end)] - self.rank[self._i(start)]


def _dates(days: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    """A polars Date series; NO_DATE (and `missing`) become null."""
    values = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    nulls = np.asarray(days) >= NO_DATE
    if missing is not None:
        nulls = nulls | missing
    values[nulls] = np.datetime64("NaT")
    return pl.Series(values)


def _bools(values: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    series = pl.Series(np.asarray(values, dtype=bool))
    if missing is None or not missing.any():
        return series
    return pl.select(pl.when(pl.lit(pl.Series(missing))).then(None).otherwise(series)).to_series()


def _codes(names, index: np.ndarray, missing: np.ndarray | None = None) -> pl.Series:
    """Strings from a tuple of names by index; index < 0 (or `missing`) is null."""
    lookup = pl.Series(list(names), dtype=pl.String)
    index = np.asarray(index, dtype=np.int64)
    nulls = index < 0
    if missing is not None:
        nulls = nulls | missing
    picked = lookup.gather(np.where(nulls, 0, index))
    if not nulls.any():
        return picked
    return pl.select(pl.when(pl.lit(pl.Series(nulls))).then(None).otherwise(picked)).to_series()


class _Refs:
    """The refs of one table: prefix + a number of fixed width."""

    def __init__(self, prefix: str, count: int) -> None:
        width = max(6, len(str(count)))
        self.series = pl.select(
            pl.format(f"{prefix}{{}}", pl.int_range(10**width, 10**width + count, dtype=pl.Int64))
        ).to_series()

    def of(self, index: np.ndarray) -> pl.Series:
        return _codes(self.series, index)


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
    vacant_sw = np.clip(np.round(level[:, None] + drift), 0, 4)
    vacant_atm = np.zeros((count, n_months))
    vacant_atm[worst] = cal.ASSISTANT_TEAM_MANAGER_POSTS_PER_TEAM
    spells = (rng.random((count, n_months)) < 0.03) & ~worst[:, None]
    vacant_atm[spells] = 1
    vacant_tm = (rng.random((count, n_months)) < 0.02).astype(float)
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
    agency = (role == ROLE_SOCIAL_WORKER) & (rng.random(total) < agency_share[np.maximum(team, 0)])
    agency |= (role == ROLE_ATM) & (rng.random(total) < 0.1)
    part_time = rng.random(total) < cal.PART_TIME_SHARE
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
    rng: np.random.Generator, days: _Calendar, *, first: int, last: int, per_year: float,
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
    in_time = rng.random(n) < within
    band = np.where(
        in_time,
        np.where(rng.random(n) < early, 0, 1),
        np.where(rng.random(n) < late16, 2, 3),
    )
    profiles = (
        (np.arange(0, 11), (1, 1, 2, 3, 5, 8, 10, 12, 15, 20, 23)),
        (np.arange(11, 16), (6, 9, 18, 30, 37)),
        (np.arange(16, 21), (30, 25, 20, 15, 10)),
    )
    result = np.empty(n, dtype=np.int64)
    for number, (values, weights) in enumerate(profiles):
        mask = band == number
        result[mask] = values[_pick(rng, weights, int(mask.sum()))]
    mask = band == 3
    result[mask] = np.minimum(21 + rng.geometric(1 / 7, int(mask.sum())) - 1, 60)
    return result


def _plan_months(rng: np.random.Generator, n: int) -> np.ndarray:
    """Plan durations in months, from the survival function fitted to DfE's figures."""
    points = np.asarray(cal.PLAN_SURVIVAL)
    u = rng.random(n)
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
    error_weekend: np.ndarray
    error_review_on_start: np.ndarray


@dataclass
class _Reviews:
    case: np.ndarray
    number: np.ndarray
    target: np.ndarray
    held: np.ndarray
    ends: np.ndarray
    missing: np.ndarray  # date_held left out


def _cases(
    *, seed: int, scale: float, first: int, last: int, days: _Calendar, work: _Workforce
) -> tuple[_Cases, _Reviews]:
    rng = _rng(seed, "cases")
    population = cal.CHILD_POPULATION_PER_SCALE * scale
    sizes = np.asarray(FAMILY_SIZES)
    size_shares = np.asarray(FAMILY_SIZE_SHARES)
    mean_size = float((sizes * size_shares).sum() / size_shares.sum())
    children = cal.SECTION47_PER_10K * population / 10_000
    unborn_rate = children * UNBORN_SECTION47_SHARE
    born_rate = children * (1 - UNBORN_SECTION47_SHARE) / mean_size
    s47_start = _arrivals(
        rng, days, first=first, last=last, per_year=unborn_rate + born_rate,
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
    unborn = ~transfer & (rng.random(n) < unborn_rate / (unborn_rate + born_rate))
    size = np.where(unborn, 1, sizes[_pick(rng, size_shares, n)])

    # Section 47 enquiries: some go to an initial conference (one team is slow to).
    born_icpc = (cal.ICPC_PER_SECTION47 - UNBORN_SECTION47_SHARE * UNBORN_ICPC_PROBABILITY) / (
        1 - UNBORN_SECTION47_SHARE
    )
    icpc = ~transfer & (rng.random(n) < np.where(unborn, UNBORN_ICPC_PROBABILITY, born_icpc))
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
    plan = ((icpc & (rng.random(n) < per_icpc)) | transfer) & (conf <= last)
    planned_end = conf + np.maximum(np.round(_plan_months(rng, n) * DAYS_PER_MONTH), 14).astype(
        np.int64
    )
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
    changed = rng.random(n) < cal.CATEGORY_CHANGE_SHARE
    latest_category = np.where(
        changed, (category + rng.integers(1, len(CATEGORIES), n)) % len(CATEGORIES), category
    )

    # A handful of ICPCs recorded on a weekend (a CIN census error).
    error_weekend = plan & ~transfer & (rng.random(n) < cal.ERROR_ICPC_ON_WEEKEND)
    weekday = (conf + 3) % 7  # 0 is Monday
    conf = np.where(error_weekend, conf + (5 - weekday), conf)

    reviews, plan_end = _review_rounds(
        rng, days, conf=conf, planned_end=planned_end, plan=plan, end_reason=end_reason,
        last=last,
    )  # fmt: skip
    error_review_on_start = np.zeros(n, bool)
    first_review = reviews.number == 0
    wrong = first_review & (rng.random(len(reviews.case)) < cal.ERROR_REVIEW_ON_START_DATE)
    wrong &= ~reviews.ends
    reviews.held[wrong] = conf[reviews.case[wrong]]
    error_review_on_start[reviews.case[wrong]] = True

    # Looked after: at the end of a plan (the reason it ended), or for a while during one.
    ended = plan & (plan_end <= last)
    lac_start = np.full(n, NO_DATE)
    lac_end = np.full(n, NO_DATE)
    to_care = ended & (end_reason == END_LOOKED_AFTER)
    lac_start[to_care] = plan_end[to_care] - _uniform_int(rng, 0, 21, int(to_care.sum()))
    goes_home = to_care & (rng.random(n) < 0.5)
    lac_end[goes_home] = lac_start[goes_home] + _uniform_int(rng, 30, 730, int(goes_home.sum()))
    during = plan & ~to_care & (rng.random(n) < cal.LOOKED_AFTER_DURING_PLAN_SHARE)
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
    no_plan = icpc & ~plan & (conf <= last) & (rng.random(n) < CIN_PLAN_AFTER_NO_PLAN)
    cin_start[no_plan] = conf[no_plan]
    step_down = ended & (end_reason == END_RISK) & (rng.random(n) < CIN_PLAN_AFTER_PLAN)
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
    repeat_plan = plan & ~transfer & (rng.random(n) < _repeat_share())
    repeat_other = ~plan & ~transfer & (rng.random(n) < S47_REPEAT_SHARE)
    parent = _parents(rng, start=start, case_end=case_end, plan=plan, choosers_plan=repeat_plan,
                      choosers_other=repeat_other)  # fmt: skip
    external = np.where(repeat_plan & (parent < 0), 1 + _pick(rng, (0.8, 0.15, 0.05), n), 0)
    family, previous = _chains(parent=parent, plan=plan, external=external)
    in_data = plan & (previous > external[family])
    previous = np.where(in_data & (rng.random(n) < cal.ERROR_PREVIOUS_PLANS_ZERO), 0, previous)
    previous = np.where(plan & (rng.random(n) < cal.GAP_PREVIOUS_PLANS), -1, previous)
    size = size[family]
    unborn = unborn[family] & (family == np.arange(n))

    # The CIN episode around each case: the referral before, the closure after.
    lag = np.where(rng.random(n) < 0.35, 0, np.minimum(rng.geometric(1 / 6, n), 30))
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
    closure_reason[nfa] = np.where(rng.random(int(nfa.sum())) < 0.6, 8, 9)

    chair = rng.integers(0, len(work.chairs), n)
    cases = _Cases(
        start=start, transfer=transfer, team=team, size=size, unborn=unborn, s47_end=s47_end,
        s47_outcome=s47_outcome, conf=conf, plan=plan, plan_end=plan_end,
        end_reason=end_reason, category=category, latest_category=latest_category,
        lac_start=lac_start, lac_end=lac_end, cin_start=cin_start, cin_end=cin_end,
        case_end=case_end, referral=referral, closure=closure, closure_reason=closure_reason,
        family=family, previous_plans=previous, chair=chair, error_weekend=error_weekend,
        error_review_on_start=error_review_on_start,
    )  # fmt: skip
    return cases, reviews


def _repeat_share() -> float:
    """The share of plans drawn as repeats, so that the recorded share matches DfE's.

    Some repeats are recorded with previous_plans 0 (a deliberate error) or none.
    """
    lost = 0.6 * cal.ERROR_PREVIOUS_PLANS_ZERO + cal.GAP_PREVIOUS_PLANS
    return cal.SUBSEQUENT_PLAN_SHARE / (1 - lost)


def _review_rounds(
    rng: np.random.Generator, days: _Calendar, *, conf: np.ndarray, planned_end: np.ndarray,
    plan: np.ndarray, end_reason: np.ndarray, last: int,
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
        late = rng.random(len(here)) < cal.REVIEW_LATE_SHARE
        held = np.where(
            late,
            days.roll_forward(target + _uniform_int(rng, 1, 40, len(here))),
            days.roll_back(target - _uniform_int(rng, 0, 15, len(here))),
        )
        held = np.where(early, days.roll_back(wanted), held)
        held = np.maximum(held, previous[here] + 1)
        happens = held <= last
        meeting = happens & ~moved
        missing = meeting & ~ends & (rng.random(len(here)) < cal.GAP_REVIEW_DATE_HELD)
        parts.append(
            (case[meeting], np.full(int(meeting.sum()), number), target[meeting],
             held[meeting], ends[meeting], missing[meeting])
        )  # fmt: skip
        finished = ends & happens
        plan_end[case[finished]] = np.where(moved[finished], np.maximum(wanted[finished],
                                            previous[here][finished] + 1), held[finished])  # fmt: skip
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
    rng: np.random.Generator, *, start: np.ndarray, case_end: np.ndarray, plan: np.ndarray,
    choosers_plan: np.ndarray, choosers_other: np.ndarray,
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
        high = np.searchsorted(ends, start[who] - REPEAT_GAP_DAYS, side="right")
        low = np.searchsorted(ends, start[who] - REPEAT_LOOKBACK_DAYS, side="left")
        some = high > low
        pick = low + np.floor((high - low) * np.sqrt(rng.random(len(who)))).astype(np.int64)
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
