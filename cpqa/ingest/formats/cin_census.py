"""The DfE children in need (CIN) census XML file.

The file is read as a stream (lxml iterparse on the end of each Child, which
is then cleared), so memory does not grow with the number of children. Values
are gathered column by column and checked and converted with polars at the end;
a problem names the file, the XML path of the element, the field, the value and
what was expected. What stops a file (see docs/formats/cin-census.md): XML that
is not well formed or not in its declared encoding, no Header/ReferenceDate, a
Child without LAchildID, a date that is not YYYY-MM-DD, a boolean that is not
true/false/1/0, an unknown Sex or GenderCurrent code, a number that is not a
number, and values too long for cpqa to hold. Everything else (an unknown
category of abuse, a missing or inconsistent date) is kept as it is, for the
DfE validation rules to report.

The census carries no identifier for an episode, enquiry, plan or conference:
their refs are derived from the child and the defining date (cpqa.ingest.keys),
so the same enquiry from a CIN census and an Annex A workbook is one record.
UPNs, former UPNs and any names are never read into cpqa (decision 0003).
"""

import re
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from lxml import etree

from cpqa.casework.schema import fact_table
from cpqa.core.periods import add_years
from cpqa.ingest.base import ParsedFile, Problem, register_importer
from cpqa.ingest.keys import KINDS, child_event_ref, numbered_when_repeated

FORMAT = "cin_census"
SOURCE = "cin_census"
EXPECTED_FILE = "a DfE CIN census XML file (Message with Header and Children)"

# What was expected, for the problems that stop a file.
NOT_WELL_FORMED = "the file is not well-formed XML ({reason}); expected complete, well-formed XML"
NOT_IN_ENCODING = (
    "the file has bytes that are not valid {encoding} ({how}); "
    "expected the file to be saved in the encoding it declares"
)
DECLARED_NOT_USED = (
    "the file declares encoding {declared!r} but is written in an ASCII-based encoding "
    'such as UTF-8; expected the declaration to match the file, e.g. encoding="UTF-8"'
)
UNKNOWN_ENCODING = "the file declares encoding {declared!r}, which cpqa cannot read; expected UTF-8"
NOT_CIN_ROOT = "the root element is {tag!r}; expected a CIN census Message with no XML namespace"
EXPECTED_HEADER = "a Header with CollectionDetails and a ReferenceDate (YYYY-MM-DD)"
EXPECTED_REFERENCE_DATE = "the census reference date, written YYYY-MM-DD"
EXPECTED_COLLECTION = "CIN"
EXPECTED_CHILDREN = "a Children element with at least one Child"
EXPECTED_CHILD_ID = "the child's identifier in the local authority's system"
EXPECTED_CHILD_ID_LENGTH = "an identifier of at most {limit} characters"
EXPECTED_ONCE = "at most one {tag} in {parent}"
EXPECTED_UNIQUE_CHILD = "each child once, but this LAchildID is also at {first}"
EXPECTED_VALUE = "a value, not elements inside {tag}"
EXPECTED_DATE = "a date written YYYY-MM-DD"
EXPECTED_BOOLEAN = "true, false, 1 or 0"
EXPECTED_SEX = "a GenderCurrent code (1, 2, 0 or 9) or a Sex code (M, F or U)"
EXPECTED_SAME_SEX = "the same sex as Sex ({sex!r}), or only one of Sex and GenderCurrent"
EXPECTED_COUNT = "a whole number from 0 to 999"
EXPECTED_LENGTH = "at most {limit} characters"
MORE_PROBLEMS = "and {count:,} more problems with {field} like those above"

# Notes: what was read, ignored or tolerated.
NOTE_SUMMARY = (
    "CIN census with reference date {reference} (census year {start} to {reference}), "
    "LEA {lea}: {children:,} children, {episodes:,} CIN episodes, "
    "{assessments:,} assessments, {cin_plans:,} CIN plans, {enquiries:,} section 47 enquiries, "
    "{plans:,} child protection plans, {conferences:,} conferences."
)
NOTE_STRAY_TEXT = "Ignored text between elements, after {path}: {text!r}."
NOTE_MORE_STRAY_TEXT = "Ignored text between elements in {count:,} more places."
NOTE_NOT_HELD = "Not read, by design (cpqa holds no such identifiers, decision 0003): {elements}."
NOTE_NO_FIELD = "Read but not held (cpqa has no field for them): {elements}."
NOTE_PRE_PROCEEDINGS = (
    "Read and ignored {count:,} PreProceedingsandFGDM module(s): cpqa does not hold "
    "pre-proceedings or family group decision making yet."
)
NOTE_UNKNOWN = (
    "Ignored {count:,} {tag} element(s) that are not part of the CIN census, first at {path}."
)

PROBLEMS_PER_FIELD = 50
STRAY_TEXT_NOTES = 20
# Derived refs add up to 30 characters to the child's (e.g. '/review/2025-01-31#12');
# refs are at most 100 characters.
CHILD_ID_LIMIT = 70

