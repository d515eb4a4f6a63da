"""The roles of cpqa's users and what each may see.

Scoping is decided here and enforced by the selectors: a template only shows
what a selector has already allowed.
"""

from django.db import models


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    ASSISTANT_TEAM_MANAGER = "assistant_team_manager", "Assistant team manager"
    TEAM_MANAGER = "team_manager", "Team manager"
    OPERATIONS_MANAGER = "operations_manager", "Operations manager"
    CONFERENCE_CHAIR = "conference_chair", "Conference chair"
    REVIEWING_OFFICER = "reviewing_officer", "Reviewing officer"
    AUDIT_MANAGER = "audit_manager", "Audit manager"
    AUDIT_PRACTICE_STANDARDS_MANAGER = (
        "audit_practice_standards_manager",
        "Audit and practice standards manager",
    )
    SENIOR_MANAGER = "senior_manager", "Senior manager"
    COUNCILLOR = "councillor", "Councillor"
    DATA_OFFICER = "data_officer", "Data officer"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that see children, but only those of their own team(s).
TEAM_ROLES = frozenset({Role.SOCIAL_WORKER, Role.ASSISTANT_TEAM_MANAGER, Role.TEAM_MANAGER})
# Roles that see the children of the whole authority, as their work needs.
AUTHORITY_CHILD_ROLES = frozenset(
    {
        Role.OPERATIONS_MANAGER,
        Role.CONFERENCE_CHAIR,
        Role.REVIEWING_OFFICER,
        Role.AUDIT_MANAGER,
        Role.AUDIT_PRACTICE_STANDARDS_MANAGER,
        Role.SENIOR_MANAGER,
        Role.DATA_OFFICER,
    }
)
# Roles that never see a child-level record: aggregates only (councillors), or
# the running of the service (administrators manage users and read the access log).
NO_CHILD_ROLES = frozenset({Role.COUNCILLOR, Role.ADMINISTRATOR})

assert set(Role) == TEAM_ROLES | AUTHORITY_CHILD_ROLES | NO_CHILD_ROLES

ROLE_SUMMARIES: dict[str, str] = {
    Role.SOCIAL_WORKER: "Children of your team: visits, reviews and plans due.",
    Role.ASSISTANT_TEAM_MANAGER: "Your team's children, allocation and timescales.",
    Role.TEAM_MANAGER: "Your team's performance against the standards and its children.",
    Role.OPERATIONS_MANAGER: "Your teams side by side, and the authority's children.",
    Role.CONFERENCE_CHAIR: "Conferences: timeliness, attendance, quoracy and publication.",
    Role.REVIEWING_OFFICER: "Children looked after who are also on a plan.",
    Role.AUDIT_MANAGER: "Completeness and validity of the data, by team.",
    Role.AUDIT_PRACTICE_STANDARDS_MANAGER: "Practice standards and the quality of the data.",
    Role.SENIOR_MANAGER: "The authority at a glance, exceptions first.",
    Role.COUNCILLOR: "The members' summary: figures for the whole authority, never a child.",
    Role.DATA_OFFICER: "Imports, validation and completeness.",
    Role.ADMINISTRATOR: "Users, roles and the access log.",
}
