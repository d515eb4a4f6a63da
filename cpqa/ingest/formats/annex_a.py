"""The Ofsted Annex A workbook: section 47 enquiries (List 5) and child protection plans (List 7).

Annex A is the set of child-level lists a council sends Ofsted before an
inspection of its children's services (ILACS), one sheet per list, covering
the 6 or 12 months before the inspection. cpqa reads two of them:

- List 5, section 47 enquiries and initial child protection conferences: the
  child, the date of the strategy discussion that started the enquiry (its
  start), whether a conference was deemed unnecessary, the date of the
  initial conference and whether it started a plan, the allocated team and
  worker;
- List 7, children on a child protection plan: the child, the plan's start
  and end, initial and latest category of abuse, the last statutory visit and
  whether the child was seen alone, the latest review conference, the number
  of previous plans, the allocated team and worker.

Lists 3, 4, 6, 8 and 9 carry an allocated team and worker too, but for
referrals, assessments, children in need, children in care and care leavers;
cpqa reads none of Lists 1 to 4 and 6 to 11 and says so in a note.

Headings and coded values vary between councils: headings are matched after
normalising case, spacing and punctuation, against the standard heading and
its known variants, then against a pattern of key words, then by close
spelling; coded values (gender, ethnicity, yes/no, category of abuse) are
matched the same way. Everything that could not be matched is reported.
Records carry the identifiers of cpqa.ingest.keys, so that the enquiry, plan,
conference or visit of a CIN census and of an Annex A is one record.

See docs/formats/annex-a.md for the decisions taken and why.
"""

import difflib
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from cpqa.core.bulk import rows_fetch
from cpqa.core.periods import add_months

from ..base import ParsedFile, Problem, register_importer
from ..keys import KINDS, child_event_ref, numbered_when_repeated

FORMAT = "annex_a"
SOURCE = "annex_a"
EXPECTED = (
    "an Ofsted Annex A workbook (.xlsx with sheets List 1 to List 11, of which cpqa reads "
    "List 5, section 47 enquiries, and List 7, child protection plans)"
)

ZIP_MAGIC = b"PK\x03\x04"
# Headings are looked for in this many rows at the top of a sheet.
HEADING_ROWS = 20
# A child identifier longer than this would not leave room in a derived ref.
CHILD_ID_MAX = 70
NAME_MAX = 100
# Close spellings of a heading are accepted from this similarity (0 to 1) up.
CLOSE_MATCH = 0.85
# Notes list at most this many row numbers.
ROWS_LISTED = 10
ROLE = "Allocated social worker"
PROFESSIONAL_ROLE = "social_worker"

LIST_TITLES = {
    1: "contacts",
    2: "early help",
    3: "referrals",
    4: "assessments",
    5: "section 47 enquiries and initial child protection conferences",
    6: "children in need",
    7: "children on a child protection plan",
    8: "children in care",
    9: "care leavers",
    10: "adoption",
    11: "adopters",
}
LISTS_READ = (5, 7)

# Problems (the `expected` part of a Problem).
UNREADABLE = "a readable Excel workbook (.xlsx); it could not be opened ({error})"
MISSING_LIST = (
    "a sheet for List {number} ({title}): cpqa needs both List 5 and List 7 (a sheet named "
    "'List {number}', or one with its headings)"
)
LIST_TWICE = "one sheet for List {number}, but sheets {first!r} and {second!r} both are"
NO_HEADING_ROW = (
    "a row of headings in the first {rows} rows, with at least {headings} (or variants of them)"
)
MISSING_COLUMN = "a column headed {heading!r} (or a variant such as {variant!r}): cpqa needs it"
VALUE_REQUIRED = "a value: cpqa needs it"
ID_EXPECTED = f"the child's unique identifier, at most {CHILD_ID_MAX} characters"
NAME_EXPECTED = f"a name of at most {NAME_MAX} characters"
DATE_EXPECTED = (
    "a date: an Excel date, or text written dd/mm/yyyy or yyyy-mm-dd, in the years 1900 to 2100"
)
YES_NO_EXPECTED = "Yes or No (also Y or N, a) Yes or b) No, 1 or 0, or Unknown)"
SEX_EXPECTED = "a gender: Male, Female, Not stated/recorded or Neither (also M, F, U, 1 or 2)"
ETHNICITY_EXPECTED = (
    "an ethnicity: a CIN census code such as WBRI or a) WBRI, or its name such as White British"
)
CATEGORY_EXPECTED = (
    "a category of abuse: Neglect, Physical abuse, Sexual abuse, Emotional abuse or "
    "Multiple/not recommended (also NEG, PHY, SAB, EMO or MUL)"
)
COUNT_EXPECTED = "a whole number, 0 or more"

# Notes.
LIST_SKIPPED = "Sheet {sheet!r} is List {number} ({title}), which cpqa does not use: skipped."
SHEET_IGNORED = "Sheet {sheet!r} is not an Annex A list: ignored."
UNKNOWN_COLUMN = (
    "Sheet {sheet!r}: column {column} {heading!r} is not a List {number} heading cpqa knows: "
    "ignored."
)
MISSING_OPTIONAL = (
    "Sheet {sheet!r}: there is no column headed {heading!r}, so cpqa has none of that information."
)
READ_AS = "Sheet {sheet!r}: column {column} {heading!r} was read as {standard!r}."
AMBIGUOUS_COLUMN = (
    "Sheet {sheet!r}: column {column} {heading!r} could be {first!r} or {second!r}: ignored."
)
SECOND_COLUMN = (
    "Sheet {sheet!r}: column {column} {heading!r} is a second {standard!r} column: ignored."
)
REPEATED_ROWS = "Sheet {sheet!r}: {rows} repeat earlier rows exactly and were skipped."
PLAN_NOT_IN_LIST_7 = (
    "Sheet {sheet!r}: {rows}: the initial conference started a plan, but List 7 has no plan for "
    "that child starting that day, so the conference is not linked to a plan."
)
PLAN_WITHOUT_CONFERENCE_DATE = (
    "Sheet {sheet!r}: {rows}: the initial conference started a plan, but its date is not given, "
    "so no conference was recorded."
)
REVIEW_NOT_AFTER_START = (
    "Sheet {sheet!r}: {rows}: the latest review conference is not after the plan's start, so it "
    "was not recorded as a review."
)
CHILD_DISAGREES = (
    "The lists give different {what} for {count} child{s} ({children}); the value of the first "
    "row (List 7 before List 5) was used."
)
PERIOD_STATED = "Period {start:%d/%m/%Y} to {end:%d/%m/%Y}, as stated on sheet {sheet!r}."
PERIOD_WORKED_OUT = (
    "Period {start:%d/%m/%Y} to {end:%d/%m/%Y}: the {months} months up to the latest date in "
    "Lists 5 and 7 (the workbook does not state its period)."
)
NO_DATES = "Lists 5 and 7 hold no dates, so the period the workbook covers is not known."


