"""The access log is append-only, for everyone."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from cpqa.accounts.models import AccessLogChild, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.accounts.selectors import access_log_search
from cpqa.accounts.services import access_log_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(make_user):
    user = make_user(Role.SENIOR_MANAGER, username="sally")
    return access_log_record(
        user=user,
        kind="page",
        via="/children/",
        record_type="child list",
        child_refs=["C2", "C1", "C1"],
    )


def test_an_entry_records_who_what_and_which_children(entry):
    assert entry.username == "sally"
    assert entry.record_count == 2
    assert list(entry.children.order_by("child_ref").values_list("child_ref", flat=True)) == [
        "C1",
        "C2",
    ]


def test_orm_update_and_delete_are_refused(entry):
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(via="/elsewhere/")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogChild.objects.all().delete()


def test_the_database_refuses_an_update_even_in_raw_sql(entry):
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE accounts_accesslogentry SET via = %s WHERE id = %s", ["/x/", entry.pk]
        )
    entry.refresh_from_db()
    assert entry.via == "/children/"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the DELETE trigger is PostgreSQL's")
def test_postgresql_refuses_a_raw_delete(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounts_accesslogchild")
    assert AccessLogChild.objects.count() == 2


def test_search_by_child_user_and_date(entry, make_user):
    other = make_user(Role.DATA_OFFICER, username="dan")
    access_log_record(
        user=other, kind="export", via="/x.csv", record_type="findings", child_refs=["C3"]
    )
    assert list(access_log_search(child_ref="C1")) == [entry]
    assert list(access_log_search(username="SALLY")) == [entry]
    assert access_log_search(child_ref="C3").get().username == "dan"
    today = entry.at.date()
    assert access_log_search(date_from=today, date_to=today).count() == 2
    from datetime import timedelta

    assert access_log_search(date_from=today + timedelta(days=1)).count() == 0
