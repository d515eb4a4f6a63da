"""Subject access exports, retention, and the access log's one way out."""

import io
import json
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cpqa.accounts.models import AccessKind, AccessLogChild, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.accounts.services import access_log_record
from cpqa.accounts.views import NOTHING_HELD
from cpqa.casework.models import Child, ProtectionPlan
from cpqa.casework.schema import fact_tables
from cpqa.ingest.models import ImportOutcome, ImportRun
from cpqa.operations.models import RetentionRun
from cpqa.operations.retention import retention_apply, retention_report
from tests.casework.factories import ChildFactory, ProtectionPlanFactory, TeamFactory
from tests.security.fixture_authority import CHILD_REFS, fixture_authority_build

pytestmark = pytest.mark.django_db


# --- Subject access ----------------------------------------------------------------


def test_a_subject_access_export_holds_every_fact_and_log_entry_about_the_child(client):
    fixture = fixture_authority_build()
    ref = CHILD_REFS["N"]
    admin = fixture.users[Role.ADMINISTRATOR]
    client.force_login(admin)
    response = client.get(reverse("accounts:subject-access"), {"child_ref": ref})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert f'filename="subject-access-{ref}.json"' in response["Content-Disposition"]
    export = json.loads(response.content)
    assert export["child_ref"] == ref
    assert export["exported_by"] == admin.username
    # Every fact table that is about a child has this child's row, and no other child's.
    about_children = {"team", "professional", "staffing_snapshot", "supervision_record"}
    for table in fact_tables():
        if table.name in about_children:
            assert table.name not in export["facts"]
            continue
        rows = export["facts"][table.name]
        assert len(rows) == 1, table.name
        assert CHILD_REFS["S"] not in json.dumps(rows), table.name
    assert export["facts"]["child"][0]["date_of_birth"] == "2013-07-29"
    # The earlier read, and this export itself, from the access log.
    kinds = [(e["username"], e["kind"]) for e in export["access_log"]]
    assert kinds == [
        (fixture.users[Role.SENIOR_MANAGER].username, "page"),
        (admin.username, "export"),
    ]
    logged = AccessLogEntry.objects.get(kind=AccessKind.EXPORT)
    assert logged.user == admin and logged.record_type == "subject access export"
    assert list(logged.children.values_list("child_ref", flat=True)) == [ref]


def test_a_child_whose_facts_are_gone_still_has_their_access_log_exported(client, make_user):
    reader = make_user(Role.SENIOR_MANAGER)
    access_log_record(
        user=reader, kind="page", via="/x/", record_type="child", child_refs=["GONE1"]
    )
    client.force_login(make_user(Role.ADMINISTRATOR))
    export = json.loads(
        client.get(reverse("accounts:subject-access"), {"child_ref": "GONE1"}).content
    )
    assert export["facts"] == {}
    assert len(export["access_log"]) == 2


