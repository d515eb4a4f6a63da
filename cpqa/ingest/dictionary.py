"""The data dictionary: cpqa's local tables, and how each national format maps to the facts.

Generated from the same definitions the importers use (local_tables.py and
the SSD mapping in formats/ssd.py), so the documentation cannot drift from the
checks. `cpqa datadictionary` writes docs/data-dictionary.md; a test fails if
the committed file differs from what this module generates. The app's data
dictionary page and the empty templates come from here too.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cpqa.casework.schema import fact_table

from .formats.ssd import SSD_MAPPINGS, SsdMapping, field_required, ssd_tables, value_required
from .local_tables import LOCAL_TABLES, RECORDS, LocalTable
from .tables import CSV, FORMATS, KIND_NAMES, table_write

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "data-dictionary.md"


@dataclass(frozen=True)
class CinElement:
    element: str
    fact: str
    note: str = ""


# How the DfE CIN census XML maps to cpqa's facts (cpqa/ingest/formats/cin_census.py).
CIN_CENSUS_ELEMENTS: tuple[CinElement, ...] = (
    CinElement("LAchildID", "child.ref"),
    CinElement("UPN, FormerUPN, UPNunknown", "not held", "never read (decision 0003)"),
    CinElement("PersonBirthDate", "child.date_of_birth"),
    CinElement("ExpectedPersonBirthDate", "child.expected_date_of_birth"),
    CinElement("Sex or GenderCurrent", "child.sex", "1 M, 2 F, 0 or 9 U"),
    CinElement("PersonDeathDate", "child.date_of_death"),
    CinElement("Ethnicity", "child.ethnicity"),
    CinElement("Disability", "child.disabilities", "comma-separated"),
    CinElement("CINreferralDate", "cin_episode.referral_date"),
    CinElement("ReferralSource", "cin_episode.referral_source"),
    CinElement("PrimaryNeedCode", "cin_episode.primary_need"),
    CinElement("CINclosureDate", "cin_episode.closure_date"),
    CinElement("ReasonForClosure", "cin_episode.closure_reason"),
    CinElement("ReferralNFA", "cin_episode.referral_nfa"),
    CinElement("AssessmentActualStartDate", "assessment.start_date"),
    CinElement("AssessmentAuthorisationDate", "assessment.authorisation_date"),
    CinElement("AssessmentFactors", "assessment.factors", "comma-separated"),
    CinElement("CINPlanStartDate", "cin_plan.start_date"),
    CinElement("CINPlanEndDate", "cin_plan.end_date"),
    CinElement("S47ActualStartDate", "section47.start_date"),
    CinElement("InitialCPCtarget", "section47.icpc_target_date"),
    CinElement("ICPCnotRequired", "section47.icpc_not_required"),
    CinElement("DateOfInitialCPC", "conference.date_held", "an initial conference"),
    CinElement("CPPstartDate", "protection_plan.start_date"),
    CinElement("CPPendDate", "protection_plan.end_date"),
    CinElement("InitialCategoryOfAbuse", "protection_plan.initial_category"),
    CinElement("LatestCategoryOfAbuse", "protection_plan.latest_category"),
    CinElement("NumberOfPreviousCPP", "protection_plan.previous_plans"),
    CinElement("CPPreviewDate", "conference.date_held", "a review conference"),
)

DECISIONS: tuple[str, ...] = (
    "Files are CSV or XLSX. A CSV file is UTF-8, with or without a byte-order mark "
    "(Excel: 'CSV UTF-8 (Comma delimited)'). UTF-16 with a byte-order mark is read too. "
    "Any other encoding (for example Windows-1252 or Latin-1 from Excel's plain 'CSV') is "
    "refused, naming the line of the first character that is not UTF-8: cpqa does not guess.",
    "The first row is the header. Each table is recognised from its header row; the file "
    "or sheet name is only a hint. Column names are read without regard to case or "
    "surrounding spaces.",
    "A workbook may hold several tables, one per sheet. A sheet whose header is not that of a "
    "table cpqa knows is ignored, with a note (for example a read-me sheet); a sheet named "
    "after a table whose header does not match it is a problem.",
    "Rows are numbered as a spreadsheet shows them: the header is row 1. Empty rows are "
    "skipped; so is a row whose first cell starts with 'NOTE:' (the notes row of a template).",
    "Dates: YYYY-MM-DD, an ISO date and time (SQL Server's 'YYYY-MM-DD HH:MM:SS.000' too; the "
    "time is dropped), or dd/mm/yyyy. Flags: Y or N; 1 or 0, true or false, yes or no are "
    "accepted too. An empty cell, and the SSD's literal PLACEHOLDER_DATA, mean not recorded.",
    "Every problem in every file is reported, with the file, sheet, row, field, value and "
    "what was expected (up to 50 of each kind per sheet, then a count); if any file of an "
    "import has a problem, nothing is imported.",
    "A reference (for example a plan's child) must match a record in the same import or one "
    "already held.",
    "An SSD table or a local table of whole records replaces the records it holds (by "
    "identifier); a newer extract of the same table supersedes the older one, and records "
    "the newer one no longer holds are removed. A table of updates (conference_details, "
    "ssd_disability) sets only its columns of records held or arriving, and loads after "
    "them.",
)


def _esc(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def ssd_rows(mapping: SsdMapping) -> list[dict[str, str]]:
    """For the dictionary: each SSD field cpqa reads and what it becomes."""
    spec = {f.name: f for f in ssd_tables()[mapping.table].fields}
    rows = []
    for item in mapping.fields:
        if item.column and not item.column.startswith("_"):
            becomes = f"{mapping.target}.{item.column}"
        else:
            becomes = f"{mapping.target} (see note)"
        if mapping.id_field is None and item.column == "ref":
            becomes = "the child updated"
        required = (
            "yes"
            if value_required(mapping, item.field)
            else "column only"
            if field_required(mapping, item.field)
            else "no"
        )
        notes = []
        if item.codes:
            notes.append("codes: " + ", ".join(dict.fromkeys(item.codes.values())))
        if item.references:
            notes.append(f"must match a {item.references.replace('_', ' ')}")
        if item.note:
            notes.append(item.note)
        rows.append(
            {
                "field": item.field,
                "description": spec[item.field].description if item.field in spec else "",
                "required": required,
                "becomes": becomes,
                "notes": "; ".join(notes),
            }
        )
    return rows


def ssd_ignored(mapping: SsdMapping) -> list[str]:
    used = {item.field for item in mapping.fields}
    return [name for name in ssd_tables()[mapping.table].field_names if name not in used]


def local_rows(table: LocalTable) -> list[dict[str, str]]:
    canonical = fact_table(table.target)
    rows = []
    for column in table.columns:
        feeds = "the record's identifier" if column.column == "ref" else ""
        if column.column and column.column != "ref":
            feeds = f"{table.target}.{column.column}"
        if table.mode != RECORDS and column.column == "ref":
            feeds = f"the {table.target.replace('_', ' ')} updated"
        rows.append(
            {
                "column": column.name,
                "type": KIND_NAMES[column.kind],
                "required": "yes" if column.required else "no",
                "allowed": column.allowed,
                "description": column.description,
                "example": column.example,
                "feeds": feeds,
                "help": canonical.column(column.column).help_text
                if column.column and column.column in canonical.column_names
                else "",
            }
        )
    return rows


def dictionary_markdown() -> str:
    """docs/data-dictionary.md."""
    out: list[str] = [
        "# cpqa data dictionary",
        "",
        "Generated by `cpqa datadictionary` from cpqa/ingest/local_tables.py and "
        "cpqa/ingest/formats/ssd.py: do not edit by hand. The same definitions drive the "
        "importers' checks, the data dictionary page and the empty templates.",
        "",
        "## How files are read",
        "",
        *(f"- {text}" for text in DECISIONS),
        "",
        "## cpqa's local tables",
        "",
        "For what none of the national formats carry. One table per CSV file, or per sheet of "
        "a workbook; the header row must use the column names below. Empty templates (CSV and "
        "XLSX) are on the data dictionary page.",
        "",
    ]
    for table in LOCAL_TABLES:
        mode = (
            "whole records (inserted, or replaced by identifier)"
            if table.mode == RECORDS
            else "updates of records held or arriving (only the columns present)"
        )
        out += [
            f"### {table.name}",
            "",
            table.description,
            "",
            f"Feeds `{table.target}`: {mode}.",
            "",
            "| column | type | required | allowed | description | example | feeds |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in local_rows(table):
            out.append(
                "| "
                + " | ".join(
                    _esc(row[key])
                    for key in (
                        "column",
                        "type",
                        "required",
                        "allowed",
                        "description",
                        "example",
                        "feeds",
                    )
                )
                + " |"
            )
        out.append("")
    out += [
        "## Standard Safeguarding Dataset (SSD) tables",
        "",
        "Field definitions from cpqa/ingest/data/ssd/*.yml (data-to-insight/ssd-data-model). "
        "'column only': the column must be in the file, a value may be empty. Fields not "
        "listed are read but not held.",
        "",
    ]
    for mapping in SSD_MAPPINGS:
        out += [
            f"### {mapping.table}",
            "",
            f"{mapping.description} Feeds `{mapping.target}`.",
            "",
            "| field | description | required | becomes | notes |",
            "|---|---|---|---|---|",
        ]
        for row in ssd_rows(mapping):
            out.append(
                "| "
                + " | ".join(
                    _esc(row[key])
                    for key in ("field", "description", "required", "becomes", "notes")
                )
                + " |"
            )
        ignored = ssd_ignored(mapping)
        out.append("")
        if mapping.by_design:
            out += [
                "Never held, by design (decision 0003, data minimisation): "
                + ", ".join(mapping.by_design)
                + ".",
                "",
            ]
        ignored = [name for name in ignored if name not in mapping.by_design]
        if ignored:
            out += ["Not held: " + ", ".join(ignored) + ".", ""]
    out += [
        "## DfE CIN census (XML)",
        "",
        "| element | becomes | notes |",
        "|---|---|---|",
        *(
            f"| {_esc(item.element)} | {_esc(item.fact)} | {_esc(item.note)} |"
            for item in CIN_CENSUS_ELEMENTS
        ),
        "",
        "The CIN census identifies a child but not their episodes, enquiries, plans or "
        "conferences: cpqa makes an identifier for each from the child and the date that "
        "defines it (cpqa/ingest/keys.py), the same way in every importer.",
        "",
    ]
    return "\n".join(out)


def dictionary_write(*, path: Path = DOCUMENT) -> Path:
    path.write_text(dictionary_markdown(), encoding="utf-8")
    return path


def template_notes(table: LocalTable) -> pl.DataFrame:
    rows = local_rows(table)
    return pl.DataFrame(
        {
            "column": [row["column"] for row in rows],
            "notes": [
                f"{row['description']} {'Required.' if row['required'] == 'yes' else 'Optional.'} "
                f"Allowed: {row['allowed']}. Example: {row['example']}"
                for row in rows
            ],
            "type": [row["type"] for row in rows],
            "required": [row["required"] for row in rows],
            "allowed": [row["allowed"] for row in rows],
            "example": [row["example"] for row in rows],
        }
    )


def template_content(*, table: LocalTable, format: str) -> tuple[str, bytes, str]:
    """An empty template of a local table: (file name, bytes, content type)."""
    if format not in FORMATS:
        raise ValueError(format)
    frame = pl.DataFrame(schema=dict.fromkeys(table.column_names, pl.String))
    with tempfile.TemporaryDirectory() as directory:
        path = table_write(
            frame=frame,
            name=table.name,
            directory=Path(directory),
            format=format,
            notes=template_notes(table),
        )
        content = path.read_bytes()
    content_type = (
        "text/csv; charset=utf-8"
        if format == CSV
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return f"{table.name}.{format}", content, content_type
