"""A small authority with one of everything: two teams, a child in each, a user per role.

Every fact table gets a row for each team, filled from the schema (so a new fact
table is covered without a change here) and loaded by the real loader. The
children have identifiers and dates of birth that appear nowhere else, so that
a response can be searched for them.

Run as a module (`python -m tests.security.fixture_authority`) it loads the
authority into the database of DJANGO_SETTINGS_MODULE and DATABASE_URL.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date

import polars as pl
from django.utils import timezone

TEAMS = ("N", "S")
TEAM_NAMES = {"N": "North Locality Team", "S": "South Locality Team"}
CHILD_REFS = {"N": "QZ7N48213", "S": "QZ7S93561"}
DATES_OF_BIRTH = {"N": date(2013, 7, 29), "S": date(2016, 11, 23)}
FACT_DATE = date(2024, 2, 5)
# Left empty: the child is alive and born, and their plans and episodes are open.
EMPTY = {"date_of_death", "expected_date_of_birth", "end_date", "closure_date", "to_date"}
PASSWORD = "correct-horse-battery-staple"


@dataclass
class FixtureAuthority:
    authority: object
    teams: dict[str, object]
    children: dict[str, object]
    import_run: object = None
    users: dict[str, object] = field(default_factory=dict)

    @property
    def child_refs(self) -> list[str]:
        return [child.ref for child in self.children.values()]

    def dates_of_birth_as_text(self) -> list[str]:
        """Each date of birth as a page, a file or an API could write it."""
        texts = []
        for day in DATES_OF_BIRTH.values():
            texts += [
                day.isoformat(),
                day.strftime("%d/%m/%Y"),
                f"{day.day} {day:%b %Y}",
                f"{day.day} {day:%B %Y}",
            ]
        return texts


def _ref(table: str, team: str) -> str:
    if table == "team":
        return f"TEAM-{team}"
    if table == "child":
        return CHILD_REFS[team]
    return f"{table.upper()}-{team}"


def _value(table: str, column, team: str):
    if column.name == "ref":
        return _ref(table, team)
    if column.references is not None:
        return _ref(column.references, team)
    if column.name in EMPTY:
        return None
    if table == "child" and column.name == "date_of_birth":
        return DATES_OF_BIRTH[team]
    if column.choices:
        return column.choices[0]
    if column.dtype == pl.Date:
        return FACT_DATE
    if column.dtype == pl.Boolean:
        return True
    if column.dtype == pl.Int64:
        return 1
    if column.dtype == pl.Float64:
        return 1.0
    if column.name == "name":
        return TEAM_NAMES[team] if table == "team" else f"{table.title()} {team}"
    return "A1"[: column.max_length or 2]


def fact_frames() -> dict[str, pl.DataFrame]:
    from cpqa.casework.schema import fact_tables

    frames = {}
    for table in fact_tables():
        rows = {
            column.name: [_value(table.name, column, team) for team in TEAMS]
            for column in table.columns
        }
        frames[table.name] = pl.DataFrame(rows, schema=table.polars_schema())
    return frames


def fixture_authority_build() -> FixtureAuthority:
    from django_otp.plugins.otp_static.models import StaticDevice

    from cpqa.accounts.models import AccessKind, RoleAssignment, User
    from cpqa.accounts.roles import TEAM_ROLES, Role
    from cpqa.accounts.services import access_log_record
    from cpqa.casework.models import Child, Team
    from cpqa.casework.services import facts_load
    from cpqa.core.models import Authority
    from cpqa.ingest.models import ImportOutcome, ImportRun

    authority, _ = Authority.objects.get_or_create(code="TEST", defaults={"name": "Testshire"})
    run = ImportRun.objects.create(
        authority=authority,
        batch=uuid.uuid4(),
        format="local",
        source="fixture",
        file_name="fixture.txt",
        sha256="0" * 64,
        operator="tests",
        started_at=timezone.now(),
        finished_at=timezone.now(),
        outcome=ImportOutcome.ACCEPTED,
    )
    facts_load(authority=authority, frames=fact_frames(), import_run=run)
    teams = {team: Team.objects.get(authority=authority, ref=_ref("team", team)) for team in TEAMS}
    children = {
        team: Child.objects.get(authority=authority, ref=CHILD_REFS[team]) for team in TEAMS
    }
    fixture = FixtureAuthority(authority, teams, children, import_run=run)
    for role in Role:
        user = User(username=f"fixture.{role.value}", authority=authority)
        user.set_password(PASSWORD)
        if role == Role.ADMINISTRATOR:  # as `cpqa user add --role administrator` makes them
            user.is_staff = user.is_superuser = True
        user.save()
        RoleAssignment.objects.create(user=user, role=role)
        if role in TEAM_ROLES:
            user.teams.set([teams["N"]])
        fixture.users[role.value] = user
    reader = fixture.users[Role.SENIOR_MANAGER]
    access_log_record(
        user=reader,
        kind=AccessKind.PAGE,
        via=f"/children/{CHILD_REFS['N']}/",
        record_type="child record",
        child_refs=[CHILD_REFS["N"]],
    )
    recovery = StaticDevice.objects.create(user=reader, name="Recovery codes")
    recovery.token_set.create(token="fixturecode2")
    return fixture


if __name__ == "__main__":
    import django

    django.setup()
    built = fixture_authority_build()
    print(f"Loaded {built.authority} with children {', '.join(built.child_refs)}")