def test_nothing_held_is_said_so(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.get(reverse("accounts:subject-access"), {"child_ref": "NOBODY"})
    assert response.status_code == 200
    assert NOTHING_HELD.format(ref="NOBODY") in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_only_administrators_may_export(client, make_user, authority):
    child = ChildFactory(authority=authority)
    for role in Role:
        if role == Role.ADMINISTRATOR:
            continue
        client.force_login(make_user(role.value, teams=[child.team]))
        response = client.get(reverse("accounts:subject-access"), {"child_ref": child.ref})
        assert response.status_code == 403, role
    assert not AccessLogEntry.objects.filter(kind=AccessKind.EXPORT).exists()


# --- Retention ---------------------------------------------------------------------

TODAY = date(2030, 6, 1)


def old(days: int) -> timezone.datetime:
    return timezone.make_aware(timezone.datetime.combine(TODAY, timezone.datetime.min.time())) - (
        timedelta(days=days)
    )


def test_children_past_retention_go_with_all_their_facts_and_open_cases_stay(authority):
    team = TeamFactory(authority=authority)
    gone = ProtectionPlanFactory(
        authority=authority,
        child=ChildFactory(authority=authority, team=team, ref="OLD1"),
        start_date=date(2020, 1, 6),
        end_date=date(2023, 5, 1),
    )
    ProtectionPlanFactory(
        authority=authority,
        child=ChildFactory(authority=authority, team=team, ref="RECENT1"),
        start_date=date(2025, 1, 6),
        end_date=date(2025, 9, 1),
    )
    ProtectionPlanFactory(  # started long ago, still open
        authority=authority,
        child=ChildFactory(authority=authority, team=team, ref="OPEN1"),
        start_date=date(2018, 1, 6),
        end_date=None,
    )
    report = {item.kind: item for item in retention_report(today=TODAY)}
    assert report["children"].years == 6
    assert report["children"].cutoff == date(2024, 6, 1)
    assert report["children"].count == 1
    assert Child.objects.count() == 3  # a report removes nothing
    run = retention_apply(operator="tester", today=TODAY)
    assert run.removed["children"] == 1
    assert sorted(Child.objects.values_list("ref", flat=True)) == ["OPEN1", "RECENT1"]
    assert not ProtectionPlan.objects.filter(pk=gone.pk).exists()


def test_import_runs_past_retention_go_unless_facts_still_come_from_them(authority):
    def run(days: int, outcome: str = ImportOutcome.REJECTED) -> ImportRun:
        return ImportRun.objects.create(
            authority=authority,
            batch="00000000-0000-0000-0000-000000000001",
            format="local",
            source="teams",
            file_name="x.txt",
            sha256="0" * 64,
            started_at=old(days),
            outcome=outcome,
        )

    stale = run(3 * 365)
    recent = run(30)
    feeding = run(3 * 365, ImportOutcome.ACCEPTED)
    TeamFactory(authority=authority, import_run=feeding)
    retention_apply(today=TODAY)
    assert set(ImportRun.objects.values_list("pk", flat=True)) == {recent.pk, feeding.pk}
    assert not ImportRun.objects.filter(pk=stale.pk).exists()


def test_the_access_log_leaves_only_through_retention_which_is_recorded(make_user):
    reader = make_user(Role.SENIOR_MANAGER)
    # An entry from eight years before TODAY (written then; entries are never updated).
    entry_old = AccessLogEntry.objects.create(
        at=old(8 * 365),
        user=reader,
        username=reader.username,
        authority=reader.authority,
        kind="page",
        via="/a/",
        record_type="c",
        record_count=1,
    )
    AccessLogChild.objects.create(entry=entry_old, child_ref="C1")
    entry_new = access_log_record(
        user=reader, kind="page", via="/b/", record_type="c", child_refs=["C2"]
    )
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.filter(pk=entry_old.pk).delete()
    run = retention_apply(operator="tester", today=TODAY)
    assert run.removed["access_log"] == 1  # 7 years before TODAY is 1 June 2023
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [entry_new.pk]
    assert list(AccessLogChild.objects.values_list("child_ref", flat=True)) == ["C2"]
    recorded = RetentionRun.objects.get()
    assert recorded.operator == "tester"
    assert recorded.cutoffs["access_log"] == "2023-06-01"
    assert recorded.removed["access_log"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_a_delete_from_anywhere_else(make_user):
    reader = make_user(Role.SENIOR_MANAGER)
    access_log_record(user=reader, kind="page", via="/a/", record_type="c", child_refs=["C1"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_accesslogentry")
    assert AccessLogEntry.objects.count() == 1


def test_sign_in_records_and_expired_sessions_go(make_user, client):
    client.force_login(make_user(Role.COUNCILLOR))
    attempt = AccessAttempt.objects.create(
        username="x",
        ip_address="10.0.0.1",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/sign-in/",
        failures_since_start=1,
    )
    three_years_ago = timezone.now() - timedelta(days=3 * 365)
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=three_years_ago)
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    run = retention_apply()
    assert run.removed["sign_in_records"] == 1
    assert run.removed["expired_sessions"] == 1


@override_settings(CPQA_RETAIN_ACCESS_LOG_YEARS=0, CPQA_RETAIN_CHILD_YEARS=0)
def test_zero_keeps_for_ever_and_the_command_reports_before_it_removes(authority):
    out = io.StringIO()
    call_command("retention", stdout=out)
    text = out.getvalue()
    assert "Access-log entries (kept for ever): 0 past retention" in text
    assert "Children (with all their facts) (kept for ever)" in text
    assert "Nothing was removed: run again with --confirm" in text
    assert not RetentionRun.objects.exists()
    out = io.StringIO()
    call_command("retention", "--confirm", stdout=out)
    assert "recorded as retention run" in out.getvalue()
    assert RetentionRun.objects.count() == 1


def test_the_access_log_is_not_in_the_admin_where_reading_it_would_not_be_logged(admin_client):
    assert admin_client.get("/admin/accounts/accesslogentry/").status_code == 404
    assert "accesslogentry" not in admin_client.get("/admin/").content.decode()