# --- Headings -----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """A column of an Annex A list, and how its heading is recognised."""

    key: str
    heading: str  # the heading of Ofsted's template
    kind: str  # id, name, date, yes_no, sex, ethnicity, category, count or unused
    required: bool = False
    variants: tuple[str, ...] = ()
    # Regular expressions (on the normalised heading) that must all match ...
    patterns: tuple[str, ...] = ()
    # ... and one that must not.
    exclude: str | None = None


def heading_normalise(text: str) -> str:
    """Lower case, '&' as 'and', apostrophes dropped, other punctuation as spaces."""
    text = text.lower().replace("&", " and ").replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


CHILD_FIELDS = (
    Field(
        "child",
        "Child Unique ID",
        "id",
        required=True,
        variants=(
            "Child ID",
            "Unique Child ID",
            "Child Unique Identifier",
            "Child Identifier",
            "LA Child ID",
            "Child Reference",
            "Child Ref",
            "Person ID",
            "Client ID",
            "ID",
        ),
        patterns=(r"\b(childs?|persons?|clients?)\b.*\b(id|identifier|ref|reference|number|no)\b",),
        exclude=r"\b(plan|plans|previous|family)\b",
    ),
    Field(
        "sex",
        "Gender",
        "sex",
        variants=("Sex", "Child's Gender", "Gender of Child", "Child's Sex", "Legal Sex"),
        patterns=(r"\b(gender|sex)\b",),
    ),
    Field(
        "ethnicity",
        "Ethnicity",
        "ethnicity",
        variants=("Ethnic Group", "Ethnic Origin", "Ethnicity Code", "Child's Ethnicity"),
        patterns=(r"\bethnic",),
    ),
    Field(
        "dob",
        "Date of Birth",
        "date",
        variants=("DOB", "D.O.B.", "Birth Date", "Child's Date of Birth", "Date of Birth (DOB)"),
        patterns=(r"\b(birth|dob)\b",),
    ),
    Field(
        "age",
        "Age of Child (Years)",
        "unused",
        variants=("Age", "Age (Years)", "Child's Age", "Age of Child", "Age in Years"),
        patterns=(r"^(childs )?age\b",),
    ),
    Field(
        "disability",
        "Does the Child have a Disability",
        "yes_no",
        variants=(
            "Disability",
            "Disabled",
            "Child has a Disability",
            "Has a Disability",
            "Disability (Y/N)",
        ),
        patterns=(r"\bdisab",),
    ),
)
ALLOCATION_FIELDS = (
    Field(
        "team",
        "Allocated Team",
        "name",
        variants=(
            "Team",
            "Team Name",
            "Allocated Team Name",
            "Responsible Team",
            "Current Team",
            "Owning Team",
        ),
        patterns=(r"\bteam\b",),
        exclude=r"\bmanager\b",
    ),
    Field(
        "worker",
        "Allocated Worker",
        "name",
        variants=(
            "Allocated Social Worker",
            "Social Worker",
            "Worker",
            "Worker Name",
            "Allocated Worker Name",
            "Allocated SW",
            "Lead Social Worker",
            "Key Worker",
            "Allocated Worker ID",
            "Worker ID",
        ),
        patterns=(r"\b(worker|sw)\b",),
        exclude=r"\b(team|manager)\b",
    ),
)
LIST_5_FIELDS = (
    *CHILD_FIELDS,
    Field(
        "s47_start",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "date",
        required=True,
        variants=(
            "Section 47 Enquiry Start Date",
            "Section 47 Start Date",
            "S47 Start Date",
            "S47 Enquiry Start Date",
            "Start Date of Section 47 Enquiry",
            "Strategy Discussion Date",
            "Date of Strategy Discussion",
            "Strategy Discussion Initiating S47 Enquiry Start Date",
        ),
        patterns=(r"(section 47|\bs 47\b|\bs47\b|strategy)", r"\b(start|date)\b"),
        exclude=r"\b(number|no|count)\b",
    ),
    Field(
        "icpc_unnecessary",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "yes_no",
        variants=(
            "ICPC Deemed Unnecessary",
            "ICPC Not Required",
            "ICPC Unnecessary",
            "Initial Child Protection Conference Not Required",
            "Was an ICPC deemed unnecessary",
        ),
        patterns=(r"\b(unnecessary|not required|not needed)\b",),
    ),
    Field(
        "icpc_date",
        "Date of Initial Child Protection Conference",
        "date",
        variants=(
            "ICPC Date",
            "Date of ICPC",
            "Initial Child Protection Conference Date",
            "Initial Conference Date",
            "Date of Initial Conference",
            "Date of Initial CP Conference",
        ),
        patterns=(r"\b(icpc|initial (child protection |cp )?conference)\b", r"\bdate\b"),
        exclude=r"\b(number|no|count|result|resulted|unnecessary|required)\b",
    ),
    Field(
        "icpc_plan",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "yes_no",
        variants=(
            "ICPC Resulted in CP Plan",
            "Did the ICPC Result in a CP Plan",
            "Did the ICPC Result in a Child Protection Plan",
            "Resulted in CP Plan",
            "ICPC Result in CP Plan",
        ),
        patterns=(r"\b(result|resulted|led|lead)\b.*\bplan\b",),
    ),
    Field(
        "s47_count",
        "Number of Section 47 Enquiries in the last 12 months",
        "unused",
        variants=("Number of S47s in the last 12 months", "Number of Section 47 Enquiries"),
        patterns=(r"\b(number|no|count)\b.*(section 47|\bs 47\b|\bs47s?\b|enquir)",),
    ),
    Field(
        "icpc_count",
        "Number of ICPCs in the last 12 months",
        "unused",
        variants=("Number of ICPCs", "Number of Initial Child Protection Conferences"),
        patterns=(r"\b(number|no|count)\b.*\b(icpcs?|conferences?)\b",),
    ),
    *ALLOCATION_FIELDS,
)
LIST_7_FIELDS = (
    *CHILD_FIELDS,
    Field(
        "plan_start",
        "Child Protection Plan Start Date",
        "date",
        required=True,
        variants=(
            "CP Plan Start Date",
            "CPP Start Date",
            "CP Start Date",
            "Plan Start Date",
            "Start Date of CP Plan",
            "Start Date of Child Protection Plan",
            "Date CP Plan Started",
            "Start Date",
        ),
        patterns=(r"\b(plan|cpp|cp)\b.*\bstart|\bstart.*\b(plan|cpp|cp)\b",),
        exclude=r"\b(previous|number|no)\b",
    ),
    Field(
        "initial_category",
        "Initial Category of Abuse",
        "category",
        variants=(
            "Initial Category",
            "Initial Category of Harm",
            "Initial CP Category",
            "Initial Abuse Category",
            "Category of Abuse (Initial)",
        ),
        patterns=(r"\binitial\b", r"categor"),
    ),
    Field(
        "latest_category",
        "Latest Category of Abuse",
        "category",
        variants=(
            "Latest Category",
            "Latest Category of Harm",
            "Current Category of Abuse",
            "Current Category",
            "Category of Abuse (Latest)",
            "Category of Abuse",
        ),
        patterns=(r"\b(latest|current|last)\b", r"categor"),
    ),
    Field(
        "last_visit",
        "Date of the Last Statutory Visit",
        "date",
        variants=(
            "Date of Last Statutory Visit",
            "Last Statutory Visit Date",
            "Last Statutory Visit",
            "Latest Statutory Visit",
            "Date of Last Visit",
            "Last Visit Date",
            "Date of Last CP Visit",
            "Last CP Visit",
        ),
        patterns=(r"\bvisit\b",),
        exclude=r"\b(iro|number|no|alone|seen)\b",
    ),
    Field(
        "seen_alone",
        "Was the Child Seen Alone?",
        "yes_no",
        variants=(
            "Seen Alone",
            "Child Seen Alone",
            "Seen Alone at Last Visit",
            "Was the Child Seen Alone at the Last Visit",
        ),
        patterns=(r"\balone\b",),
    ),
    Field(
        "latest_review",
        "Date of latest review conference",
        "date",
        variants=(
            "Date of Latest Review Conference",
            "Date of Last Review Conference",
            "Latest Review Conference Date",
            "Latest Review Date",
            "Last Review Date",
            "Date of Latest Review",
            "Review Conference Date",
            "Date of Latest RCPC",
            "Latest RCPC",
            "RCPC Date",
        ),
        patterns=(r"\b(review|rcpc)\b",),
        exclude=r"\b(number|no|count)\b",
    ),
    Field(
        "plan_end",
        "Child Protection Plan End Date",
        "date",
        variants=(
            "CP Plan End Date",
            "CPP End Date",
            "CP End Date",
            "Plan End Date",
            "End Date of CP Plan",
            "Date CP Plan Ended",
            "Date Plan Ended",
            "End Date",
        ),
        patterns=(
            r"\b(plan|cpp|cp)\b.*\b(end|ended|ceased|closure|closed)\b"
            r"|\b(end|ended|ceased|closure)\b.*\b(plan|cpp|cp)\b",
        ),
        exclude=r"\b(previous|number)\b",
    ),
    Field(
        "epo",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six "
        "Months (Y/N)",
        "unused",
        variants=("Subject to EPO or Police Protection",),
        patterns=(r"(emergency protection|police (powers|protection)|\bepo\b)",),
    ),
    Field(
        "previous_plans",
        "Number of Previous Child Protection Plans",
        "count",
        variants=(
            "Number of Previous CP Plans",
            "No. of Previous CP Plans",
            "Previous CP Plans",
            "Previous Child Protection Plans",
            "Number of Previous Plans",
            "Previous Plans",
        ),
        patterns=(r"\bprevious\b", r"\b(plan|plans|cpp|cpps)\b"),
    ),
    *ALLOCATION_FIELDS,
)
LIST_FIELDS: dict[int, tuple[Field, ...]] = {5: LIST_5_FIELDS, 7: LIST_7_FIELDS}
# The fields by which a sheet not named "List N" is recognised from its headings.
SIGNATURE = {5: "s47_start", 7: "plan_start"}

