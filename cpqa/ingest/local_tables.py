"""cpqa's local tables: what the national formats do not carry, defined once.

Each table is one CSV file or one sheet of a workbook. The definitions here
are the single source of the local-table importer's checks, the data
dictionary (docs/data-dictionary.md and the page in the app) and the empty
templates. Column names are what the file's header row must say.

A table either brings whole records of a canonical table (inserted, or
replaced by identifier) or updates some columns of records already held
(e.g. the chair and the publication dates of conferences brought by an SSD
or CIN census import).
"""

from dataclasses import dataclass

from cpqa.casework.models import Agency, Participation, Risk

from .tables import Check, Kind

RECORDS = "records"
UPDATES = "updates"


@dataclass(frozen=True)
class LocalColumn:
    name: str
    kind: str
    description: str
    example: str
    # The canonical column it feeds (None: used only to derive the identifier).
    column: str | None
    required: bool = False
    # The canonical table a reference points to (for identifier columns).
    references: str | None = None
    codes: dict[str, str] | None = None

    def check(self, *, max_length: int | None = None) -> Check:
        return Check(
            name=self.name,
            kind=self.kind,
            required=self.required,
            codes=self.codes,
            max_length=max_length,
        )

    @property
    def allowed(self) -> str:
        """The codes or the form of value accepted, for the dictionary."""
        if self.codes:
            return ", ".join(dict.fromkeys(self.codes.values()))
        return {
            Kind.DATE: "date: YYYY-MM-DD, dd/mm/yyyy or an ISO date and time",
            Kind.MONTH: "month: YYYY-MM, or any date in the month",
            Kind.FLAG: "Y or N (1/0, true/false, yes/no also accepted)",
            Kind.NUMBER: "number",
            Kind.INTEGER: "whole number",
            Kind.ID: "identifier (text)",
        }.get(self.kind, "text")