SEX_CODES = {"1": "M", "2": "F", "0": "U", "9": "U", "M": "M", "F": "F", "U": "U"}
TRUE_WORDS = ("true", "1")
FALSE_WORDS = ("false", "0")
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
COUNT_PATTERN = r"^\+?0*\d{1,3}$"
WIDE_ENCODINGS = frozenset(
    {"UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "UTF-32LE", "UTF-32BE", "UCS-2", "UCS-4"}
    | {"ISO-10646-UCS-2", "ISO-10646-UCS-4", "UTF16", "UTF32"}
)
ENCODING_ERRORS = frozenset({9, 81})  # libxml2: input not proper UTF-8; invalid bytes
UNSUPPORTED_ENCODING = 32

# Elements read but deliberately not held.
NOT_HELD = frozenset(
    {"UPN", "FormerUPN", "UPNunknown", "PersonName", "Forename", "Surname", "FirstName"}
    | {"LastName", "GivenName", "FamilyName", "PreferredSurname", "FormerSurname"}
)
NO_FIELD = frozenset({"AssessmentInternalReviewDate"})
SILENT = frozenset({"CINdetailsID", "CPPID"})

_DECLARATION = re.compile(
    rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']"
)
_ROOT = re.compile(r"^\ufeff?(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<Message[\s>/]", re.S)
_CIN_COLLECTION = re.compile(r"<Collection>\s*CIN\b")
_CHILD_STRUCTURE = re.compile(r"<Children[\s>].*?<Child[\s>]", re.S)
_POSITION_SUFFIX = re.compile(r", line \d+, column \d+$")

# The raw columns gathered for each record, before they are checked and typed.
# n: the Child's number; c: its CINdetails; k: the module within the CINdetails;
# r and i: the Reviews block and the CPPreviewDate within it.
RAW_COLUMNS: dict[str, tuple[str, ...]] = {
    "child": (
        "n", "ref", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity",
        "disabilities", "date_of_death",
    ),
    "cin_episode": (
        "n", "c", "child", "referral_date", "referral_source", "primary_need", "closure_date",
        "closure_reason", "icpc_date", "referral_nfa",
    ),
    "assessment": ("n", "c", "k", "child", "start_date", "authorisation_date", "factors"),
    "cin_plan": ("n", "c", "k", "child", "start_date", "end_date"),
    "section47": (
        "n", "c", "k", "child", "start_date", "icpc_target_date", "icpc_date",
        "icpc_not_required",
    ),
    "protection_plan": (
        "n", "c", "k", "child", "start_date", "end_date", "initial_category",
        "latest_category", "previous_plans",
    ),
    "review": ("n", "c", "k", "r", "i", "child", "date_held"),
}  # fmt: skip
INDEX_COLUMNS = frozenset({"n", "c", "k", "r", "i"})

DATE, BOOLEAN, COUNT, TEXT = "date", "boolean", "count", "text"
# Each raw column that is checked: (element, as in the file, relative to the record; kind;
# the fact table and column whose length limit applies to text).
CHECKS: dict[str, dict[str, tuple[str, str, tuple[str, str] | None]]] = {
    "child": {
        "date_of_birth": ("ChildIdentifiers[1]/PersonBirthDate", DATE, None),
        "expected_date_of_birth": ("ChildIdentifiers[1]/ExpectedPersonBirthDate", DATE, None),
        "date_of_death": ("ChildIdentifiers[1]/PersonDeathDate", DATE, None),
        "ethnicity": ("ChildCharacteristics[1]/Ethnicity", TEXT, ("child", "ethnicity")),
        "disabilities": (
            "ChildCharacteristics[1]/Disabilities", TEXT, ("child", "disabilities")
        ),
    },
    "cin_episode": {
        "referral_date": ("CINreferralDate", DATE, None),
        "referral_source": ("ReferralSource", TEXT, ("cin_episode", "referral_source")),
        "primary_need": ("PrimaryNeedCode", TEXT, ("cin_episode", "primary_need")),
        "closure_date": ("CINclosureDate", DATE, None),
        "closure_reason": ("ReasonForClosure", TEXT, ("cin_episode", "closure_reason")),
        "icpc_date": ("DateOfInitialCPC", DATE, None),
        "referral_nfa": ("ReferralNFA", BOOLEAN, None),
    },
    "assessment": {
        "start_date": ("AssessmentActualStartDate", DATE, None),
        "authorisation_date": ("AssessmentAuthorisationDate", DATE, None),
        "factors": ("FactorsIdentifiedAtAssessment", TEXT, ("assessment", "factors")),
    },
    "cin_plan": {
        "start_date": ("CINPlanStartDate", DATE, None),
        "end_date": ("CINPlanEndDate", DATE, None),
    },
    "section47": {
        "start_date": ("S47ActualStartDate", DATE, None),
        "icpc_target_date": ("InitialCPCtarget", DATE, None),
        "icpc_date": ("DateOfInitialCPC", DATE, None),
        "icpc_not_required": ("ICPCnotRequired", BOOLEAN, None),
    },
    "protection_plan": {
        "start_date": ("CPPstartDate", DATE, None),
        "end_date": ("CPPendDate", DATE, None),
        "initial_category": (
            "InitialCategoryOfAbuse", TEXT, ("protection_plan", "initial_category")
        ),
        "latest_category": (
            "LatestCategoryOfAbuse", TEXT, ("protection_plan", "latest_category")
        ),
        "previous_plans": ("NumberOfPreviousCPP", COUNT, None),
    },
    "review": {"date_held": ("CPPreviewDate", DATE, None)},
}  # fmt: skip


# The value elements of each container, by slot (their order in the record's raw
# columns), and its groups (repeating or nested elements).
def _slots(*tags: str) -> dict[str, int]:
    return {tag: slot for slot, tag in enumerate(tags)}


IDENTIFIER_SLOTS = _slots(
    "LAchildID", "PersonBirthDate", "ExpectedPersonBirthDate", "Sex", "GenderCurrent",
    "PersonDeathDate",
)  # fmt: skip
CHARACTERISTIC_SLOTS = _slots("Ethnicity")
DETAIL_SLOTS = _slots(
    "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure",
    "DateOfInitialCPC", "ReferralNFA",
)  # fmt: skip
ASSESSMENT_SLOTS = _slots("AssessmentActualStartDate", "AssessmentAuthorisationDate")
CIN_PLAN_SLOTS = _slots("CINPlanStartDate", "CINPlanEndDate")
SECTION47_SLOTS = _slots(
    "S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"
)
PLAN_SLOTS = _slots(
    "CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
)  # fmt: skip
COLLECTION_SLOTS = _slots("Collection", "Year", "ReferenceDate")
SOURCE_SLOTS = _slots("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime")
CHARACTERISTIC_GROUPS = frozenset({"Disabilities"})
DETAIL_GROUPS = frozenset({"Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans"})
ASSESSMENT_GROUPS = frozenset({"FactorsIdentifiedAtAssessment"})
PLAN_GROUPS = frozenset({"Reviews"})
HEADER_GROUPS = frozenset({"CollectionDetails", "Source"})
NOTHING: frozenset[str] = frozenset()


def census_year(*, reference_date: date) -> tuple[date, date]:
    """The census year ending on the reference date: e.g. 1 April 2023 to 31 March 2024."""
    return add_years(reference_date, -1) + timedelta(days=1), reference_date


def _head_text(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    return head.decode("latin-1")


@register_importer
class CINCensusImporter:
    """DfE CIN census XML: a Message with a Header and Children/Child."""

    format = FORMAT
    source = SOURCE
    expected = EXPECTED_FILE

    def detect(self, *, name: str, path: Path, head: bytes) -> bool:
        text = _head_text(head)
        if not _ROOT.match(text):
            return False
        return bool(_CIN_COLLECTION.search(text) or _CHILD_STRUCTURE.search(text))

    def parse(self, *, name: str, path: Path, region: str) -> ParsedFile:
        return _CensusReader(name=name).read(path=path)


class _CensusReader:
    """One file's parse: the columns gathered so far, the problems and the notes."""

    def __init__(self, *, name: str) -> None:
        self.name = name
        self.raw: dict[str, dict[str, list]] = {
            table: {column: [] for column in columns} for table, columns in RAW_COLUMNS.items()
        }
        self.problems: list[Problem] = []
        self.problem_counts: Counter[str] = Counter()
        self.stray: list[str] = []
        self.stray_count = 0
        self.not_held: Counter[str] = Counter()
        self.no_field: Counter[str] = Counter()
        self.unknown: Counter[str] = Counter()
        self.unknown_first: dict[str, str] = {}
        self.pre_proceedings = 0
        self.children = 0
        self.headers = 0
        self.reference_date: date | None = None
        self.lea = ""
        columns = {table: tuple(raw.values()) for table, raw in self.raw.items()}
        self.child_columns = columns["child"]
        self.episode_columns = columns["cin_episode"]
        self.assessment_columns = columns["assessment"]
        self.cin_plan_columns = columns["cin_plan"]
        self.section47_columns = columns["section47"]
        self.plan_columns = columns["protection_plan"]
        self.review_columns = columns["review"]

    # Problems and notes --------------------------------------------------------------

    def problem(self, location: str, field: str, value: str | None, expected: str) -> None:
        self.problem_counts[field] += 1
        if self.problem_counts[field] <= PROBLEMS_PER_FIELD:
            self.problems.append(Problem(self.name, location, field, value, expected))

    def _stray_text(self, path: str, text: str) -> None:
        self.stray_count += 1
        if len(self.stray) < STRAY_TEXT_NOTES:
            self.stray.append(NOTE_STRAY_TEXT.format(path=path, text=text.strip()))

    def _other(self, path: str, tag) -> None:
        """An element that is read but not held, or not part of the census."""
        if not isinstance(tag, str):  # an unresolved entity
            return
        if tag in NOT_HELD:
            self.not_held[tag] += 1
        elif tag in NO_FIELD:
            self.no_field[tag] += 1
        elif tag == "PreProceedingsandFGDM":
            self.pre_proceedings += 1
        elif tag not in SILENT:
            generic = re.sub(r"\[\d+\]", "", f"{path}/{tag}")
            self.unknown[generic] += 1
            self.unknown_first.setdefault(generic, f"{path}/{tag}")

    # Reading ------------------------------------------------------------------------
    # These run for every element of the file: the path of an element is only written
    # out when there is something to say about it.

    def _values(
        self, element, slots: dict[str, int], groups: frozenset[str], path: str
    ) -> tuple[list[str | None], dict[str, list] | None]:
        """A container's values (by slot) and its groups by tag.

        Text between elements is noted and ignored; a value element that appears twice,
        or that holds elements, is a problem.
        """
        values: list[str | None] = [None] * len(slots)
        seen = 0
        nested: dict[str, list] | None = None
        text = element.text
        if text is not None and not text.isspace():
            self._stray_text(f"the start of {path}", text)
        slot_of = slots.get
        for sub in element:
            if sub.tail is not None:
                self._tail(path, sub)
            tag = sub.tag
            slot = slot_of(tag)
            if slot is not None:
                if seen >> slot & 1:
                    self._twice(path, sub)
                    continue
                seen |= 1 << slot
                if len(sub):
                    self.problem(f"{path}/{tag}", tag, None, EXPECTED_VALUE.format(tag=tag))
                    continue
                value = sub.text
                if value is not None:
                    values[slot] = value.strip() or None
            elif tag in groups:
                if nested is None:
                    nested = {tag: [sub]}
                elif tag in nested:
                    nested[tag].append(sub)
                else:
                    nested[tag] = [sub]
            else:
                self._other(path, tag)
        return values, nested

    def _tail(self, path: str, element) -> None:
        tail = element.tail
        if not tail.isspace():
            self._stray_text(_sibling_path(path, element), tail)

    def _twice(self, path: str, element) -> None:
        tag = element.tag
        parent = path.rsplit("/", 1)[-1].split("[")[0]
        self.problem(
            _sibling_path(path, element),
            tag,
            _value_of(element),
            EXPECTED_ONCE.format(tag=tag, parent=parent),
        )

    def _listed(self, elements: list, path: str, tag: str, item: str) -> str | None:
        """A list of codes, e.g. Disabilities/Disability: comma-separated, in order."""
        if len(elements) > 1:
            self._twice(path, elements[1])
        container = elements[0]
        inner = f"{path}/{tag}"
        text = container.text
        if text is not None and not text.isspace():
            self._stray_text(f"the start of {inner}", text)
        codes: list[str] = []
        for sub in container:
            if sub.tail is not None:
                self._tail(inner, sub)
            if sub.tag != item:
                self._other(inner, sub.tag)
            elif len(sub):
                self.problem(_sibling_path(inner, sub), item, None, EXPECTED_VALUE.format(tag=item))
            else:
                value = sub.text
                if value is not None and (value := value.strip()):
                    codes.append(value)
        return ",".join(codes) or None

    def _first(self, nested: dict[str, list] | None, tag: str, path: str):
        """The one element of a group that may appear once (a second is a problem)."""
        if nested is None or tag not in nested:
            return None
        elements = nested[tag]
        if len(elements) > 1:
            self._twice(path, elements[1])
        return elements[0]

    def header(self, element) -> None:
        self.headers += 1
        path = "/Message/Header"
        if self.headers > 1:
            self.problem(
                f"{path}[2]", "Header", None, EXPECTED_ONCE.format(tag="Header", parent="Message")
            )
            return
        _, nested = self._values(element, {}, HEADER_GROUPS, path)
        for number, source in enumerate((nested or {}).get("Source", ()), start=1):
            values, _ = self._values(source, SOURCE_SLOTS, NOTHING, f"{path}/Source[{number}]")
            self.lea = self.lea or values[SOURCE_SLOTS["LEA"]] or ""
        details = self._first(nested, "CollectionDetails", path)
        if details is None:
            self.problem(path, "CollectionDetails", None, EXPECTED_HEADER)
            return
        where = f"{path}/CollectionDetails[1]"
        (collection, _, reference), _ = self._values(details, COLLECTION_SLOTS, NOTHING, where)
        if collection is not None and collection != EXPECTED_COLLECTION:
            self.problem(f"{where}/Collection", "Collection", collection, EXPECTED_COLLECTION)
        day = _date(reference)
        if day is None:
            self.problem(
                f"{where}/ReferenceDate", "ReferenceDate", reference, EXPECTED_REFERENCE_DATE
            )
        self.reference_date = day

    def child(self, element, n: int) -> None:
        """One Child: its identifiers, characteristics and every CINdetails."""
        path = f"/Message/Children/Child[{n}]"
        identifiers = characteristics = None
        details: list = []
        text = element.text
        if text is not None and not text.isspace():
            self._stray_text(f"the start of {path}", text)
        for sub in element:
            if sub.tail is not None:
                self._tail(path, sub)
            tag = sub.tag
            if tag == "CINdetails":
                details.append(sub)
            elif tag == "ChildIdentifiers":
                if identifiers is None:
                    identifiers = sub
                else:
                    self._twice(path, sub)
            elif tag == "ChildCharacteristics":
                if characteristics is None:
                    characteristics = sub
                else:
                    self._twice(path, sub)
            else:
                self._other(path, tag)
        if identifiers is None:
            ref = birth = expected = sex = gender = death = None
        else:
            where = f"{path}/ChildIdentifiers[1]"
            values, _ = self._values(identifiers, IDENTIFIER_SLOTS, NOTHING, where)
            ref, birth, expected, sex, gender, death = values
        if ref is None:
            self.problem(
                f"{path}/ChildIdentifiers[1]/LAchildID", "LAchildID", None, EXPECTED_CHILD_ID
            )
        elif len(ref) > CHILD_ID_LIMIT:
            self.problem(
                f"{path}/ChildIdentifiers[1]/LAchildID",
                "LAchildID",
                ref,
                EXPECTED_CHILD_ID_LENGTH.format(limit=CHILD_ID_LIMIT),
            )
        if gender is None and sex in SEX_CODES:
            sex = SEX_CODES[sex]
        elif sex is not None or gender is not None:
            sex = self._sex(sex, gender, path)
        ethnicity = disabilities = None
        if characteristics is not None:
            where = f"{path}/ChildCharacteristics[1]"
            values, groups = self._values(
                characteristics, CHARACTERISTIC_SLOTS, CHARACTERISTIC_GROUPS, where
            )
            ethnicity = values[0]
            if groups is not None:
                disabilities = self._listed(
                    groups["Disabilities"], where, "Disabilities", "Disability"
                )
        c_n, c_ref, c_birth, c_expected, c_sex, c_ethnicity, c_disabilities, c_death = (
            self.child_columns
        )
        c_n.append(n)
        c_ref.append(ref)
        c_birth.append(birth)
        c_expected.append(expected)
        c_sex.append(sex)
        c_ethnicity.append(ethnicity)
        c_disabilities.append(disabilities)
        c_death.append(death)
        for c, cin in enumerate(details, start=1):
            self._details(cin, f"{path}/CINdetails[{c}]", n, c, ref)

    def _sex(self, sex: str | None, gender: str | None, path: str) -> str | None:
        """Sex (M, F, U or 1, 2, 0, 9) or GenderCurrent (either code set) as M, F or U."""
        meaning = None
        for tag, code in (("Sex", sex), ("GenderCurrent", gender)):
            if code is None:
                continue
            mapped = SEX_CODES.get(code.upper())
            where = f"{path}/ChildIdentifiers[1]/{tag}"
            if mapped is None:
                self.problem(where, tag, code, EXPECTED_SEX)
            elif meaning is not None and mapped != meaning:
                self.problem(where, tag, code, EXPECTED_SAME_SEX.format(sex=sex))
            else:
                meaning = meaning or mapped
        return meaning

    def _details(self, element, path: str, n: int, c: int, child: str | None) -> None:
        values, nested = self._values(element, DETAIL_SLOTS, DETAIL_GROUPS, path)
        _append(self.episode_columns, (n, c, child, *values))
        if nested is None:
            return
        for k, assessment in enumerate(nested.get("Assessments", ()), start=1):
            where = f"{path}/Assessments[{k}]"
            (started, authorised), groups = self._values(
                assessment, ASSESSMENT_SLOTS, ASSESSMENT_GROUPS, where
            )
            factors = None
            if groups is not None:
                factors = self._listed(
                    groups["FactorsIdentifiedAtAssessment"],
                    where,
                    "FactorsIdentifiedAtAssessment",
                    "AssessmentFactors",
                )
            _append(self.assessment_columns, (n, c, k, child, started, authorised, factors))
        for k, dates in enumerate(nested.get("CINPlanDates", ()), start=1):
            values, _ = self._values(dates, CIN_PLAN_SLOTS, NOTHING, f"{path}/CINPlanDates[{k}]")
            _append(self.cin_plan_columns, (n, c, k, child, *values))
        for k, enquiry in enumerate(nested.get("Section47", ()), start=1):
            values, _ = self._values(enquiry, SECTION47_SLOTS, NOTHING, f"{path}/Section47[{k}]")
            _append(self.section47_columns, (n, c, k, child, *values))
        for k, plan in enumerate(nested.get("ChildProtectionPlans", ()), start=1):
            where = f"{path}/ChildProtectionPlans[{k}]"
            values, groups = self._values(plan, PLAN_SLOTS, PLAN_GROUPS, where)
            _append(self.plan_columns, (n, c, k, child, *values))
            if groups is not None:
                for r, reviews in enumerate(groups["Reviews"], start=1):
                    self._reviews(reviews, f"{where}/Reviews[{r}]", (n, c, k, r), child)

    def _reviews(self, element, path: str, place: tuple[int, int, int, int], child) -> None:
        text = element.text
        if text is not None and not text.isspace():
            self._stray_text(f"the start of {path}", text)
        i = 0
        for sub in element:
            if sub.tail is not None:
                self._tail(path, sub)
            if sub.tag != "CPPreviewDate":
                self._other(path, sub.tag)
                continue
            i += 1
            value = None
            if len(sub):
                self.problem(
                    f"{path}/CPPreviewDate[{i}]",
                    "CPPreviewDate",
                    None,
                    EXPECTED_VALUE.format(tag="CPPreviewDate"),
                )
            elif sub.text is not None:
                value = sub.text.strip() or None
            _append(self.review_columns, (*place, i, child, value))

    def read(self, *, path: Path) -> ParsedFile:
        if not self._encoding_declared_right(path):
            return self._result()
        context = etree.iterparse(
            str(path),
            events=("end",),
            tag=("Header", "Child"),
            resolve_entities="internal",
            no_network=True,
            load_dtd=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=True,
        )
        children = None  # the /Message/Children element, once seen
        try:
            for _, element in context:
                parent = element.getparent()
                if parent is not children:
                    if parent is None:
                        continue
                    grandparent = parent.getparent()
                    if element.tag == "Header":
                        if grandparent is None:
                            self.header(element)
                        continue
                    if (
                        grandparent is None
                        or parent.tag != "Children"
                        or grandparent.getparent() is not None
                    ):
                        continue  # a Child out of place: noted as unknown where it is
                    children = parent
                elif element.tag == "Header":
                    continue  # a Header inside Children: noted as unknown there
                self.children += 1
                self.child(element, self.children)
                tail = element.tail
                if tail is not None and not tail.isspace():
                    self._stray_text(f"/Message/Children/Child[{self.children}]", tail)
                element.clear(keep_tail=False)
                while (previous := element.getprevious()) is not None:
                    if previous.tag != "Child":
                        self._other("/Message/Children", previous.tag)
                    del parent[0]
        except etree.XMLSyntaxError as error:
            self._syntax_error(error, path)
            return self._result()
        except etree.LxmlError as error:  # any other failure of the parser, said plainly
            self.problem("", "", None, NOT_WELL_FORMED.format(reason=str(error) or "unreadable"))
            return self._result()
        self._rest(context.root)
        return self._result()

    def _encoding_declared_right(self, path: Path) -> bool:
        with path.open("rb") as handle:
            head = handle.read(200)
        declared = _DECLARATION.match(head)
        if declared is None:
            return True
        name = declared.group(1).decode("ascii").upper().replace("_", "-")
        if name in WIDE_ENCODINGS:
            self.problem(
                "line 1", "", None, DECLARED_NOT_USED.format(declared=declared.group(1).decode())
            )
            return False
        return True

    def _syntax_error(self, error: etree.XMLSyntaxError, path: Path) -> None:
        line, column = error.position if error.position else (0, 0)
        location = f"line {line}, column {column}" if line else ""
        reason = _POSITION_SUFFIX.sub("", (error.msg or str(error)).strip())
        if error.code in ENCODING_ERRORS:
            with path.open("rb") as handle:
                declared = _DECLARATION.match(handle.read(200))
            if declared is None:
                encoding, how = "UTF-8", "no encoding is declared, so XML reads it as UTF-8"
            else:
                encoding = declared.group(1).decode("ascii")
                how = f"the file declares {encoding}"
            expected = NOT_IN_ENCODING.format(encoding=encoding, how=how)
        elif error.code == UNSUPPORTED_ENCODING:
            with path.open("rb") as handle:
                declared = _DECLARATION.match(handle.read(200))
            name = declared.group(1).decode("ascii") if declared else reason
            expected = UNKNOWN_ENCODING.format(declared=name)
        else:
            expected = NOT_WELL_FORMED.format(reason=reason)
        self.problem(location, "", None, expected)

    def _rest(self, root) -> None:
        """What is left of the tree once the children are read: the outer structure."""
        if root is None:
            return
        if root.tag != "Message":
            self.problem("/", "", None, NOT_CIN_ROOT.format(tag=root.tag))
            return
        children_found = False
        text = root.text
        if text is not None and not text.isspace():
            self._stray_text("the start of /Message", text)
        for sub in root:
            tail = sub.tail
            if tail is not None and not tail.isspace():
                self._stray_text(_sibling_path("/Message", sub), tail)
            if sub.tag == "Header":
                continue
            if sub.tag != "Children":
                self._other("/Message", sub.tag)
                continue
            if children_found:
                self.problem(
                    "/Message/Children[2]", "Children", None,
                    EXPECTED_ONCE.format(tag="Children", parent="Message"),
                )  # fmt: skip
                continue
            children_found = True
            inner = sub.text
            if inner is not None and not inner.isspace():
                self._stray_text("the start of /Message/Children", inner)
            for item in sub:
                if item.tag != "Child":
                    self._other("/Message/Children", item.tag)
        if self.headers == 0:
            self.problem("/Message", "Header", None, EXPECTED_HEADER)
        if self.children == 0:
            self.problem("/Message", "Children", None, EXPECTED_CHILDREN)

    # Checking, typing and mapping ---------------------------------------------------

    def _result(self) -> ParsedFile:
        raw = {
            table: pl.DataFrame(
                columns,
                schema={name: pl.Int32 if name in INDEX_COLUMNS else pl.String for name in columns},
            )
            for table, columns in self.raw.items()
        }
        typed = {table: self._check(table, frame) for table, frame in raw.items()}
        self._check_children_unique(typed["child"])
        for field, count in self.problem_counts.items():
            if count > PROBLEMS_PER_FIELD:
                self.problems.append(
                    Problem(
                        self.name, "", "", None,
                        MORE_PROBLEMS.format(count=count - PROBLEMS_PER_FIELD, field=field),
                    )
                )  # fmt: skip
        start, end = (
            census_year(reference_date=self.reference_date) if self.reference_date else (None, None)
        )
        rows_read = sum(frame.height for frame in raw.values())
        rows_read += int(raw["cin_episode"]["icpc_date"].is_not_null().sum())
        rows_read += int(raw["section47"]["icpc_date"].is_not_null().sum())
        parsed = ParsedFile(
            name=self.name,
            format=FORMAT,
            source=SOURCE,
            frames={},
            rows_read=rows_read,
            period_start=start,
            period_end=end,
            problems=self.problems,
            authority_code=self.lea.strip() or None,
            authority_code_at="/Message/Header/Source/LEA",
        )
        if self.problems:
            return parsed
        parsed.frames, parsed.updates = _frames(typed)
        parsed.notes = self._notes(parsed.frames)
        return parsed

    def _check(self, table: str, frame: pl.DataFrame) -> pl.DataFrame:
        """Check the typed columns of one raw table and convert them; report every bad value."""
        converted: list[pl.Series] = []
        for column, (element, kind, limit) in CHECKS[table].items():
            values = frame.get_column(column)
            if kind == DATE:
                typed = values.str.to_date("%Y-%m-%d", strict=False)
                typed = pl.select(
                    pl.when(values.str.contains(DATE_PATTERN)).then(typed).otherwise(None)
                ).to_series()
                expected = EXPECTED_DATE
            elif kind == BOOLEAN:
                lowered = values.str.to_lowercase()
                typed = pl.select(
                    pl.when(lowered.is_in(TRUE_WORDS))
                    .then(True)
                    .when(lowered.is_in(FALSE_WORDS))
                    .then(False)
                    .otherwise(None)
                ).to_series()
                expected = EXPECTED_BOOLEAN
            elif kind == COUNT:
                typed = pl.select(
                    pl.when(values.str.contains(COUNT_PATTERN))
                    .then(values.str.strip_prefix("+").cast(pl.Int64, strict=False))
                    .otherwise(None)
                ).to_series()
                expected = EXPECTED_COUNT
            else:
                assert limit is not None
                maximum = fact_table(limit[0]).column(limit[1]).max_length or 0
                typed = values
                expected = EXPECTED_LENGTH.format(limit=maximum)
                bad = values.str.len_chars() > maximum
                self._report(table, frame, bad, column, element, expected)
                converted.append(typed.alias(column))
                continue
            bad = values.is_not_null() & typed.is_null()
            self._report(table, frame, bad, column, element, expected)
            converted.append(typed.alias(column))
        return frame.with_columns(converted)

    def _report(
        self, table: str, frame: pl.DataFrame, bad: pl.Series, column: str, element: str,
        expected: str,
    ) -> None:  # fmt: skip
        if not bad.any():
            return
        field = element.rsplit("/", 1)[-1].split("[")[0]
        for row in frame.filter(bad).iter_rows(named=True):
            self.problem(_location(table, row, element), field, row[column], expected)

    def _check_children_unique(self, children: pl.DataFrame) -> None:
        refs = children.filter(pl.col("ref").is_not_null())
        repeated = refs.filter(pl.col("ref").is_duplicated())
        if repeated.is_empty():
            return
        first_seen: dict[str, int] = {}
        for n, ref in repeated.select("n", "ref").iter_rows():
            if ref not in first_seen:
                first_seen[ref] = n
                continue
            self.problem(
                f"/Message/Children/Child[{n}]/ChildIdentifiers[1]/LAchildID",
                "LAchildID",
                ref,
                EXPECTED_UNIQUE_CHILD.format(first=f"/Message/Children/Child[{first_seen[ref]}]"),
            )

    def _notes(self, frames: dict[str, pl.DataFrame]) -> list[str]:
        assert self.reference_date is not None
        start, _ = census_year(reference_date=self.reference_date)
        conferences = frames["conference"].height
        notes = [
            NOTE_SUMMARY.format(
                reference=_long_date(self.reference_date),
                start=_long_date(start),
                lea=self.lea or "not given",
                children=frames["child"].height,
                episodes=frames["cin_episode"].height,
                assessments=frames["assessment"].height,
                cin_plans=frames["cin_plan"].height,
                enquiries=frames["section47"].height,
                plans=frames["protection_plan"].height,
                conferences=conferences,
            )
        ]
        notes.extend(self.stray)
        if self.stray_count > len(self.stray):
            notes.append(NOTE_MORE_STRAY_TEXT.format(count=self.stray_count - len(self.stray)))
        if self.not_held:
            notes.append(NOTE_NOT_HELD.format(elements=_counted(self.not_held)))
        if self.no_field:
            notes.append(NOTE_NO_FIELD.format(elements=_counted(self.no_field)))
        if self.pre_proceedings:
            notes.append(NOTE_PRE_PROCEEDINGS.format(count=self.pre_proceedings))
        for generic, count in self.unknown.items():
            notes.append(
                NOTE_UNKNOWN.format(
                    count=count, tag=generic.rsplit("/", 1)[-1], path=self.unknown_first[generic]
                )
            )
        return notes


def _append(columns: tuple[list, ...], values: tuple) -> None:
    """Append one record's values to their columns (the loop runs in C: append gives None)."""
    any(map(list.append, columns, values))


def _sibling_path(path: str, element) -> str:
    """The path of an element among its siblings, numbered as XPath does."""
    tag = element.tag
    if not isinstance(tag, str):
        return path
    number = 1 + sum(1 for sibling in element.itersiblings(preceding=True) if sibling.tag == tag)
    return f"{path}/{tag}[{number}]"


def _value_of(element) -> str | None:
    text = element.text
    return (text.strip() or None) if text is not None else None


def _date(value: str | None) -> date | None:
    if value is None or not re.match(DATE_PATTERN, value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _counted(counts: Counter[str]) -> str:
    return ", ".join(f"{tag} ({count:,})" for tag, count in sorted(counts.items()))


_RECORD_PATHS: dict[str, Callable[[dict], str]] = {
    "child": lambda row: f"/Message/Children/Child[{row['n']}]",
    "cin_episode": lambda row: f"/Message/Children/Child[{row['n']}]/CINdetails[{row['c']}]",
    "assessment": lambda row: (
        f"/Message/Children/Child[{row['n']}]/CINdetails[{row['c']}]/Assessments[{row['k']}]"
    ),
    "cin_plan": lambda row: (
        f"/Message/Children/Child[{row['n']}]/CINdetails[{row['c']}]/CINPlanDates[{row['k']}]"
    ),
    "section47": lambda row: (
        f"/Message/Children/Child[{row['n']}]/CINdetails[{row['c']}]/Section47[{row['k']}]"
    ),
    "protection_plan": lambda row: (
        f"/Message/Children/Child[{row['n']}]/CINdetails[{row['c']}]"
        f"/ChildProtectionPlans[{row['k']}]"
    ),
    "review": lambda row: (
        f"/Message/Children/Child[{row['n']}]/CINdetails[{row['c']}]"
        f"/ChildProtectionPlans[{row['k']}]/Reviews[{row['r']}]"
    ),
}


def _location(table: str, row: dict, element: str) -> str:
    if table == "review":
        return f"{_RECORD_PATHS[table](row)}/{element}[{row['i']}]"
    return f"{_RECORD_PATHS[table](row)}/{element}"


def _ref(kind: str, day: str) -> pl.Expr:
    return numbered_when_repeated(child_event_ref(pl.col("child"), KINDS[kind], pl.col(day)))


def _frames(
    typed: dict[str, pl.DataFrame],
) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Map the checked, typed columns to canonical frames with derived refs.

    Also an update: the outcome `plan_started` of the initial conferences that started a
    plan. It is an update, not a column of the conference frame, because the census says
    nothing of the other conferences' outcomes and so must not clear what another source
    (e.g. an Annex A workbook's "no plan") recorded for them.
    """
    child = typed["child"].select(
        "ref", "date_of_birth", "expected_date_of_birth", "sex", "ethnicity", "disabilities",
        "date_of_death",
    )  # fmt: skip
    episodes = typed["cin_episode"].with_columns(_ref("cin_episode", "referral_date").alias("ref"))
    episode_of = episodes.select("n", "c", pl.col("ref").alias("episode"))

    def within_episode(name: str, kind: str, day: str) -> pl.DataFrame:
        frame = typed[name].join(episode_of, on=["n", "c"], how="left", maintain_order="left")
        return frame.with_columns(_ref(kind, day).alias("ref"))

    assessments = within_episode("assessment", "assessment", "start_date")
    cin_plans = within_episode("cin_plan", "cin_plan", "start_date")
    enquiries = within_episode("section47", "section47", "start_date")
    plans = within_episode("protection_plan", "protection_plan", "start_date")

    # Initial conferences: those of the enquiries, then those recorded at CINdetails level.
    initial = pl.concat(
        [
            enquiries.filter(pl.col("icpc_date").is_not_null()).select(
                "child",
                pl.col("ref").alias("section47"),
                "episode",
                pl.col("icpc_target_date").alias("target_date"),
                pl.col("icpc_date").alias("date_held"),
            ),
            episodes.filter(pl.col("icpc_date").is_not_null()).select(
                "child",
                pl.lit(None, dtype=pl.String).alias("section47"),
                pl.col("ref").alias("episode"),
                pl.lit(None, dtype=pl.Date).alias("target_date"),
                pl.col("icpc_date").alias("date_held"),
            ),
        ]
    ).with_columns(_ref("initial_conference", "date_held").alias("ref"))
    # A plan starting on the day of an initial conference is the plan it started.
    started = (
        plans.filter(pl.col("start_date").is_not_null())
        .unique(subset=["child", "start_date"], keep="first", maintain_order=True)
        .select("child", pl.col("start_date").alias("date_held"), pl.col("ref").alias("plan"))
    )
    initial = initial.join(
        started, on=["child", "date_held"], how="left", maintain_order="left"
    ).with_columns(
        pl.lit("initial").alias("kind"),
        pl.when(pl.col("plan").is_not_null()).then(pl.lit("plan_started")).alias("outcome"),
    )
    reviews = (
        typed["review"]
        .join(
            plans.select("n", "c", "k", pl.col("ref").alias("plan"), "episode"),
            on=["n", "c", "k"],
            how="left",
            maintain_order="left",
        )
        .with_columns(
            _ref("review_conference", "date_held").alias("ref"),
            pl.lit("review").alias("kind"),
            pl.lit(None, dtype=pl.String).alias("section47"),
            pl.lit(None, dtype=pl.Date).alias("target_date"),
        )
    )
    columns = (
        "ref", "child", "kind", "section47", "episode", "plan", "target_date", "date_held",
    )  # fmt: skip
    conferences = pl.concat([initial.select(columns), reviews.select(columns)])
    updates = {"conference": initial.filter(pl.col("plan").is_not_null()).select("ref", "outcome")}
    return {
        "child": child,
        "cin_episode": episodes.select(
            "ref",
            "child",
            "referral_date",
            "referral_source",
            "primary_need",
            "referral_nfa",
            "closure_date",
            "closure_reason",
        ),
        "assessment": assessments.select(
            "ref", "episode", "child", "start_date", "authorisation_date", "factors"
        ),
        "cin_plan": cin_plans.select("ref", "episode", "child", "start_date", "end_date"),
        "section47": enquiries.select(
            "ref",
            "child",
            "episode",
            "start_date",
            # As the Annex A importer has it: a conference held or needed.
            pl.when(pl.col("icpc_date").is_not_null() | pl.col("icpc_not_required").not_())
            .then(pl.lit("icpc"))
            .alias("outcome"),
            "icpc_target_date",
            "icpc_not_required",
        ),
        "protection_plan": plans.select(
            "ref",
            "child",
            "episode",
            "start_date",
            "end_date",
            "initial_category",
            "latest_category",
            "previous_plans",
        ),
        "conference": conferences,
    }, updates