SHEET_NAME = re.compile(
    r"^\s*(?:annex\s*a\s*[-_:]?\s*)?(?:list|l)\s*[-_.:]?\s*0?(\d{1,2})(?!\d)", re.IGNORECASE
)


def list_number(sheet_name: str) -> int | None:
    """The Annex A list a sheet is named after ('List 5', 'L5', 'List_07 S47'), if any."""
    match = SHEET_NAME.match(sheet_name)
    if match and 1 <= int(match.group(1)) <= 11:
        return int(match.group(1))
    return None


@dataclass(frozen=True)
class HeadingMatch:
    field: Field | None
    how: str  # exact, pattern, close, ambiguous or none
    other: Field | None = None


@functools.cache
def _exact_table(fields: tuple[Field, ...]) -> dict[str, Field]:
    table: dict[str, Field] = {}
    for item in fields:
        for text in (item.heading, *item.variants):
            table.setdefault(heading_normalise(text), item)
    return table


def heading_match(heading: str, fields: tuple[Field, ...], close: bool = True) -> HeadingMatch:
    """Which field a heading is: exactly (or a known variant), by key words, or by spelling."""
    text = heading_normalise(heading)
    if not text:
        return HeadingMatch(None, "none")
    exact = _exact_table(fields)
    if text in exact:
        return HeadingMatch(exact[text], "exact")
    by_pattern = [
        item
        for item in fields
        if item.patterns
        and all(re.search(pattern, text) for pattern in item.patterns)
        and not (item.exclude and re.search(item.exclude, text))
    ]
    if len(by_pattern) == 1:
        return HeadingMatch(by_pattern[0], "pattern")
    if len(by_pattern) > 1:
        return HeadingMatch(by_pattern[0], "ambiguous", by_pattern[1])
    if not close:
        return HeadingMatch(None, "none")
    scores: dict[str, tuple[float, Field]] = {}
    for known, item in exact.items():
        score = difflib.SequenceMatcher(None, text, known).ratio()
        if score >= CLOSE_MATCH and score > scores.get(item.key, (0.0, item))[0]:
            scores[item.key] = (score, item)
    ranked = sorted(scores.values(), key=lambda pair: -pair[0])
    if not ranked:
        return HeadingMatch(None, "none")
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < 0.02:
        return HeadingMatch(ranked[0][1], "ambiguous", ranked[1][1])
    return HeadingMatch(ranked[0][1], "close")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- Coded values -------------------------------------------------------------------

