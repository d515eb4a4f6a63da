"""Who may reach what: the declarative table behind tests/security/test_access_matrix.py.

One entry per URL pattern (by "namespace:name", or by route for a pattern
without a name), saying what a GET gives each role of cpqa/accounts/roles.py
and an anonymous visitor:

- ALLOWED: the page (200), possibly after redirects within cpqa;
- FORBIDDEN: 403;
- SIGN_IN: redirected to the sign-in page;
- NOT_FOUND: 404;
- POST_ONLY: 405, a GET is refused (the action needs a form with its CSRF token);
- OWN: allowed for the visitor's own (their team's child, their role's home),
  403 for anyone else's (a child of another team, another role's home).

Every admin page is covered by the "admin:*" entry unless named here itself.
The access matrix section of docs/security.md is rendered from this table:
`python -m tests.security.access_matrix --write` brings it up to date.
"""

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cpqa.accounts.roles import AUTHORITY_CHILD_ROLES, TEAM_ROLES, Role
from cpqa.reports.registry import REPORTS

ANONYMOUS = "anonymous"
VISITORS: tuple[str, ...] = (ANONYMOUS, *Role.values)

ALLOWED = "allowed"
FORBIDDEN = "forbidden"
SIGN_IN = "sign-in"
NOT_FOUND = "not found"
POST_ONLY = "POST only"
OWN = "own only"
OUTCOMES = (ALLOWED, FORBIDDEN, SIGN_IN, NOT_FOUND, POST_ONLY, OWN)

ADMIN_ANY = "admin:*"


@dataclass(frozen=True)
class Rule:
    expected: Mapping[str, str]  # visitor (ANONYMOUS or a role) -> outcome
    note: str = ""

    def __post_init__(self) -> None:
        assert set(self.expected) == set(VISITORS), sorted(set(VISITORS) ^ set(self.expected))
        assert set(self.expected.values()) <= set(OUTCOMES), self.expected


def rule(
    anonymous: str = SIGN_IN,
    *,
    default: str = FORBIDDEN,
    note: str = "",
    **roles: str,
) -> Rule:
    """An entry: the anonymous outcome, one outcome for every role, and exceptions by role."""
    unknown = set(roles) - set(Role.values)
    assert not unknown, unknown
    expected = {ANONYMOUS: anonymous}
    for role in Role.values:
        expected[role] = roles.get(role, default)
    return Rule(expected, note)


def only(*allowed_roles: str, note: str = "", outcome: str = ALLOWED) -> Rule:
    return rule(note=note, **dict.fromkeys(allowed_roles, outcome))


def child_level(*, team: str, note: str = "") -> Rule:
    """Pages of child-level records: team roles get `team`, authority roles all of it."""
    return rule(
        note=note,
        **dict.fromkeys(TEAM_ROLES, team),
        **dict.fromkeys(AUTHORITY_CHILD_ROLES, ALLOWED),
    )


def signed_in(outcome: str = ALLOWED, note: str = "") -> Rule:
    return rule(default=outcome, note=note)


def everyone(outcome: str = ALLOWED, note: str = "") -> Rule:
    return rule(outcome, default=outcome, note=note)


ADMINISTRATOR = Role.ADMINISTRATOR.value
DATA_OFFICER = Role.DATA_OFFICER.value

