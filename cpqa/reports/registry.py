"""The reports, who each is for, and which roles may have it (least privilege).

docs/reports.md has the same table in words. Scoping within a report (a team
manager's own teams, suppression for councillors, the child list of the
health check) is decided in selectors.report_access.
"""

from dataclasses import dataclass

from cpqa.accounts.roles import Role

from .periods import PeriodKind

UNKNOWN_REPORT = "There is no report called {name!r}. Reports: {choices}."


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title: str
    audience: str
    description: str
    default_period: PeriodKind
    roles: frozenset[str]
    # Roles given the report without any child-level row and with small numbers suppressed.
    aggregate_roles: frozenset[str] = frozenset()
    child_level: bool = False  # lists children (to roles that may see them)
    suppressed: bool = False  # small numbers suppressed for everyone
    landscape: bool = False


MONTHLY = ReportSpec(
    name="monthly",
    title="Monthly management information",
    audience="Managers",
    description=(
        "Every indicator by team against the standards; the register of plans; conference "
        "timescales and publication; attendance by agency; unallocated children; data "
        "completeness."
    ),
    default_period="month",
    roles=frozenset(
        {
            Role.TEAM_MANAGER,
            Role.ASSISTANT_TEAM_MANAGER,
            Role.OPERATIONS_MANAGER,
            Role.SENIOR_MANAGER,
            Role.CONFERENCE_CHAIR,
            Role.AUDIT_MANAGER,
            Role.AUDIT_PRACTICE_STANDARDS_MANAGER,
            Role.DATA_OFFICER,
        }
    ),
    landscape=True,
)
QUARTERLY = ReportSpec(
    name="quarterly",
    title="Quarterly performance report",
    audience="The directorate's management team",
    description=(
        "The quarter against the previous quarters and the same quarter last year; "
        "signals of real change in the monthly figures; exceptions; actions taken."
    ),
    default_period="quarter",
    roles=frozenset(
        {
            Role.SENIOR_MANAGER,
            Role.OPERATIONS_MANAGER,
            Role.AUDIT_MANAGER,
            Role.AUDIT_PRACTICE_STANDARDS_MANAGER,
            Role.DATA_OFFICER,
        }
    ),
    landscape=True,
)
MEMBERS = ReportSpec(
    name="members",
    title="Members' report on child protection",
    audience="Councillors",
    description=(
        "Each measure in plain words, its trend and whether the change is real; how the "
        "council compares with England, the region and similar councils; questions to ask. "
        "No child is named and small numbers are not shown."
    ),
    default_period="quarter",
    roles=frozenset(
        {Role.COUNCILLOR, Role.SENIOR_MANAGER, Role.OPERATIONS_MANAGER, Role.DATA_OFFICER}
    ),
    suppressed=True,
)
HEALTH_CHECK = ReportSpec(
    name="health-check",
    title="Health check: unallocated children and staffing",
    audience="The assistant director and the children's management team",
    description=(
        "Children on a plan without an allocated social worker, by team, risk and days "
        "unallocated, with the decisions and their review dates; staffing and caseloads "
        "by team. Lists children: every view and download is logged."
    ),
    default_period="month",
    roles=frozenset(
        {
            Role.SENIOR_MANAGER,
            Role.OPERATIONS_MANAGER,
            Role.TEAM_MANAGER,
            Role.ASSISTANT_TEAM_MANAGER,
        }
    ),
    aggregate_roles=frozenset({Role.COUNCILLOR}),
    child_level=True,
    landscape=True,
)

REPORTS: dict[str, ReportSpec] = {
    spec.name: spec for spec in (MONTHLY, QUARTERLY, MEMBERS, HEALTH_CHECK)
}


def report_spec(name: str) -> ReportSpec:
    try:
        return REPORTS[name]
    except KeyError:
        raise KeyError(UNKNOWN_REPORT.format(name=name, choices=", ".join(REPORTS))) from None