SEX_CODES = {
    "male": "M",
    "m": "M",
    "1": "M",
    "boy": "M",
    "female": "F",
    "f": "F",
    "2": "F",
    "girl": "F",
    "not stated recorded": "U",
    "not stated": "U",
    "not recorded": "U",
    "not known": "U",
    "unknown": "U",
    "u": "U",
    "0": "U",
    "9": "U",
    "not specified": "U",
    "neither": "U",
    "indeterminate": "U",
}
YES_WORDS = ("yes", "y", "true", "1")
NO_WORDS = ("no", "n", "false", "0")
UNKNOWN_WORDS = ("unknown", "not known", "u", "unk", "not recorded", "dk")
CATEGORY_CODES = {
    "neg": "NEG",
    "neglect": "NEG",
    "n": "NEG",
    "phy": "PHY",
    "physical": "PHY",
    "physical abuse": "PHY",
    "physical injury": "PHY",
    "p": "PHY",
    "sab": "SAB",
    "sexual": "SAB",
    "sexual abuse": "SAB",
    "s": "SAB",
    "emo": "EMO",
    "emotional": "EMO",
    "emotional abuse": "EMO",
    "e": "EMO",
    "mul": "MUL",
    "multiple": "MUL",
    "multiple not recommended": "MUL",
    "mixed": "MUL",
    "m": "MUL",
}
# A value that names exactly one of these is that category ("Neglect (NEG)").
CATEGORY_WORDS = {
    "NEG": r"\b(neglect|neg)\b",
    "PHY": r"\b(physical|phy)\b",
    "SAB": r"\b(sexual|sab)\b",
    "EMO": r"\b(emotional|emo)\b",
    "MUL": r"\b(multiple|mul)\b",
}
ETHNICITIES = {
    "WBRI": ("white", ("british", "white british")),
    "WIRI": ("white", ("irish", "white irish")),
    "WIRT": ("white", ("traveller of irish heritage", "irish traveller")),
    "WOTH": ("white", ("any other white background", "other white", "white other")),
    "WROM": ("white", ("gypsy roma", "gypsy", "roma")),
    "MWBC": ("mixed", ("white and black caribbean",)),
    "MWBA": ("mixed", ("white and black african",)),
    "MWAS": ("mixed", ("white and asian",)),
    "MOTH": ("mixed", ("any other mixed background", "other mixed", "mixed other")),
    "AIND": ("asian or asian british", ("indian",)),
    "APKN": ("asian or asian british", ("pakistani",)),
    "ABAN": ("asian or asian british", ("bangladeshi",)),
    "AOTH": ("asian or asian british", ("any other asian background", "other asian")),
    "BCRB": ("black or black british", ("caribbean", "black caribbean")),
    "BAFR": ("black or black british", ("african", "black african")),
    "BOTH": ("black or black british", ("any other black background", "other black")),
    "CHNE": ("chinese", ("chinese",)),
    "OOTH": ("other ethnic group", ("any other ethnic group", "other ethnic group")),
    "REFU": ("", ("refused", "declined", "information refused")),
    "NOBT": ("", ("information not yet obtained", "not yet obtained", "not obtained")),
}


def _ethnicity_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, (group, labels) in ETHNICITIES.items():
        for label in labels:
            names.setdefault(label, code)
            if group:
                names.setdefault(f"{group} {label}", code)
                names.setdefault(f"{group.split()[0]} {label}", code)
    return names


ETHNICITY_NAMES = _ethnicity_names()
ETHNICITY_CODE = re.compile(r"\b(" + "|".join(ETHNICITIES) + r")\b")
# Allocated team or worker cells that mean nobody is allocated.
NOBODY = ("unallocated", "not allocated", "none", "n a", "na", "no worker", "no team")


def _coded(text: pl.Expr) -> pl.Expr:
    """Lower case, without a leading 'a) ' label, punctuation as spaces."""
    return (
        text.str.to_lowercase()
        .str.replace(r"^\s*[a-z]{1,2}\)\s*", "")
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
    )


def _lookup(text: pl.Expr, table: dict[str, str]) -> pl.Expr:
    return text.replace_strict(
        list(table), list(table.values()), default=None, return_dtype=pl.String
    )


def sex_expr(text: pl.Expr) -> pl.Expr:
    return _lookup(_coded(text), SEX_CODES)


def yes_no_expr(text: pl.Expr) -> pl.Expr:
    """True, False, or null for an unknown or an unrecognised value (see yes_no_known)."""
    coded = _coded(text)
    return pl.when(coded.is_in(YES_WORDS)).then(True).when(coded.is_in(NO_WORDS)).then(False)


def yes_no_recognised(text: pl.Expr) -> pl.Expr:
    return _coded(text).is_in([*YES_WORDS, *NO_WORDS, *UNKNOWN_WORDS])


def category_expr(text: pl.Expr) -> pl.Expr:
    coded = _coded(text)
    hits = [coded.str.contains(pattern).cast(pl.Int8) for pattern in CATEGORY_WORDS.values()]
    by_word = pl.lit(None, dtype=pl.String)
    for code, pattern in CATEGORY_WORDS.items():
        by_word = pl.when(coded.str.contains(pattern)).then(pl.lit(code)).otherwise(by_word)
    by_word = pl.when(pl.sum_horizontal(hits) == 1).then(by_word)
    return pl.coalesce(_lookup(coded, CATEGORY_CODES), by_word)


def ethnicity_expr(text: pl.Expr) -> pl.Expr:
    by_code = text.str.to_uppercase().str.extract(ETHNICITY_CODE.pattern, 1)
    return pl.coalesce(by_code, _lookup(_coded(text), ETHNICITY_NAMES))


DATE_FORMATS = (
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%B-%Y",
)
EXCEL_TO_UNIX = (date(1970, 1, 1) - date(1899, 12, 30)).days
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)


def date_expr(text: pl.Expr) -> pl.Expr:
    """A date from an Excel date (read as yyyy-mm-dd), text in the usual forms, or a serial."""
    bare = text.str.strip_chars().str.replace(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$", "")
    parsed = [bare.str.to_date(form, strict=False) for form in DATE_FORMATS]
    # Days since 1899-12-30 (Excel's day 0) to days since 1970-01-01 (polars' day 0).
    serial = pl.when(bare.str.contains(r"^\d{5}(\.\d+)?$")).then(
        (bare.cast(pl.Float64, strict=False).floor().cast(pl.Int64) - EXCEL_TO_UNIX).cast(pl.Date)
    )
    found = pl.coalesce(*parsed, serial)
    return pl.when(found.is_between(pl.lit(EARLIEST), pl.lit(LATEST))).then(found)


def count_expr(text: pl.Expr) -> pl.Expr:
    return (
        pl.when(text.str.contains(r"^\d{1,4}(\.0+)?$"))
        .then(text.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False))
        .otherwise(None)
    )