MATRIX: dict[str, Rule] = {
    # Signing in and out, two-factor sign-in, the user's own account.
    "accounts:sign-in": everyone(note="signed-in users are sent to their home"),
    "accounts:sign-out": everyone(POST_ONLY),
    "accounts:two-factor": signed_in(note="once verified, it sends the user on"),
    "accounts:two-factor-set-up": signed_in(note="once set up, it sends the user on"),
    "accounts:recovery-codes": signed_in(note="shows new recovery codes once"),
    "accounts:account": signed_in(),
    "accounts:recovery-codes-new": signed_in(POST_ONLY),
    "accounts:two-factor-replace": signed_in(POST_ONLY),
    "accounts:sign-out-everywhere": signed_in(POST_ONLY),
    "accounts:home": signed_in(note="sends the user to their role's home"),
    "accounts:role-home": signed_in(OWN, note="sends to the role's dashboard; own roles only"),
    # Administrators: the access log and subject access exports (both logged).
    "accounts:access-log": only(ADMINISTRATOR),
    "accounts:subject-access": only(ADMINISTRATOR),
    # Children's records.
    "casework:child-list": child_level(team=ALLOWED, note="team roles see their teams' only"),
    "casework:child-detail": child_level(team=OWN, note="a child of another team gives 403"),
    # Imports: data officers only. Uploads belong to the officer who made them: any
    # other token is 404. Confirm and cancel are POSTs with the form's CSRF token.
    "ingest:import": only(DATA_OFFICER),
    "ingest:import-preview": only(DATA_OFFICER, outcome=NOT_FOUND, note="own uploads only"),
    "ingest:import-confirm": everyone(POST_ONLY),
    "ingest:import-cancel": everyone(POST_ONLY),
    "ingest:runs": only(DATA_OFFICER),
    "ingest:batch": only(DATA_OFFICER),
    "ingest:run": only(DATA_OFFICER),
    # The data dictionary and the empty templates: not about any child.
    "ingest:dictionary": signed_in(),
    "ingest:template": signed_in(),
    # Data quality: counts for every role but administrators (councillors: 1 to 4
    # suppressed, no workers); the records behind them are child-level and logged.
    "dataquality:summary": rule(
        default=ALLOWED, **{ADMINISTRATOR: FORBIDDEN}, note="councillors: counts, 1 to 4 suppressed"
    ),
    "dataquality:completeness": rule(
        default=ALLOWED, **{ADMINISTRATOR: FORBIDDEN}, note="councillors: no workers"
    ),
    "dataquality:trend": rule(default=ALLOWED, **{ADMINISTRATOR: FORBIDDEN}),
    "dataquality:findings": child_level(team=ALLOWED, note="team roles: their teams' only"),
    "dataquality:findings-download": child_level(team=ALLOWED, note="logged as an export"),
    "dataquality:missing": child_level(team=ALLOWED, note="team roles: their teams' only"),
    "dataquality:refresh": only(DATA_OFFICER, outcome=POST_ONLY),
    # Indicators: aggregates for every role but administrators (councillors
    # suppressed); the records behind a figure are child-level and logged.
    "indicators:api": rule(
        FORBIDDEN,
        default=ALLOWED,
        **{ADMINISTRATOR: FORBIDDEN},
        note="councillors: small numbers suppressed",
    ),
    "indicators:definitions": signed_in(),
    "indicators:records": child_level(team=ALLOWED, note="team roles: their teams' only"),
    # Dashboards: every signed-in role has a home; the indicator pages are
    # aggregates (councillors' suppressed); warnings and drill-down list children.
    "dashboards:dashboard": signed_in(note="sends the user to their first role's home"),
    "dashboards:home": signed_in(OWN, note="a user's own roles only"),
    "dashboards:chair-conferences": only(Role.CONFERENCE_CHAIR.value),
    "dashboards:indicator": rule(
        default=ALLOWED,
        **{ADMINISTRATOR: FORBIDDEN},
        note="councillors: small numbers suppressed",
    ),
    "dashboards:records": child_level(team=ALLOWED, note="team roles: their teams' only"),
    "dashboards:warnings": child_level(team=ALLOWED, note="team roles: their teams' only"),
    "dashboards:warning-list": child_level(team=ALLOWED, note="team roles: their teams' only"),
    # Reports: each to the roles it is for (cpqa/reports/registry.py). Shown for
    # the health check (child-level; councillors get its aggregate version) and
    # the monthly report's workbook.
    "reports:index": signed_in(note="lists the reports the user may have"),
    "reports:report": rule(
        **dict.fromkeys(
            REPORTS["health-check"].roles | REPORTS["health-check"].aggregate_roles, ALLOWED
        ),
        note="health check: councillors get figures without children",
    ),
    "reports:download": rule(
        **dict.fromkeys(REPORTS["monthly"].roles, ALLOWED),
        note="monthly report as a workbook; logged as an export",
    ),
    # The admin: administrators only (they have is_staff); no sign-in page of its own.
    ADMIN_ANY: only(ADMINISTRATOR, note="every admin page not listed here"),
    "admin:login": only(ADMINISTRATOR, note="sends to cpqa's sign-in"),
    "admin:logout": only(ADMINISTRATOR, outcome=POST_ONLY),
    "admin:view_on_site": only(ADMINISTRATOR, outcome=NOT_FOUND, note="no record has one"),
    "admin/(?P<url>.*)": only(ADMINISTRATOR, outcome=NOT_FOUND),
    "admin:autocomplete": only(ADMINISTRATOR, outcome=FORBIDDEN, note="needs its parameters"),
}

