"""Hand-written SSD tables and helpers to write them as CSV or XLSX, for the SSD tests."""

import csv
import datetime as dt
import io
from pathlib import Path

import xlsxwriter

# A small authority, worked by hand: two teams, three workers, two children
# (C1 on a plan, C2 referred and closed), one of each event.
SSD: dict[str, list[list[str]]] = {
    "ssd_department": [
        ["dept_team_id", "dept_team_name", "dept_team_parent_id", "dept_team_parent_name"],
        ["T1", "North Safeguarding", "S1", "North Locality"],
        ["T2", "South Safeguarding", "", "South Locality"],
    ],
    "ssd_professionals": [
        [
            "prof_professional_id",
            "prof_staff_id",
            "prof_professional_name",
            "prof_professional_job_title",
            "prof_professional_department",
            "prof_full_time_equivalency",
            "prof_agency_worker_flag",
        ],
        ["P1", "S001", "Ann Jones", "Senior Social Worker", "North Safeguarding", "1", "N"],
        ["P2", "S002", "Bob Smith", "Assistant Team Manager", "North Safeguarding", "0.8", "Y"],
        ["P3", "", "Cat Brown", "Child Protection Chair", "", "", ""],
    ],
    "ssd_person": [
        [
            "pers_person_id",
            "pers_forename",
            "pers_surname",
            "pers_sex",
            "pers_ethnicity",
            "pers_dob",
            "pers_common_child_id",
            "pers_expected_dob",
            "pers_death_date",
        ],
        ["C1", "Amy", "Example", "F", "WBRI", "2015-06-01 00:00:00.000", "9434765919", "", ""],
        ["C2", "Ben", "Example", "M", "CNHE", "01/02/2019", "", "", ""],
    ],
    "ssd_disability": [
        ["disa_person_id", "disa_table_id", "disa_disability_code"],
        ["C1", "D1", "LD"],
        ["C1", "D2", "AUT"],
        ["C2", "D3", "NONE"],
    ],
    "ssd_involvements": [
        [
            "invo_involvements_id",
            "invo_professional_id",
            "invo_professional_role_id",
            "invo_professional_team",
            "invo_involvement_start_date",
            "invo_involvement_end_date",
            "invo_worker_change_reason",
            "invo_person_id",
            "invo_referral_id",
        ],
        ["I1", "P1", "Allocated Social Worker", "T1", "2025-01-03", "", "", "C1", "R1"],
    ],
    "ssd_cin_episodes": [
        [
            "cine_referral_id",
            "cine_person_id",
            "cine_referral_date",
            "cine_cin_primary_need_code",
            "cine_referral_source_code",
            "cine_referral_nfa",
            "cine_close_reason",
            "cine_close_date",
            "cine_referral_team",
            "cine_referral_worker_id",
        ],
        ["R1", "C1", "2025-01-02", "N1", "5A", "N", "", "", "T1", "P1"],
        ["R2", "C2", "2025-02-10", "N4", "1B", "Y", "RC8", "2025-02-12", "T2", ""],
    ],
    "ssd_s47_enquiry": [
        [
            "s47e_s47_enquiry_id",
            "s47e_referral_id",
            "s47e_person_id",
            "s47e_s47_start_date",
            "s47e_s47_end_date",
            "s47e_s47_nfa",
            "s47e_s47_outcome_json",
            "s47e_s47_completed_by_team",
            "s47e_s47_completed_by_worker_id",
        ],
        [
            "E1",
            "R1",
            "C1",
            "2025-01-06",
            "2025-01-20",
            "N",
            '{"NFA_FLAG": "", "CP_CONFERENCE_FLAG": "Y", "OTHER_OUTCOMES_EXIST_FLAG": ""}',
            "T1",
            "P1",
        ],
    ],
    "ssd_cp_plans": [
        [
            "cppl_cp_plan_id",
            "cppl_referral_id",
            "cppl_icpc_id",
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "cppl_cp_plan_end_date",
            "cppl_cp_plan_initial_category",
            "cppl_cp_plan_ola",
            "cppl_cp_plan_latest_category",
        ],
        ["CP1", "R1", "IC1", "C1", "2025-01-27", "", "Neglect", "N", "EMO"],
    ],
    "ssd_initial_cp_conference": [
        [
            "icpc_icpc_id",
            "icpc_icpc_meeting_id",
            "icpc_s47_enquiry_id",
            "icpc_person_id",
            "icpc_cp_plan_id",
            "icpc_referral_id",
            "icpc_icpc_transfer_in",
            "icpc_icpc_target_date",
            "icpc_icpc_date",
            "icpc_icpc_outcome_cp_flag",
            "icpc_icpc_outcome_json",
            "icpc_icpc_team",
            "icpc_icpc_worker_id",
        ],
        [
            "IC1",
            "M1",
            "E1",
            "C1",
            "CP1",
            "R1",
            "N",
            "2025-01-27",
            "2025-01-27",
            "Y",
            "",
            "T1",
            "P2",
        ],
    ],
    "ssd_cp_reviews": [
        [
            "cppr_cp_review_id",
            "cppr_person_id",
            "cppr_cp_plan_id",
            "cppr_cp_review_due",
            "cppr_cp_review_date",
            "cppr_cp_review_meeting_id",
            "cppr_cp_review_outcome_continue_cp",
            "cppr_cp_review_quorate",
            "cppr_cp_review_participation",
        ],
        ["RV1", "C1", "CP1", "2025-04-21", "2025-04-17", "M2", "Y", "N", "PN5"],
    ],
    "ssd_cp_visits": [
        [
            "cppv_cp_visit_id",
            "cppv_person_id",
            "cppv_cp_plan_id",
            "cppv_cp_visit_date",
            "cppv_cp_visit_seen",
            "cppv_cp_visit_seen_alone",
            "cppv_cp_visit_bedroom",
        ],
        ["V1", "C1", "CP1", "2025-02-03", "Y", "yes", "1"],
        ["", "C1", "CP1", "2025-02-14", "N", "false", "0"],
    ],
    "ssd_cla_episodes": [
        [
            "clae_cla_episode_id",
            "clae_person_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_start_reason",
            "clae_cla_episode_ceased_date",
        ],
        ["LA1", "C1", "2025-05-01", "S", ""],
    ],
}


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(directory: Path, name: str, rows: list[list[str]], encoding="utf-8") -> Path:
    path = directory / name
    path.write_bytes(csv_bytes(rows, encoding))
    return path


def _cell(value: str):
    """Dates as real dates, as a workbook would hold them; the rest as text."""
    if len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def write_xlsx(directory: Path, name: str, sheets: dict[str, list[list[str]]]) -> Path:
    path = directory / name
    with xlsxwriter.Workbook(str(path)) as workbook:
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for sheet_name, rows in sheets.items():
            sheet = workbook.add_worksheet(sheet_name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    cell = _cell(value) if r else value
                    if isinstance(cell, dt.datetime):
                        sheet.write_datetime(r, c, cell, date_format)
                    elif cell != "":
                        sheet.write_string(r, c, cell)
    return path


def ssd_csv_files(directory: Path, tables: dict[str, list[list[str]]] | None = None):
    tables = SSD if tables is None else tables
    return [
        (f"{name}.csv", write_csv(directory, f"{name}.csv", rows)) for name, rows in tables.items()
    ]


def replace(table: str, row: int, column: str, value: str) -> dict[str, list[list[str]]]:
    """The SSD tables with one value changed (row 1 is the first row of data)."""
    tables = {name: [list(r) for r in rows] for name, rows in SSD.items()}
    header = tables[table][0]
    tables[table][row][header.index(column)] = value
    return tables