# --- Reading a workbook -------------------------------------------------------------


def cells_raw(values: Sequence) -> pl.Series:
    """A column of cells as text as read: dates as yyyy-mm-dd, numbers as 12.0."""
    try:
        return pl.Series("value", values, strict=False).cast(pl.String)
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return pl.Series("value", [str(value) for value in values], dtype=pl.String)


def cells_clean(text: pl.Expr) -> pl.Expr:
    """Spaces (non-breaking ones too) collapsed, 12.0 as 12, blanks as null."""
    return (
        text.str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.replace(r"^(-?\d+)\.0+$", "${1}")
        .replace("", None)
    )


@dataclass
class ListSheet:
    """A sheet holding an Annex A list cpqa reads, with its headings matched."""

    number: int
    name: str
    rows: list[list]
    heading_row: int = -1  # index into rows
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)  # key -> (index, heading)

    def where(self, row: int | None = None) -> str:
        return f"sheet {self.name!r}" + (f", row {row}" if row is not None else "")


def _rows(workbook, sheet_name: str, limit: int | None = None) -> list[list]:
    sheet = workbook.get_sheet_by_name(sheet_name)
    return (
        sheet.to_python(skip_empty_area=False, nrows=limit)
        if limit
        else sheet.to_python(skip_empty_area=False)
    )


def _heading_row(rows: list[list], fields: tuple[Field, ...], exact_only: bool) -> int | None:
    """The first row (of the top ones) with the child's identifier and another heading."""
    for index, row in enumerate(rows[:HEADING_ROWS]):
        matched = set()
        for cell in row:
            if not isinstance(cell, str):
                continue
            found = heading_match(cell, fields, close=False)
            if found.field and found.how in (("exact",) if exact_only else ("exact", "pattern")):
                matched.add(found.field.key)
        if "child" in matched and len(matched) >= 2:
            return index
    return None


def list_by_headings(rows: list[list]) -> int | None:
    """The list (5 or 7) whose child identifier and signature heading a sheet has, if any."""
    for number, fields in LIST_FIELDS.items():
        index = _heading_row(rows, fields, exact_only=True)
        if index is None:
            continue
        keys = {
            found.field.key
            for cell in rows[index]
            if isinstance(cell, str)
            and (found := heading_match(cell, fields, close=False)).field
            and found.how == "exact"
        }
        if SIGNATURE[number] in keys:
            return number
    return None


STATED_PERIOD = re.compile(
    r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]+ \d{4})"
    r"\s*(?:to|-|–|until)\s*"
    r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2} [A-Za-z]+ \d{4})"
)


def stated_period(rows: list[list]) -> tuple[date, date] | None:
    """A period written in a cell as 'Period: 01/04/2024 to 31/03/2025', if any."""
    for row in rows[:HEADING_ROWS]:
        for cell in row:
            if not isinstance(cell, str) or "period" not in cell.lower():
                continue
            match = STATED_PERIOD.search(cell)
            if not match:
                continue
            start, end = (
                pl.select(date_expr(pl.lit(pl.Series([match.group(1), match.group(2)]))))
                .to_series()
                .to_list()
            )
            if start and end and start <= end:
                return start, end
    return None


# --- The importer -------------------------------------------------------------------


class _Problems(list):
    def add(self, *, file: str, where: str, field: str, value, expected: str) -> None:
        self.append(Problem(file, where, field, value, expected))


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(row) for row in rows[:ROWS_LISTED])
    more = f" and {len(rows) - ROWS_LISTED} more" if len(rows) > ROWS_LISTED else ""
    return ("row " if len(rows) == 1 else "rows ") + shown + more


# "Does the Child have a Disability": Yes is the CIN census's generic code (the
# child is disabled under the Equality Act); No is NONE. Neither names a disability.
DISABLED = "DDA"
GENERIC_DISABILITY = ("", "NONE", DISABLED)


@register_importer
class AnnexAImporter:
    format = FORMAT
    expected = EXPECTED

    def detect(self, *, name: str, path: Path, head: bytes) -> bool:
        if not head.startswith(ZIP_MAGIC):
            return False
        try:
            from python_calamine import CalamineWorkbook

            workbook = CalamineWorkbook.from_path(str(path))
            numbers = [list_number(sheet) for sheet in workbook.sheet_names]
            if 5 in numbers or 7 in numbers or sum(n is not None for n in numbers) >= 3:
                return True
            for sheet in workbook.sheet_names[:30]:
                if list_by_headings(_rows(workbook, sheet, HEADING_ROWS)) is not None:
                    return True
        except Exception:
            return False
        return False

    def parse(self, *, name: str, path: Path, region: str) -> ParsedFile:
        return _Parse(name=name, path=path).run()

    def batch_check(self, *, authority, parsed) -> dict[int, list[Problem]]:
        """Keep the disability codes another source gave a child (e.g. HAND,VIS from a
        CIN census) where the workbook only says that the child has a disability, or
        says nothing about it."""
        mine = [one for one in parsed.values() if one.format == self.format]
        if not any("child" in one.frames for one in mine):
            return {}
        specific = [
            rows_fetch(
                sql="SELECT ref, disabilities FROM casework_child WHERE authority_id = %s",
                params=[authority.pk],
                schema={"ref": pl.String, "_codes": pl.String},
            )
        ]
        for one in parsed.values():
            frame = one.frames.get("child")
            if one.format != self.format and frame is not None and "disabilities" in frame.columns:
                specific.append(frame.select("ref", pl.col("disabilities").alias("_codes")))
        codes = (
            pl.concat(specific)
            .filter(pl.col("_codes").is_not_null() & (pl.col("_codes") != ""))
            .unique(subset="ref", keep="last", maintain_order=True)
        )
        for one in mine:
            frame = one.frames.get("child")
            if frame is None:
                continue
            one.frames["child"] = (
                frame.join(codes, on="ref", how="left", maintain_order="left")
                .with_columns(
                    pl.when(
                        pl.col("disabilities").is_null()
                        | (
                            (pl.col("disabilities") == DISABLED)
                            & ~pl.col("_codes").is_in(GENERIC_DISABILITY)
                        )
                    )
                    .then(pl.col("_codes"))
                    .otherwise(pl.col("disabilities"))
                    .alias("disabilities")
                )
                .drop("_codes")
            )
        return {}