# Admin pages not even an administrator may use. Facts come only from imports,
# devices only from their owner, sign-in records only from sign-ins (no "add");
# the history of imports and sign-ins stays (no "delete"). A two-factor device
# may be deleted (a lost phone), an access attempt too (that unlocks an account).
NO_ADD = (
    "casework_team",
    "casework_professional",
    "casework_staffingsnapshot",
    "ingest_importrun",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "otp_totp_totpdevice",
    "otp_static_staticdevice",
)
NO_DELETE = (
    "casework_team",
    "casework_professional",
    "casework_staffingsnapshot",
    "ingest_importrun",
    "axes_accesslog",
    "axes_accessfailurelog",
)
for _model in NO_ADD:
    MATRIX[f"admin:{_model}_add"] = rule(default=FORBIDDEN, note="not even administrators")
for _model in NO_DELETE:
    MATRIX[f"admin:{_model}_delete"] = rule(default=FORBIDDEN, note="not even administrators")


# Where the values of URL parameters come from, by parameter name: a function of
# the fixture authority, the visitor's role (None for anonymous) and whether the
# visitor's own (True) or someone else's (False) is wanted.
Source = Callable[[object, str | None, bool], str]


def _child(fixture, role, own):
    if role in TEAM_ROLES:
        return fixture.children["N" if own else "S"].ref
    return fixture.children["S"].ref


def _role(fixture, role, own):
    mine = role or Role.COUNCILLOR.value
    other = Role.SENIOR_MANAGER.value if mine != Role.SENIOR_MANAGER else Role.COUNCILLOR.value
    return mine if own else other


PARAMETERS: dict[str, Source] = {
    "ref": _child,
    "role": _role,
    "app_label": lambda fixture, role, own: "accounts",
    "url": lambda fixture, role, own: "no-such-page/",
    "id": lambda fixture, role, own: str(fixture.users[Role.SENIOR_MANAGER].pk),
    "token": lambda fixture, role, own: "not-an-upload-of-theirs",
    "batch": lambda fixture, role, own: str(fixture.import_run.batch),
    "pk": lambda fixture, role, own: str(fixture.import_run.pk),
    "name": lambda fixture, role, own: "supervision",
    "format": lambda fixture, role, own: "csv",
    "indicator_id": lambda fixture, role, own: "cpp_open_at_end",
    "slug": lambda fixture, role, own: "visits",
}

# Values that differ by URL pattern, where one parameter name means different things.
ENTRY_PARAMETERS: dict[str, dict[str, Source]] = {
    "reports:report": {"name": lambda fixture, role, own: "health-check"},
    "reports:download": {
        "name": lambda fixture, role, own: "monthly",
        "format": lambda fixture, role, own: "xlsx",
    },
}


# Query strings a page needs to show anything (asked with none, it says what is missing).
ENTRY_QUERIES: dict[str, str] = {"dashboards:records": "category=NEG"}


# --- The table in docs/security.md -----------------------------------------------------

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
START = "<!-- access-matrix:start (generated from tests/security/access_matrix.py) -->"
END = "<!-- access-matrix:end -->"
SYMBOLS = {
    ALLOWED: "✓",
    FORBIDDEN: "403",
    SIGN_IN: "sign in",
    NOT_FOUND: "404",
    POST_ONLY: "POST",
    OWN: "own",
}
SHORT = {
    ANONYMOUS: "anon.",
    "social_worker": "SW",
    "assistant_team_manager": "ATM",
    "team_manager": "TM",
    "operations_manager": "OM",
    "conference_chair": "CC",
    "reviewing_officer": "RO",
    "audit_manager": "AM",
    "audit_practice_standards_manager": "APSM",
    "senior_manager": "SM",
    "councillor": "Cllr",
    "data_officer": "DO",
    "administrator": "Admin",
}


def render_markdown() -> str:
    """The access matrix as a markdown table, one row per entry."""
    head = ["URL pattern", *(SHORT[visitor] for visitor in VISITORS), "note"]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" for _ in head) + "|",
    ]
    for key in sorted(MATRIX, key=lambda k: (k.startswith("admin"), k)):
        entry = MATRIX[key]
        cells = [SYMBOLS[entry.expected[visitor]] for visitor in VISITORS]
        name = key.replace("|", "\\|")
        lines.append("| " + " | ".join([f"`{name}`", *cells, entry.note]) + " |")
    legend = ", ".join(f"{symbol}: {outcome}" for outcome, symbol in SYMBOLS.items())
    roles = ", ".join(f"{SHORT[v]}: {Role(v).label}" for v in Role.values)
    return "\n".join([*lines, "", f"Outcomes of a GET: {legend}.", "", f"Roles: {roles}."])


def doc_section(text: str) -> str:
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def write_doc() -> None:
    text = DOC.read_text()
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(f"{before}{START}\n{render_markdown()}\n{END}{after}")


if __name__ == "__main__":
    if "--write" in sys.argv:
        write_doc()
    else:
        print(render_markdown())