@dataclass(frozen=True)
class LocalTable:
    name: str
    title: str
    description: str
    target: str  # the canonical table it feeds
    mode: str  # RECORDS or UPDATES
    id_column: str  # the column holding the record's identifier
    # Columns from which an identifier is made when id_column is empty
    # (records only): joined with '/', as cpqa.ingest.keys does.
    derive_from: tuple[str, ...]
    columns: tuple[LocalColumn, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> LocalColumn:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _codes(choices) -> dict[str, str]:
    """Accept a choice's value or its label (any case) for the value."""
    accepted: dict[str, str] = {}
    for value, label in choices:
        accepted[value] = value
        accepted[str(label).split(":")[0]] = value
    return accepted


AGENCY_CODES = _codes(Agency.choices)
PARTICIPATION_CODES = {value: value for value in Participation.values}
RISK_CODES = _codes(Risk.choices)


def _id(name: str, description: str, example: str, *, derived_from: str) -> LocalColumn:
    return LocalColumn(
        name=name,
        kind=Kind.ID,
        description=f"{description} If empty, cpqa makes one from {derived_from}.",
        example=example,
        column="ref",
    )


LOCAL_TABLES: tuple[LocalTable, ...] = (
    LocalTable(
        name="conference_attendance",
        title="Conference attendance",
        description=(
            "One row for each agency invited to a child protection conference: whether "
            "it attended, and whether it sent a report, on time."
        ),
        target="conference_attendance",
        mode=RECORDS,
        id_column="attendance_id",
        derive_from=("conference_id", "agency"),
        columns=(
            _id(
                "attendance_id",
                "Your system's identifier for this row, if it has one.",
                "CA1001",
                derived_from="the conference and the agency",
            ),
            LocalColumn(
                "conference_id",
                Kind.ID,
                "The identifier of the conference (icpc_icpc_id or cppr_cp_review_id in the SSD).",
                "ICPC2045",
                "conference",
                required=True,
                references="conference",
            ),
            LocalColumn(
                "agency",
                Kind.CODE,
                "The agency or discipline invited.",
                "police",
                "agency",
                required=True,
                codes=AGENCY_CODES,
            ),
            LocalColumn("invited", Kind.FLAG, "Whether the agency was invited.", "Y", "invited"),
            LocalColumn("attended", Kind.FLAG, "Whether the agency attended.", "N", "attended"),
            LocalColumn(
                "report_submitted",
                Kind.FLAG,
                "Whether the agency submitted a report to the conference.",
                "Y",
                "report_submitted",
            ),
            LocalColumn(
                "report_on_time",
                Kind.FLAG,
                "Whether the report arrived in time (by the local deadline before the conference).",
                "Y",
                "report_on_time",
            ),
            LocalColumn(
                "non_attendance_reason",
                Kind.TEXT,
                "Why the agency did not attend, if it did not.",
                "Clash with another meeting",
                "non_attendance_reason",
            ),
        ),
    ),
    LocalTable(
        name="conference_details",
        title="Conference details",
        description=(
            "Updates conferences already held (or arriving in the same import): the chair, "
            "quoracy, the child's participation, the parents' attendance and when the "
            "decision and the minutes were published. Only the columns present are changed; "
            "an empty cell clears the value."
        ),
        target="conference",
        mode=UPDATES,
        id_column="conference_id",
        derive_from=(),
        columns=(
            LocalColumn(
                "conference_id",
                Kind.ID,
                "The identifier of the conference (icpc_icpc_id or cppr_cp_review_id in the SSD).",
                "ICPC2045",
                "ref",
                required=True,
                references="conference",
            ),
            LocalColumn(
                "chair_id",
                Kind.ID,
                "The identifier of the professional who chaired it (prof_professional_id).",
                "P0042",
                "chair",
                references="professional",
            ),
            LocalColumn(
                "quorate",
                Kind.FLAG,
                "Whether the conference was quorate: children's social care and at least two "
                "other agencies present.",
                "Y",
                "quorate",
            ),
            LocalColumn(
                "participation",
                Kind.CODE,
                "How the child participated (PN0 to PN7, as in the CIN census).",
                "PN1",
                "participation",
                codes=PARTICIPATION_CODES,
            ),
            LocalColumn(
                "parents_attended",
                Kind.FLAG,
                "Whether a parent or carer attended.",
                "Y",
                "parents_attended",
            ),
            LocalColumn(
                "parents_participated",
                Kind.FLAG,
                "Whether a parent or carer took part (in person or by other means).",
                "Y",
                "parents_participated",
            ),
            LocalColumn(
                "decision_published",
                Kind.DATE,
                "The date the conference's decision was sent out.",
                "2025-03-21",
                "decision_published",
            ),
            LocalColumn(
                "minutes_published",
                Kind.DATE,
                "The date the full minutes were sent out.",
                "2025-04-04",
                "minutes_published",
            ),
        ),
    ),
    LocalTable(
        name="core_group_meetings",
        title="Core group meetings",
        description="One row for each core group meeting held for a child protection plan.",
        target="core_group_meeting",
        mode=RECORDS,
        id_column="meeting_id",
        derive_from=("plan_id", "date"),
        columns=(
            _id(
                "meeting_id",
                "Your system's identifier for the meeting, if it has one.",
                "CG3001",
                derived_from="the plan and the date",
            ),
            LocalColumn(
                "plan_id",
                Kind.ID,
                "The identifier of the child protection plan (cppl_cp_plan_id).",
                "CPP0100",
                "plan",
                required=True,
                references="protection_plan",
            ),
            LocalColumn(
                "date",
                Kind.DATE,
                "The date the meeting was held.",
                "2025-03-28",
                "date",
                required=True,
            ),
        ),
    ),
    LocalTable(
        name="unallocated_episodes",
        title="Unallocated episodes",
        description=(
            "One row for each time a child on a plan had no allocated social worker, with "
            "the risk assessed and the assistant team manager's decision."
        ),
        target="unallocated_episode",
        mode=RECORDS,
        id_column="episode_id",
        derive_from=("child_id", "from_date"),
        columns=(
            _id(
                "episode_id",
                "Your system's identifier for the episode, if it has one.",
                "U0007",
                derived_from="the child and the date it started",
            ),
            LocalColumn(
                "child_id",
                Kind.ID,
                "The child's identifier (pers_person_id).",
                "C100234",
                "child",
                required=True,
                references="child",
            ),
            LocalColumn(
                "team_id",
                Kind.ID,
                "The team responsible (dept_team_id).",
                "T01",
                "team",
                references="team",
            ),
            LocalColumn(
                "from_date",
                Kind.DATE,
                "The first day without an allocated social worker.",
                "2025-02-03",
                "from_date",
                required=True,
            ),
            LocalColumn(
                "to_date",
                Kind.DATE,
                "The last day without one; empty if the child is still unallocated.",
                "2025-02-20",
                "to_date",
            ),
            LocalColumn(
                "risk", Kind.CODE, "The risk as assessed.", "medium", "risk", codes=RISK_CODES
            ),
            LocalColumn(
                "others_involved",
                Kind.FLAG,
                "Whether other staff or agencies were actively involved meanwhile.",
                "Y",
                "others_involved",
            ),
            LocalColumn(
                "decision",
                Kind.TEXT,
                "The assistant team manager's decision about the child's safety meanwhile.",
                "Duty social worker to visit every 10 working days.",
                "decision",
            ),
            LocalColumn(
                "decision_review_date",
                Kind.DATE,
                "When the decision is to be reviewed.",
                "2025-02-17",
                "decision_review_date",
            ),
        ),
    ),
    LocalTable(
        name="staffing",
        title="Staffing",
        description="One row for each team and month: posts, filled posts, vacancies, agency.",
        target="staffing_snapshot",
        mode=RECORDS,
        id_column="staffing_id",
        derive_from=("team_id", "month"),
        columns=(
            _id(
                "staffing_id",
                "Your identifier for the row, if you have one.",
                "ST0001",
                derived_from="the team and the month",
            ),
            LocalColumn(
                "team_id",
                Kind.ID,
                "The team (dept_team_id).",
                "T01",
                "team",
                required=True,
                references="team",
            ),
            LocalColumn(
                "month",
                Kind.MONTH,
                "The month (any date in it is read as its first day).",
                "2025-03",
                "month",
                required=True,
            ),
            LocalColumn(
                "establishment_fte",
                Kind.NUMBER,
                "Posts in the team's establishment, full-time equivalent.",
                "9.0",
                "establishment_fte",
                required=True,
            ),
            LocalColumn(
                "filled_fte",
                Kind.NUMBER,
                "Posts filled, full-time equivalent.",
                "7.5",
                "filled_fte",
                required=True,
            ),
            LocalColumn(
                "vacant_social_worker",
                Kind.NUMBER,
                "Vacant social worker posts (0 if empty).",
                "1",
                "vacant_social_worker",
            ),
            LocalColumn(
                "vacant_assistant_team_manager",
                Kind.NUMBER,
                "Vacant assistant team manager posts (0 if empty).",
                "0",
                "vacant_assistant_team_manager",
            ),
            LocalColumn(
                "vacant_team_manager",
                Kind.NUMBER,
                "Vacant team manager posts (0 if empty).",
                "0",
                "vacant_team_manager",
            ),
            LocalColumn(
                "agency_staff",
                Kind.NUMBER,
                "Agency (not employed) staff working in the team (0 if empty).",
                "2",
                "agency_staff",
            ),
        ),
    ),
    LocalTable(
        name="supervision",
        title="Supervision",
        description="One row for each supervision session a worker had.",
        target="supervision_record",
        mode=RECORDS,
        id_column="supervision_id",
        derive_from=("worker_id", "date"),
        columns=(
            _id(
                "supervision_id",
                "Your system's identifier for the session, if it has one.",
                "SV0001",
                derived_from="the worker and the date",
            ),
            LocalColumn(
                "worker_id",
                Kind.ID,
                "The worker supervised (prof_professional_id).",
                "P0042",
                "worker",
                required=True,
                references="professional",
            ),
            LocalColumn(
                "supervisor_id",
                Kind.ID,
                "The supervisor (prof_professional_id).",
                "P0007",
                "supervisor",
                references="professional",
            ),
            LocalColumn(
                "date", Kind.DATE, "The date of the session.", "2025-03-12", "date", required=True
            ),
            LocalColumn(
                "observed_practice",
                Kind.FLAG,
                "Whether the session included observed practice (N if empty).",
                "N",
                "observed_practice",
            ),
        ),
    ),
)


def local_table(name: str) -> LocalTable:
    for table in LOCAL_TABLES:
        if table.name == name:
            return table
    raise KeyError(f"no local table called {name!r}")