class _Parse:
    def __init__(self, *, name: str, path: Path) -> None:
        self.name = name
        self.path = path
        self.problems = _Problems()
        self.notes: list[str] = []
        self.stated: tuple[date, date, str] | None = None

    def result(self, frames=None, rows_read=0, period=(None, None)) -> ParsedFile:
        return ParsedFile(
            name=self.name,
            format=FORMAT,
            source=SOURCE,
            frames=frames or {},
            rows_read=rows_read,
            period_start=period[0],
            period_end=period[1],
            problems=list(self.problems),
            notes=self.notes,
        )

    def problem(self, where: str, expected: str, heading: str = "", value=None) -> None:
        self.problems.add(
            file=self.name, where=where, field=heading, value=value, expected=expected
        )

    # The sheets.

    def run(self) -> ParsedFile:
        try:
            from python_calamine import CalamineWorkbook

            workbook = CalamineWorkbook.from_path(str(self.path))
            sheets = self.sheets(workbook)
        except Exception as exc:
            error = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
            self.problem("", UNREADABLE.format(error=error))
            return self.result()
        for number in LISTS_READ:
            if number not in sheets:
                self.problem("", MISSING_LIST.format(number=number, title=LIST_TITLES[number]))
        if self.problems:
            return self.result()
        for sheet in sheets.values():
            self.headings(sheet)
        if self.problems:
            return self.result()
        list5 = self.values(sheets[5])
        list7 = self.values(sheets[7])
        if self.problems:
            return self.result(rows_read=list5.height + list7.height)
        list5 = self.without_repeats(sheets[5], list5)
        list7 = self.without_repeats(sheets[7], list7)
        period = self.period(list5, list7)
        frames = self.frames(sheets, list5, list7, period)
        return self.result(frames, list5.height + list7.height, period)

    def sheets(self, workbook) -> dict[int, ListSheet]:
        found: dict[int, ListSheet] = {}
        worksheets = [
            meta.name for meta in workbook.sheets_metadata if str(meta.typ).endswith("WorkSheet")
        ]
        for sheet_name in worksheets:
            number = list_number(sheet_name)
            if number is not None and number not in LISTS_READ:
                self.notes.append(
                    LIST_SKIPPED.format(sheet=sheet_name, number=number, title=LIST_TITLES[number])
                )
                continue
            rows = _rows(workbook, sheet_name, HEADING_ROWS)
            if number is None:
                number = list_by_headings(rows)
            if number is None:
                period = stated_period(rows)
                if period and self.stated is None:
                    self.stated = (*period, sheet_name)
                else:
                    self.notes.append(SHEET_IGNORED.format(sheet=sheet_name))
                continue
            if number in found:
                self.problem(
                    "",
                    LIST_TWICE.format(number=number, first=found[number].name, second=sheet_name),
                )
                continue
            found[number] = ListSheet(
                number=number, name=sheet_name, rows=_rows(workbook, sheet_name)
            )
            if self.stated is None and (period := stated_period(rows)):
                self.stated = (*period, sheet_name)
        return found

    def headings(self, sheet: ListSheet) -> None:
        fields = LIST_FIELDS[sheet.number]
        index = _heading_row(sheet.rows, fields, exact_only=False)
        if index is None:
            required = [item.heading for item in fields if item.required]
            self.problem(
                sheet.where(),
                NO_HEADING_ROW.format(
                    rows=HEADING_ROWS, headings=" and ".join(repr(h) for h in required)
                ),
            )
            return
        sheet.heading_row = index
        ranks = {"exact": 0, "pattern": 1, "close": 2}
        chosen: dict[str, tuple[int, int, str]] = {}  # key -> (rank, index, heading)
        seconds: list[tuple[int, str, Field]] = []
        for column, cell in enumerate(sheet.rows[index]):
            heading = cell if isinstance(cell, str) else "" if cell in (None, "") else str(cell)
            if not heading.strip():
                continue
            found = heading_match(heading, fields)
            letter = column_letter(column)
            if found.how == "none":
                self.notes.append(
                    UNKNOWN_COLUMN.format(
                        sheet=sheet.name, column=letter, heading=heading, number=sheet.number
                    )
                )
                continue
            if found.how == "ambiguous":
                self.notes.append(
                    AMBIGUOUS_COLUMN.format(
                        sheet=sheet.name,
                        column=letter,
                        heading=heading,
                        first=found.field.heading,
                        second=found.other.heading,
                    )
                )
                continue
            key = found.field.key
            candidate = (ranks[found.how], column, heading)
            if key in chosen:
                loser = max(chosen[key], candidate)
                chosen[key] = min(chosen[key], candidate)
                seconds.append((loser[1], loser[2], found.field))
            else:
                chosen[key] = candidate
        for column, heading, item in seconds:
            self.notes.append(
                SECOND_COLUMN.format(
                    sheet=sheet.name,
                    column=column_letter(column),
                    heading=heading,
                    standard=item.heading,
                )
            )
        for item in fields:
            if item.key in chosen:
                rank, column, heading = chosen[item.key]
                sheet.columns[item.key] = (column, heading)
                if rank > 0:
                    self.notes.append(
                        READ_AS.format(
                            sheet=sheet.name,
                            column=column_letter(column),
                            heading=heading,
                            standard=item.heading,
                        )
                    )
            elif item.required:
                self.problem(
                    sheet.where(),
                    MISSING_COLUMN.format(
                        heading=item.heading, variant=item.variants[0] if item.variants else ""
                    ),
                )
            elif item.kind != "unused":
                self.notes.append(MISSING_OPTIONAL.format(sheet=sheet.name, heading=item.heading))

    # The values.

    def values(self, sheet: ListSheet) -> pl.DataFrame:
        """The list's rows as typed columns named by field key, with `_row` (as Excel numbers).

        Every bad value is reported; the whole list is read in a few polars passes.
        """
        fields = [item for item in LIST_FIELDS[sheet.number] if item.kind != "unused"]
        body = sheet.rows[sheet.heading_row + 1 :]
        first_row = sheet.heading_row + 2
        width = len(sheet.rows[sheet.heading_row])
        transposed = list(itertools.zip_longest(*body, fillvalue="")) or [()] * width
        cells = pl.DataFrame(
            [cells_raw(values).alias(f"_{index}") for index, values in enumerate(transposed)]
        ).select(cells_clean(pl.all()))
        numbers = pl.Series("_row", range(first_row, first_row + len(body)), dtype=pl.Int64)
        texts = [
            (
                pl.col(f"_{sheet.columns[item.key][0]}")
                if item.key in sheet.columns
                else pl.lit(None, dtype=pl.String)
            ).alias(item.key)
            for item in fields
        ]
        # A row with nothing in any column (read or not) is spreadsheet debris.
        filled = pl.any_horizontal(pl.exclude("_row").is_not_null())
        raw = cells.with_columns(numbers).filter(filled).select("_row", *texts)
        checks = [(item, *self.convert(item)) for item in fields]
        # Values first, then which cells are bad (from the values, not converting again).
        checked = raw.with_columns(
            *[value.alias(f"_value_{item.key}") for item, value, _, _ in checks]
        ).with_columns(*[bad.alias(f"_bad_{item.key}") for item, _, bad, _ in checks])
        found = checked.select(
            *[pl.col(f"_bad_{item.key}").any().alias(item.key) for item in fields],
            *[pl.col(item.key).is_null().any().alias(f"_empty_{item.key}") for item in fields],
        ).row(0, named=True)
        for item, _, _, expected in checks:
            heading = sheet.columns.get(item.key, (0, item.heading))[1]
            if found[item.key]:
                bad = checked.filter(f"_bad_{item.key}").select("_row", item.key)
                for row, shown in bad.iter_rows():
                    self.problem(sheet.where(row), expected, heading, shown)
            if item.required and found[f"_empty_{item.key}"]:
                empty = checked.filter(pl.col(item.key).is_null()).get_column("_row")
                for row in empty.to_list():
                    self.problem(sheet.where(row), VALUE_REQUIRED, heading, None)
        return checked.select(
            "_row", *[pl.col(f"_value_{item.key}").alias(item.key) for item in fields]
        )

    @staticmethod
    def convert(item: Field) -> tuple[pl.Expr, pl.Expr, str]:
        """The value, whether the cell is bad, and what was expected, for a field's column."""
        text = pl.col(item.key)
        kind = item.kind
        if kind == "id":
            bad = text.is_not_null() & (text.str.len_chars() > CHILD_ID_MAX)
            return pl.when(~bad).then(text), bad, ID_EXPECTED
        if kind == "name":
            lowered = _coded(text)
            bad = text.is_not_null() & (text.str.len_chars() > NAME_MAX)
            value = pl.when(~bad & ~lowered.is_in(NOBODY) & (lowered != "")).then(text)
            return value, bad, NAME_EXPECTED
        if kind == "yes_no":
            bad = text.is_not_null() & ~yes_no_recognised(text)
            return yes_no_expr(text), bad, YES_NO_EXPECTED
        value, expected = {
            "date": (date_expr, DATE_EXPECTED),
            "sex": (sex_expr, SEX_EXPECTED),
            "ethnicity": (ethnicity_expr, ETHNICITY_EXPECTED),
            "category": (category_expr, CATEGORY_EXPECTED),
            "count": (count_expr, COUNT_EXPECTED),
        }[kind]
        converted = pl.col(f"_value_{item.key}")
        return value(text), text.is_not_null() & converted.is_null(), expected

    def without_repeats(self, sheet: ListSheet, frame: pl.DataFrame) -> pl.DataFrame:
        values = [name for name in frame.columns if name != "_row"]
        repeated = frame.filter(pl.struct(values).is_first_distinct().not_())
        if repeated.height:
            self.notes.append(
                REPEATED_ROWS.format(
                    sheet=sheet.name, rows=_rows_text(repeated.get_column("_row").to_list())
                )
            )
        return frame.filter(pl.struct(values).is_first_distinct())

    def period(self, list5: pl.DataFrame, list7: pl.DataFrame) -> tuple[date | None, date | None]:
        if self.stated is not None:
            start, end, sheet = self.stated
            self.notes.append(PERIOD_STATED.format(start=start, end=end, sheet=sheet))
            return start, end
        dates = pl.concat(
            [
                list5.select(pl.concat_list("s47_start", "icpc_date").alias("d")),
                list7.select(
                    pl.concat_list("plan_start", "plan_end", "last_visit", "latest_review").alias(
                        "d"
                    )
                ),
            ]
        ).explode("d")["d"]
        latest = dates.max()
        if latest is None:
            self.notes.append(NO_DATES)
            return None, None
        earliest_enquiry = list5.get_column("s47_start").min()
        months = 6
        if earliest_enquiry is not None and earliest_enquiry <= add_months(latest, -6):
            months = 12
        start = add_months(latest, -months) + timedelta(days=1)
        self.notes.append(PERIOD_WORKED_OUT.format(start=start, end=latest, months=months))
        return start, latest

    # The canonical frames.

    def frames(
        self,
        sheets: dict[int, ListSheet],
        list5: pl.DataFrame,
        list7: pl.DataFrame,
        period: tuple[date | None, date | None],
    ) -> dict[str, pl.DataFrame]:
        child = pl.col("child")
        list5 = list5.with_columns(
            numbered_when_repeated(
                child_event_ref(child, KINDS["section47"], pl.col("s47_start"))
            ).alias("_s47"),
        )
        list7 = list7.with_columns(
            numbered_when_repeated(
                child_event_ref(child, KINDS["protection_plan"], pl.col("plan_start"))
            ).alias("_plan"),
        )
        frames = {
            "team": self.teams(list5, list7),
            "professional": self.professionals(list5, list7),
            "child": self.children(list5, list7, period[1]),
            "section47": list5.select(
                pl.col("_s47").alias("ref"),
                child,
                pl.col("s47_start").alias("start_date"),
                pl.when(pl.col("icpc_date").is_not_null() | (pl.col("icpc_unnecessary").not_()))
                .then(pl.lit("icpc"))
                .alias("outcome"),
                pl.col("icpc_unnecessary").alias("icpc_not_required"),
                pl.col("team"),
                pl.col("worker"),
            ),
            "protection_plan": list7.select(
                pl.col("_plan").alias("ref"),
                child,
                pl.col("plan_start").alias("start_date"),
                pl.col("plan_end").alias("end_date"),
                "initial_category",
                "latest_category",
                "previous_plans",
                "team",
            ),
            "conference": pl.concat(
                [self.initial_conferences(sheets[5], list5, list7), self.reviews(sheets[7], list7)],
                how="diagonal_relaxed",
            ),
            "visit": self.visits(list7),
            "involvement": self.involvements(list7),
        }
        return frames

    def teams(self, list5: pl.DataFrame, list7: pl.DataFrame) -> pl.DataFrame:
        names = pl.concat([list7.get_column("team"), list5.get_column("team")]).drop_nulls()
        names = names.unique(maintain_order=True)
        return pl.DataFrame({"ref": names, "name": names})

    def professionals(self, list5: pl.DataFrame, list7: pl.DataFrame) -> pl.DataFrame:
        """Each worker once, in the team of their latest enquiry or plan."""
        rows = pl.concat(
            [
                list7.select("worker", "team", pl.col("plan_start").alias("day")),
                list5.select("worker", "team", pl.col("s47_start").alias("day")),
            ]
        ).filter(pl.col("worker").is_not_null())
        latest = (
            rows.with_row_index("_order")
            .sort("day", "_order", nulls_last=False)
            .group_by("worker", maintain_order=True)
            .agg(pl.col("team").drop_nulls().last(), pl.col("_order").min())
            .sort("_order")
        )
        return latest.select(
            pl.col("worker").alias("ref"),
            pl.col("worker").alias("name"),
            pl.lit(PROFESSIONAL_ROLE).alias("role"),
            "team",
        )

    def children(
        self, list5: pl.DataFrame, list7: pl.DataFrame, period_end: date | None
    ) -> pl.DataFrame:
        attributes = ("dob", "sex", "ethnicity", "disability")
        rows = pl.concat([list7.select("child", *attributes), list5.select("child", *attributes)])
        grouped = rows.group_by("child", maintain_order=True).agg(
            *[pl.col(name).drop_nulls().first() for name in attributes],
            *[pl.col(name).drop_nulls().n_unique().alias(f"_{name}_n") for name in attributes],
        )
        labels = {
            "dob": "dates of birth",
            "sex": "genders",
            "ethnicity": "ethnicities",
            "disability": "answers to 'Does the Child have a Disability'",
        }
        for name in attributes:
            differing = grouped.filter(pl.col(f"_{name}_n") > 1).get_column("child").to_list()
            if differing:
                shown = ", ".join(differing[:ROWS_LISTED]) + (
                    f" and {len(differing) - ROWS_LISTED} more"
                    if len(differing) > ROWS_LISTED
                    else ""
                )
                self.notes.append(
                    CHILD_DISAGREES.format(
                        what=labels[name],
                        count=len(differing),
                        s="" if len(differing) == 1 else "ren",
                        children=shown,
                    )
                )
        unborn = pl.col("dob") > pl.lit(period_end) if period_end else pl.lit(False)
        return grouped.select(
            pl.col("child").alias("ref"),
            pl.when(~unborn).then(pl.col("dob")).alias("date_of_birth"),
            pl.when(unborn).then(pl.col("dob")).alias("expected_date_of_birth"),
            pl.col("sex").fill_null("U"),
            "ethnicity",
            pl.when(pl.col("disability"))
            .then(pl.lit(DISABLED))
            .when(pl.col("disability").not_())
            .then(pl.lit("NONE"))
            .alias("disabilities"),
        )

    def initial_conferences(
        self, sheet: ListSheet, list5: pl.DataFrame, list7: pl.DataFrame
    ) -> pl.DataFrame:
        plans = list7.select(
            "child", pl.col("plan_start").alias("icpc_date"), pl.col("_plan").alias("_linked")
        ).unique(subset=["child", "icpc_date"], keep="first", maintain_order=True)
        joined = list5.join(
            plans, on=["child", "icpc_date"], how="left", nulls_equal=False, maintain_order="left"
        )
        started = pl.col("icpc_plan").fill_null(False)
        orphans = joined.filter(
            started & pl.col("icpc_date").is_not_null() & pl.col("_linked").is_null()
        )
        if orphans.height:
            self.notes.append(
                PLAN_NOT_IN_LIST_7.format(
                    sheet=sheet.name, rows=_rows_text(orphans.get_column("_row").to_list())
                )
            )
        undated = joined.filter(started & pl.col("icpc_date").is_null())
        if undated.height:
            self.notes.append(
                PLAN_WITHOUT_CONFERENCE_DATE.format(
                    sheet=sheet.name, rows=_rows_text(undated.get_column("_row").to_list())
                )
            )
        held = joined.filter(pl.col("icpc_date").is_not_null())
        return held.select(
            numbered_when_repeated(
                child_event_ref(pl.col("child"), KINDS["initial_conference"], pl.col("icpc_date"))
            ).alias("ref"),
            "child",
            pl.lit("initial").alias("kind"),
            pl.col("_s47").alias("section47"),
            pl.when(pl.col("icpc_plan").fill_null(True)).then(pl.col("_linked")).alias("plan"),
            pl.col("icpc_date").alias("date_held"),
            pl.when(pl.col("icpc_plan"))
            .then(pl.lit("plan_started"))
            .when(pl.col("icpc_plan").not_())
            .then(pl.lit("no_plan"))
            .alias("outcome"),
        )

    def reviews(self, sheet: ListSheet, list7: pl.DataFrame) -> pl.DataFrame:
        dated = list7.filter(pl.col("latest_review").is_not_null())
        early = dated.filter(pl.col("latest_review") <= pl.col("plan_start"))
        if early.height:
            self.notes.append(
                REVIEW_NOT_AFTER_START.format(
                    sheet=sheet.name, rows=_rows_text(early.get_column("_row").to_list())
                )
            )
        reviews = dated.filter(
            pl.col("plan_start").is_null() | (pl.col("latest_review") > pl.col("plan_start"))
        )
        return reviews.select(
            numbered_when_repeated(
                child_event_ref(
                    pl.col("child"), KINDS["review_conference"], pl.col("latest_review")
                )
            ).alias("ref"),
            "child",
            pl.lit("review").alias("kind"),
            pl.col("_plan").alias("plan"),
            pl.col("latest_review").alias("date_held"),
        )

    def visits(self, list7: pl.DataFrame) -> pl.DataFrame:
        visited = list7.filter(pl.col("last_visit").is_not_null())
        return visited.select(
            numbered_when_repeated(
                child_event_ref(pl.col("child"), KINDS["visit"], pl.col("last_visit"))
            ).alias("ref"),
            pl.col("_plan").alias("plan"),
            "child",
            pl.col("last_visit").alias("date"),
            # Seen alone means seen; otherwise Annex A does not say.
            pl.when(pl.col("seen_alone")).then(True).alias("seen"),
            "seen_alone",
        )

    def involvements(self, list7: pl.DataFrame) -> pl.DataFrame:
        allocated = list7.filter(pl.col("worker").is_not_null())
        return allocated.select(
            numbered_when_repeated(
                child_event_ref(pl.col("child"), KINDS["involvement"], pl.col("plan_start"))
            ).alias("ref"),
            "child",
            pl.col("worker").alias("professional"),
            "team",
            pl.lit(ROLE).alias("role"),
            pl.col("plan_start").alias("start_date"),
            pl.col("plan_end").alias("end_date"),
        )
