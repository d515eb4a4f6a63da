"""The importer of Standard Safeguarding Dataset (SSD) tables.

The SSD's table and field definitions are read from cpqa/ingest/data/ssd/*.yml
(the data-to-insight/ssd-data-model objects, copied unchanged). A file is one
SSD table as CSV, or a workbook with one table per sheet; the table is
recognised from the header row (the file or sheet name is only a hint). The
mapping of each table to cpqa's facts is `SSD_MAPPINGS` below, which the data
dictionary also shows.

Departures from the letter of the SSD definitions, each because the SSD's own
guidance or relations contradict it:

- icpc_cp_plan_id is marked required, but its guidance is "CP Plan ID for
  ICPCs resulting in a CP Plan": the column must be there, the value may be
  empty when the conference did not start a plan.
- cppv_cp_plan_id, disa_person_id and disa_disability_code are marked unique,
  but a plan has many visits and a child may have several disabilities: not
  enforced. The identifier of each table (its primary key) must be unique.
- icpc_icpc_id and cppv_cp_visit_id are not marked required; cpqa needs an
  identifier, so when empty one is made from the child (or plan) and the date.
- Columns cpqa needs to make a record (e.g. the child of an involvement) are
  required even where the SSD does not mark them so.
- icpc_icpc_id and cppr_cp_review_id both become a conference's identifier (as
  the local tables of attendance and publication refer to either). A review
  whose identifier is held as an initial conference, or the reverse, is refused
  (casework.services.CONFERENCE_KIND_CLASH) rather than let one replace the other.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from cpqa.casework.models import CategoryOfAbuse, Participation, Sex
from cpqa.casework.schema import fact_table

from ..base import ParsedFile, Problem, register_importer
from ..keys import KINDS, child_event_ref, derived_ref, numbered_when_repeated
from ..models import ImportFormat
from ..tables import (
    SHEET_IGNORED,
    Check,
    Kind,
    NameLookup,
    Problems,
    ReadError,
    Reference,
    Sheet,
    TableFile,
    columns_check,
    duplicates_check,
    head_header,
    references_check,
    sheets_read,
    values_convert,
)

SSD_DIRECTORY = Path(__file__).resolve().parent.parent / "data" / "ssd"

HEADER_NOT_A_TABLE = "the fields of the SSD table {table}: {columns}"
TABLE_TWICE = (
    "the table {table} is also on sheet {other}; expected each SSD table once in a workbook"
)
NOT_USED = "{where}: {table} is an SSD table cpqa does not use; nothing was taken from it."
READ_AS = "{where}: read as {table}, {rows:,} rows, into {target}."
NAMED_OTHERWISE = "{where}: named {hint} but its header row is that of {table}; read as {table}."
IGNORED_FIELDS = "{where}: not held by cpqa, and ignored: {fields}."
IGNORED_BY_DESIGN = (
    "{where}: names, NHS numbers and UPNs are never held by cpqa (data minimisation, "
    "docs/decisions/0003-data-minimisation.md), and were ignored: {fields}."
)
UNKNOWN_FIELDS = "{where}: columns not part of {table} in the SSD were ignored: {fields}."
OUTCOME_JSON_EXPECTED = 'the SSD outcome JSON, such as {"NFA_FLAG": "Y", "CP_CONFERENCE_FLAG": "N"}'


# --- The SSD definitions ---------------------------------------------------------------


@dataclass(frozen=True)
class SsdField:
    name: str
    type: str
    description: str
    required: bool
    foreign_key: str
    guidance: str


@dataclass(frozen=True)
class SsdTable:
    name: str
    fields: tuple[SsdField, ...]

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@cache
def ssd_tables() -> dict[str, SsdTable]:
    """The SSD tables defined in cpqa/ingest/data/ssd/*.yml, by name."""
    tables: dict[str, SsdTable] = {}
    for path in sorted(SSD_DIRECTORY.glob("ssd_*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for node in document.get("nodes", []):
            fields = []
            for item in node.get("fields", []):
                validators = {
                    key: bool((value or {}).get("enabled"))
                    for validator in item.get("validators") or []
                    for key, value in validator.items()
                }
                fields.append(
                    SsdField(
                        name=item["name"].strip().lower(),
                        type=str(item.get("type") or "").lower(),
                        description=str(item.get("description") or "").strip(),
                        required=validators.get("required", False),
                        foreign_key=str(item.get("foreign_key") or ""),
                        guidance=str(item.get("guidance") or "").strip(),
                    )
                )
            tables[node["name"]] = SsdTable(name=node["name"], fields=tuple(fields))
    return tables


def ssd_table_match(header: list[str]) -> SsdTable | None:
    """The SSD table whose fields the header row names, if any."""
    names = {name.strip().lower() for name in header if name and name.strip()}
    best, best_score = None, 0
    for table in ssd_tables().values():
        score = len(names & set(table.field_names))
        if score > best_score:
            best, best_score = table, score
    if best is None or best_score < 2 or best_score * 2 < len(names):
        return None
    return best


# --- The mapping to cpqa's facts --------------------------------------------------------


def _codes(values) -> dict[str, str]:
    return {value: value for value in values}


SEX_CODES = _codes(Sex.values)
ETHNICITY_CODES = {
    **_codes(
        (
            "WBRI",
            "WIRI",
            "WOTH",
            "WIRT",
            "WROM",
            "MWBC",
            "MWBA",
            "MWAS",
            "MOTH",
            "AIND",
            "APKN",
            "ABAN",
            "CHNE",
            "AOTH",
            "BCRB",
            "BAFR",
            "BOTH",
            "OOTH",
            "REFU",
            "NOBT",
        )
    ),
    # The SSD's guidance spells Chinese 'CNHE'; the CIN census code is CHNE.
    "CNHE": "CHNE",
}
PRIMARY_NEED_CODES = _codes(f"N{n}" for n in range(10))
REFERRAL_SOURCE_CODES = _codes(
    (
        "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4",
        "5A", "5B", "5C", "6", "7", "8", "9", "10",
    )
)  # fmt: skip
CLOSURE_REASON_CODES = _codes(f"RC{n}" for n in range(1, 10))
CATEGORY_CODES = {
    **_codes(CategoryOfAbuse.values),
    **{label: value for value, label in CategoryOfAbuse.choices},
    "Multiple": CategoryOfAbuse.MULTIPLE,
}
PARTICIPATION_CODES = _codes(Participation.values)
DISABILITY_CODES = _codes(
    ("NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA")
)
# Words of a job title, in order of precedence, and the role they mean.
ROLE_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bchair", "conference_chair"),
    (r"\breviewing officer\b|\biro\b", "reviewing_officer"),
    (r"\b(assistant|deputy)\b.*\bmanager\b|\batm\b", "assistant_team_manager"),
    (r"\bteam manager\b|\bteam leader\b", "team_manager"),
    (r"\bfamily support\b", "family_support_worker"),
    (r"\bsocial worker\b|\bsocial work practitioner\b|\bpractitioner\b", "social_worker"),
)


@dataclass(frozen=True)
class FieldMap:
    """One SSD field that cpqa reads."""

    field: str
    kind: str
    column: str | None  # the canonical column it feeds; None: used by `finish`
    codes: dict[str, str] | None = None
    references: str | None = None  # the canonical table an identifier points to
    required: bool = False  # needed by cpqa even where the SSD does not say so
    note: str = ""  # how it is mapped, for the data dictionary


@dataclass(frozen=True)
class SsdMapping:
    table: str
    target: str
    id_field: str | None  # None: the file updates records (ssd_disability)
    fields: tuple[FieldMap, ...]
    description: str
    # Fields cpqa never holds, by design (names, NHS number, UPN).
    by_design: tuple[str, ...] = ()
    # Fields whose SSD "required" does not hold for cpqa (see the module docstring).
    value_optional: tuple[str, ...] = ()
    # Table-specific columns, from the converted values.
    finish: Callable[[pl.DataFrame], pl.DataFrame] | None = None
    # Identifier made when id_field is empty: a function of the converted values.
    derive_ref: Callable[[], pl.Expr] | None = None
    lookups: tuple[tuple[str, str, str, str], ...] = ()  # (field, column, target, by)
    extra_columns: dict[str, str] = field(default_factory=dict)  # computed column: note

    def map(self, name: str) -> FieldMap:
        for item in self.fields:
            if item.field == name:
                return item
        raise KeyError(name)


def _json_flag(column: str, key: str) -> pl.Expr:
    """A Y/N flag of an SSD outcome JSON value (keys quoted or not)."""
    value = pl.col(column).str.extract(rf'"?{key}"?\s*:\s*"([^"]*)"', 1).str.to_uppercase()
    return value.is_in(["Y", "YES", "1", "TRUE"])


def _person_finish(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("sex").fill_null(Sex.UNKNOWN))


def _professional_finish(frame: pl.DataFrame) -> pl.DataFrame:
    title = pl.col("_job_title").str.to_lowercase()
    role = pl.lit("other")
    for pattern, value in reversed(ROLE_WORDS):
        role = pl.when(title.str.contains(pattern)).then(pl.lit(value)).otherwise(role)
    return frame.with_columns(role.alias("role"), pl.col("agency").fill_null(False))


def _section47_finish(frame: pl.DataFrame) -> pl.DataFrame:
    source = "_outcome_json"
    icpc = _json_flag(source, "CP_CONFERENCE_FLAG")
    nfa = _json_flag(source, "NFA_FLAG") | pl.col("_nfa").fill_null(False)
    services = _json_flag(source, "PROV_OF_SERVICES_FLAG")
    other = pl.any_horizontal(
        _json_flag(source, key)
        for key in (
            "LEGAL_ACTION_FLAG",
            "PROV_OF_SB_CARE_FLAG",
            "NFA_CONTINUE_SINGLE_FLAG",
            "MONITOR_FLAG",
            "OTHER_OUTCOMES_EXIST_FLAG",
        )
    )
    outcome = (
        pl.when(icpc)
        .then(pl.lit("icpc"))
        .when(nfa)
        .then(pl.lit("nfa"))
        .when(services)
        .then(pl.lit("cin_plan"))
        .when(other)
        .then(pl.lit("other"))
        .otherwise(None)
    )
    return frame.with_columns(outcome.alias("outcome")).with_columns(
        pl.when(pl.col("outcome").is_not_null())
        .then(pl.col("outcome") != "icpc")
        .otherwise(None)
        .alias("icpc_not_required")
    )


def _initial_finish(frame: pl.DataFrame) -> pl.DataFrame:
    started = pl.col("_outcome_cp_flag").fill_null(_json_flag("_outcome_json", "CP_FLAG"))
    return frame.with_columns(
        pl.when(pl.col("_transfer_in").fill_null(False))
        .then(pl.lit("transfer_in"))
        .otherwise(pl.lit("initial"))
        .alias("kind"),
        pl.when(started)
        .then(pl.lit("plan_started"))
        .when(started.not_())
        .then(pl.lit("no_plan"))
        .otherwise(None)
        .alias("outcome"),
    )


def _review_finish(frame: pl.DataFrame) -> pl.DataFrame:
    carry_on = pl.col("_continue")
    return frame.with_columns(
        pl.lit("review").alias("kind"),
        pl.when(carry_on)
        .then(pl.lit("plan_continued"))
        .when(carry_on.not_())
        .then(pl.lit("plan_ended"))
        .otherwise(None)
        .alias("outcome"),
    )


D, F, T, ID, C = Kind.DATE, Kind.FLAG, Kind.TEXT, Kind.ID, Kind.CODE

SSD_MAPPINGS: tuple[SsdMapping, ...] = (
    SsdMapping(
        table="ssd_department",
        target="team",
        id_field="dept_team_id",
        description="One team per row.",
        fields=(
            FieldMap("dept_team_id", ID, "ref", required=True),
            FieldMap("dept_team_name", T, "name", required=True),
            FieldMap("dept_team_parent_name", T, "service", note="the service the team is in"),
        ),
    ),
    SsdMapping(
        table="ssd_professionals",
        target="professional",
        id_field="prof_professional_id",
        description="One worker per row.",
        fields=(
            FieldMap("prof_professional_id", ID, "ref", required=True),
            FieldMap("prof_professional_name", T, "name", required=True),
            FieldMap(
                "prof_professional_job_title",
                T,
                "_job_title",
                note="role, by the words of the title: 'chair' conference chair; 'reviewing "
                "officer' or 'IRO' reviewing officer; 'assistant' or 'deputy' with "
                "'manager' assistant team manager; 'team manager' team manager; 'family "
                "support' family support worker; 'social worker' or 'practitioner' social "
                "worker; otherwise other",
            ),
            FieldMap(
                "prof_professional_department",
                T,
                "_department",
                note="team: the team of that name (dept_team_name), in this import or held",
            ),
            FieldMap("prof_full_time_equivalency", Kind.NUMBER, "fte"),
            FieldMap("prof_agency_worker_flag", F, "agency", note="agency; N if empty"),
        ),
        finish=_professional_finish,
        lookups=(("prof_professional_department", "team", "team", "name"),),
    ),
    SsdMapping(
        table="ssd_person",
        target="child",
        id_field="pers_person_id",
        description="One child per row.",
        fields=(
            FieldMap("pers_person_id", ID, "ref", required=True),
            FieldMap("pers_sex", C, "sex", codes=SEX_CODES, note="U if empty"),
            FieldMap("pers_ethnicity", C, "ethnicity", codes=ETHNICITY_CODES),
            FieldMap("pers_dob", D, "date_of_birth"),
            FieldMap("pers_expected_dob", D, "expected_date_of_birth"),
            FieldMap("pers_death_date", D, "date_of_death"),
        ),
        by_design=("pers_forename", "pers_surname", "pers_common_child_id", "pers_upn"),
        finish=_person_finish,
    ),
    SsdMapping(
        table="ssd_disability",
        target="child",
        id_field=None,
        description=(
            "Updates children held or arriving: their disability codes, comma-separated "
            "in the order given."
        ),
        fields=(
            FieldMap("disa_person_id", ID, "ref", references="child"),
            FieldMap("disa_disability_code", C, "disabilities", codes=DISABILITY_CODES),
        ),
    ),
    SsdMapping(
        table="ssd_involvements",
        target="involvement",
        id_field="invo_involvements_id",
        description="One allocation of a worker to a child per row.",
        fields=(
            FieldMap("invo_involvements_id", ID, "ref", required=True),
            FieldMap("invo_person_id", ID, "child", references="child", required=True),
            FieldMap(
                "invo_professional_id",
                ID,
                "professional",
                references="professional",
                required=True,
            ),
            FieldMap("invo_professional_team", ID, "team", references="team"),
            FieldMap("invo_professional_role_id", T, "role"),
            FieldMap("invo_involvement_start_date", D, "start_date", required=True),
            FieldMap("invo_involvement_end_date", D, "end_date"),
        ),
    ),
    SsdMapping(
        table="ssd_cin_episodes",
        target="cin_episode",
        id_field="cine_referral_id",
        description="One referral and the child-in-need episode it opened per row.",
        fields=(
            FieldMap("cine_referral_id", ID, "ref", required=True),
            FieldMap("cine_person_id", ID, "child", references="child", required=True),
            FieldMap("cine_referral_date", D, "referral_date"),
            FieldMap(
                "cine_referral_source_code", C, "referral_source", codes=REFERRAL_SOURCE_CODES
            ),
            FieldMap("cine_cin_primary_need_code", C, "primary_need", codes=PRIMARY_NEED_CODES),
            FieldMap("cine_referral_nfa", F, "referral_nfa"),
            FieldMap("cine_close_date", D, "closure_date"),
            FieldMap("cine_close_reason", C, "closure_reason", codes=CLOSURE_REASON_CODES),
            FieldMap("cine_referral_team", ID, "team", references="team"),
            FieldMap("cine_referral_worker_id", ID, "worker", references="professional"),
        ),
    ),
    SsdMapping(
        table="ssd_s47_enquiry",
        target="section47",
        id_field="s47e_s47_enquiry_id",
        description="One section 47 enquiry per row.",
        fields=(
            FieldMap("s47e_s47_enquiry_id", ID, "ref", required=True),
            FieldMap("s47e_person_id", ID, "child", references="child", required=True),
            FieldMap("s47e_referral_id", ID, "episode", references="cin_episode"),
            FieldMap("s47e_s47_start_date", D, "start_date"),
            FieldMap("s47e_s47_end_date", D, "end_date"),
            FieldMap("s47e_s47_nfa", F, "_nfa", note="outcome nfa when Y"),
            FieldMap(
                "s47e_s47_outcome_json",
                T,
                "_outcome_json",
                note="outcome: CP_CONFERENCE_FLAG Y icpc; else NFA_FLAG Y nfa; else "
                "PROV_OF_SERVICES_FLAG Y cin_plan; else any other flag Y other; "
                "icpc_not_required is whether the outcome is not icpc",
            ),
            FieldMap("s47e_s47_completed_by_team", ID, "team", references="team"),
            FieldMap("s47e_s47_completed_by_worker_id", ID, "worker", references="professional"),
        ),
        finish=_section47_finish,
        extra_columns={"outcome": "from the outcome JSON", "icpc_not_required": "ditto"},
    ),
    SsdMapping(
        table="ssd_cp_plans",
        target="protection_plan",
        id_field="cppl_cp_plan_id",
        description="One child protection plan per row.",
        fields=(
            FieldMap("cppl_cp_plan_id", ID, "ref", required=True),
            FieldMap("cppl_person_id", ID, "child", references="child", required=True),
            FieldMap("cppl_referral_id", ID, "episode", references="cin_episode"),
            FieldMap("cppl_cp_plan_start_date", D, "start_date"),
            FieldMap("cppl_cp_plan_end_date", D, "end_date"),
            FieldMap(
                "cppl_cp_plan_initial_category",
                C,
                "initial_category",
                codes=CATEGORY_CODES,
                note="the category's name or code",
            ),
            FieldMap(
                "cppl_cp_plan_latest_category",
                C,
                "latest_category",
                codes=CATEGORY_CODES,
                note="the category's name or code",
            ),
        ),
    ),
    SsdMapping(
        table="ssd_initial_cp_conference",
        target="conference",
        id_field="icpc_icpc_id",
        description="One initial (or transfer-in) child protection conference per row.",
        fields=(
            FieldMap("icpc_icpc_id", ID, "ref", note="if empty: child/icpc/date held"),
            FieldMap("icpc_person_id", ID, "child", references="child", required=True),
            FieldMap("icpc_s47_enquiry_id", ID, "section47", references="section47"),
            FieldMap("icpc_referral_id", ID, "episode", references="cin_episode"),
            FieldMap(
                "icpc_cp_plan_id",
                ID,
                "plan",
                references="protection_plan",
                note="empty when no plan started",
            ),
            FieldMap(
                "icpc_icpc_transfer_in",
                F,
                "_transfer_in",
                note="kind transfer_in when Y, otherwise initial",
            ),
            FieldMap("icpc_icpc_target_date", D, "target_date"),
            FieldMap("icpc_icpc_date", D, "date_held"),
            FieldMap(
                "icpc_icpc_outcome_cp_flag",
                F,
                "_outcome_cp_flag",
                note="outcome plan_started when Y, no_plan when N",
            ),
            FieldMap(
                "icpc_icpc_outcome_json",
                T,
                "_outcome_json",
                note="CP_FLAG, used only when icpc_icpc_outcome_cp_flag is empty",
            ),
            FieldMap("icpc_icpc_team", ID, "team", references="team"),
        ),
        value_optional=("icpc_cp_plan_id",),
        finish=_initial_finish,
        derive_ref=lambda: child_event_ref(
            pl.col("child"), KINDS["initial_conference"], pl.col("date_held")
        ),
    ),
    SsdMapping(
        table="ssd_cp_reviews",
        target="conference",
        id_field="cppr_cp_review_id",
        description="One review child protection conference per row (kind review).",
        fields=(
            FieldMap("cppr_cp_review_id", ID, "ref", required=True),
            FieldMap("cppr_person_id", ID, "child", references="child", required=True),
            FieldMap("cppr_cp_plan_id", ID, "plan", references="protection_plan"),
            FieldMap("cppr_cp_review_due", D, "target_date"),
            FieldMap("cppr_cp_review_date", D, "date_held"),
            FieldMap(
                "cppr_cp_review_outcome_continue_cp",
                F,
                "_continue",
                note="outcome plan_continued when Y, plan_ended when N",
            ),
            FieldMap("cppr_cp_review_quorate", F, "quorate"),
            FieldMap("cppr_cp_review_participation", C, "participation", codes=PARTICIPATION_CODES),
        ),
        finish=_review_finish,
    ),
    SsdMapping(
        table="ssd_cp_visits",
        target="visit",
        id_field="cppv_cp_visit_id",
        description="One statutory visit to a child on a plan per row.",
        fields=(
            FieldMap("cppv_cp_visit_id", ID, "ref", note="if empty: plan/visit/date"),
            FieldMap("cppv_cp_plan_id", ID, "plan", references="protection_plan"),
            FieldMap("cppv_person_id", ID, "child", references="child", required=True),
            FieldMap("cppv_cp_visit_date", D, "date"),
            FieldMap("cppv_cp_visit_seen", F, "seen"),
            FieldMap("cppv_cp_visit_seen_alone", F, "seen_alone"),
            FieldMap("cppv_cp_visit_bedroom", F, "bedroom_seen"),
        ),
        derive_ref=lambda: numbered_when_repeated(
            derived_ref(pl.col("plan"), KINDS["visit"], pl.col("date"))
        ),
    ),
    SsdMapping(
        table="ssd_cla_episodes",
        target="looked_after_episode",
        id_field="clae_cla_episode_id",
        description="One episode of being looked after per row.",
        fields=(
            FieldMap("clae_cla_episode_id", ID, "ref", required=True),
            FieldMap("clae_person_id", ID, "child", references="child", required=True),
            FieldMap("clae_cla_episode_start_date", D, "start_date", required=True),
            FieldMap("clae_cla_episode_ceased_date", D, "end_date"),
        ),
    ),
)

MAPPINGS = {mapping.table: mapping for mapping in SSD_MAPPINGS}


def ssd_mapping(table: str) -> SsdMapping:
    return MAPPINGS[table]


def field_required(mapping: SsdMapping, name: str) -> bool:
    """Whether a field's column must be in the file."""
    spec = {f.name: f for f in ssd_tables()[mapping.table].fields}
    item = mapping.map(name)
    return item.required or (name in spec and spec[name].required)


def value_required(mapping: SsdMapping, name: str) -> bool:
    """Whether every row must have a value in the field."""
    return field_required(mapping, name) and name not in mapping.value_optional


def _stem_hint(name: str | None) -> str | None:
    if not name:
        return None
    stem = Path(name).stem.strip().lower()
    for table in ssd_tables():
        if stem == table or re.fullmatch(rf"(.*[_\- ])?{table}([_\- ].*)?", stem):
            return table
    return None


# --- The importer -----------------------------------------------------------------


@register_importer
class SsdImporter:
    format = ImportFormat.SSD
    expected = "an SSD table (" + ", ".join(m.table for m in SSD_MAPPINGS) + ") as CSV or XLSX"

    def detect(self, *, name: str, path: Path, head: bytes) -> bool:
        headers = head_header(name=name, path=path, head=head)
        for sheet, header in headers:
            if ssd_table_match(header) is not None or _stem_hint(sheet) is not None:
                return True
        return bool(headers) and _stem_hint(name) is not None

    def parse(self, *, name: str, path: Path, region: str) -> ParsedFile:
        parsed = TableFile(name=name, format=self.format, source="", frames={}, rows_read=0)
        try:
            sheets = sheets_read(name=name, path=path)
        except ReadError as exc:
            parsed.problems.extend(exc.problems)
            return parsed
        seen: dict[str, str] = {}
        for sheet in sheets:
            parsed.notes.extend(sheet.notes)
            where = ", ".join(part for part in (name, sheet.where()) if part)
            table = ssd_table_match(sheet.header)
            hint = _stem_hint(sheet.sheet) if sheet.sheet is not None else _stem_hint(name)
            if table is None:
                if hint is not None:
                    spec = ssd_tables()[hint]
                    parsed.problems.append(
                        Problem(
                            name,
                            sheet.where(1),
                            "header row",
                            ", ".join(sheet.header),
                            HEADER_NOT_A_TABLE.format(
                                table=hint, columns=", ".join(spec.field_names)
                            ),
                        )
                    )
                else:
                    parsed.notes.append(f"{name}: " + SHEET_IGNORED.format(sheet=sheet.sheet))
                continue
            if hint is not None and hint != table.name:
                parsed.notes.append(
                    NAMED_OTHERWISE.format(where=where, hint=hint, table=table.name)
                )
            if table.name in seen:
                parsed.problems.append(
                    Problem(
                        name,
                        sheet.where(1),
                        "",
                        None,
                        TABLE_TWICE.format(table=table.name, other=seen[table.name]),
                    )
                )
                continue
            seen[table.name] = sheet.sheet or ""
            if table.name not in MAPPINGS:
                parsed.notes.append(NOT_USED.format(where=where, table=table.name))
                continue
            _table_parse(parsed=parsed, sheet=sheet, mapping=MAPPINGS[table.name], where=where)
        tables = [table for table in seen if table in MAPPINGS]
        parsed.source = tables[0] if len(tables) == 1 else "ssd"
        return parsed

    def batch_check(self, *, authority, parsed) -> dict[int, list[Problem]]:
        return references_check(
            authority=authority, parsed=parsed, mine=lambda one: one.format == self.format
        )


def _checks(mapping: SsdMapping) -> list[Check]:
    canonical = fact_table(mapping.target)
    checks = []
    for item in mapping.fields:
        max_length = None
        if item.column and not item.column.startswith("_") and item.references is None:
            max_length = canonical.column(item.column).max_length
            if mapping.id_field is None and item.column == "disabilities":
                max_length = None
        checks.append(
            Check(
                name=item.field,
                kind=item.kind,
                required=value_required(mapping, item.field),
                codes=item.codes,
                max_length=max_length,
            )
        )
    return checks


def _table_parse(*, parsed: TableFile, sheet: Sheet, mapping: SsdMapping, where: str) -> None:
    spec = ssd_tables()[mapping.table]
    checks = _checks(mapping)
    problems = Problems(sheet=sheet)
    required_columns = [
        Check(name=c.name, kind=c.kind, required=field_required(mapping, c.name)) for c in checks
    ]
    columns_check(sheet=sheet, checks=required_columns, problems=problems)
    mapped = {item.field for item in mapping.fields}
    by_design = [name for name in sheet.header if name in mapping.by_design]
    ignored = [
        name
        for name in sheet.header
        if name in spec.field_names and name not in mapped and name not in by_design
    ]
    unknown = [name for name in sheet.header if name not in spec.field_names]
    if by_design:
        parsed.notes.append(IGNORED_BY_DESIGN.format(where=where, fields=", ".join(by_design)))
    if ignored:
        parsed.notes.append(IGNORED_FIELDS.format(where=where, fields=", ".join(ignored)))
    if unknown:
        parsed.notes.append(
            UNKNOWN_FIELDS.format(where=where, table=mapping.table, fields=", ".join(unknown))
        )
    values = values_convert(sheet=sheet, checks=checks, problems=problems)
    json_fields = [item.field for item in mapping.fields if item.field.endswith("_outcome_json")]
    for name in json_fields:
        if name in sheet.frame.columns:
            raw = sheet.frame.get_column(name)
            bad = raw.is_not_null() & ~raw.str.contains(r"^\{.*\}$")
            problems.add_rows(mask=bad, field_name=name, values=raw, expected=OUTCOME_JSON_EXPECTED)
    frame = values.select(pl.col(item.field).alias(item.column) for item in mapping.fields)
    parsed.rows_read += frame.height
    if mapping.finish is not None:
        frame = mapping.finish(frame)
    if mapping.id_field is None:
        _disability_updates(parsed=parsed, frame=frame, sheet=sheet, mapping=mapping)
        parsed.problems.extend(problems.items)
        return
    if mapping.derive_ref is not None:
        frame = frame.with_columns(pl.coalesce(pl.col("ref"), mapping.derive_ref()).alias("ref"))
    duplicates_check(
        sheet=sheet, ids=frame.get_column("ref"), field_name=mapping.id_field, problems=problems
    )
    for field_name, column, target, by in mapping.lookups:
        if field_name in sheet.frame.columns:
            parsed.lookups.append(
                NameLookup(
                    table=mapping.target,
                    column=column,
                    target=target,
                    target_name_column=by,
                    names=frame.get_column(mapping.map(field_name).column),
                    field=field_name,
                    sheet=sheet.sheet,
                    rows=sheet.rows,
                )
            )
    canonical = [c for c in fact_table(mapping.target).column_names if c in frame.columns]
    # A column given by name is filled once the whole import is known (batch_check);
    # a column the file does not have is left out, so the records held keep theirs.
    lookup_columns = [
        column for field_name, column, _, _ in mapping.lookups if field_name in sheet.frame.columns
    ]
    frame = frame.select(
        *canonical,
        *(pl.lit(None, dtype=pl.String).alias(c) for c in lookup_columns if c not in canonical),
    )
    if mapping.target in parsed.frames:
        # Two SSD tables feed conferences: initial conferences and reviews.
        parsed.frames[mapping.target] = pl.concat(
            [parsed.frames[mapping.target], frame], how="diagonal_relaxed"
        )
        offset = parsed.frames[mapping.target].height - frame.height
    else:
        parsed.frames[mapping.target] = frame
        offset = 0
    for item in mapping.fields:
        if item.references is None or item.field not in sheet.frame.columns:
            continue
        parsed.references.append(
            Reference(
                table=mapping.target,
                column=item.column,
                target=item.references,
                field=item.field,
                sheet=sheet.sheet,
                rows=_offset_rows(sheet.rows, offset, parsed.frames[mapping.target].height),
            )
        )
    if offset:
        _align_references(parsed=parsed, table=mapping.target, offset=offset)
    parsed.notes.append(
        READ_AS.format(where=where, table=mapping.table, rows=frame.height, target=mapping.target)
    )
    parsed.problems.extend(problems.items)


def _offset_rows(rows: pl.Series, offset: int, height: int) -> pl.Series:
    """Rows of a frame appended after `offset` others: null for the rows before."""
    if not offset:
        return rows
    return pl.concat([pl.Series("row", [None] * offset, dtype=pl.Int64), rows])


def _align_references(*, parsed: TableFile, table: str, offset: int) -> None:
    """After appending to a frame, pad the earlier references' rows to its new height."""
    height = parsed.frames[table].height
    aligned = []
    for reference in parsed.references:
        if reference.table == table and not reference.updates and reference.rows.len() < height:
            pad = pl.Series("row", [None] * (height - reference.rows.len()), dtype=pl.Int64)
            reference = Reference(
                table=reference.table,
                column=reference.column,
                target=reference.target,
                field=reference.field,
                sheet=reference.sheet,
                rows=pl.concat([reference.rows, pad]),
                updates=reference.updates,
            )
        aligned.append(reference)
    parsed.references = aligned


def _disability_updates(
    *, parsed: TableFile, frame: pl.DataFrame, sheet: Sheet, mapping: SsdMapping
) -> None:
    """ssd_disability: each child's codes, comma-separated, as updates of children."""
    codes = (
        frame.with_row_index("_order")
        .filter(pl.col("ref").is_not_null() & pl.col("disabilities").is_not_null())
        .unique(subset=["ref", "disabilities"], keep="first")
        .sort("_order")
        .group_by("ref", maintain_order=True)
        .agg(pl.col("disabilities").str.join(","))
    )
    parsed.updates["child"] = codes
    rows = (
        pl.DataFrame({"ref": frame.get_column("ref"), "row": sheet.rows})
        .filter(pl.col("ref").is_not_null())
        .group_by("ref", maintain_order=True)
        .agg(pl.col("row").first())
    )
    parsed.references.append(
        Reference(
            table="child",
            column="ref",
            target="child",
            field="disa_person_id",
            sheet=sheet.sheet,
            rows=codes.join(rows, on="ref", how="left").get_column("row"),
            updates=True,
        )
    )
