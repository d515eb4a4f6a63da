"""The API, the drill-down page and the definitions page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cpqa.accounts.models import AccessLogChild, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.indicators.registry import indicators
from cpqa.indicators.selectors import JSON_KEYS, NO_DENOMINATOR, default_range
from cpqa.indicators.views import SIGN_IN_REQUIRED

from .conftest import JANUARY_2026

pytestmark = pytest.mark.django_db

API = "/api/indicators"
RECORDS = "/indicators/s47_started/records"
PERIOD = {"period_start": "2026-01-01", "period_end": "2026-01-31"}


def test_the_urls():
    assert reverse("indicators:api") == API
    assert reverse("indicators:records", args=["s47_started"]) == RECORDS
    assert reverse("indicators:definitions") == "/indicators/definitions/"


def test_the_api_needs_sign_in(client, loaded):
    response = client.get(API, JANUARY_2026)
    assert response.status_code == 403
    assert response.json() == {"error": SIGN_IN_REQUIRED}


def test_the_api_rows(client, loaded, make_user):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    response = client.get(API, {**JANUARY_2026, "indicator": ["s47_started", "icpc_held"]})
    assert response.status_code == 200
    rows = response.json()
    assert all(list(row) == [*JSON_KEYS, "suppressed"] for row in rows)
    assert [(row["indicator"], row["team"], row["value"]) for row in rows] == [
        ("s47_started", None, 11),
        ("s47_started", "North", 3),
        ("s47_started", "South", 8),
        ("icpc_held", None, 1),
        ("icpc_held", "North", 1),
        ("icpc_held", "South", 0),
    ]
    assert rows[0]["period_start"] == "2026-01-01" and rows[0]["period_end"] == "2026-01-31"
    assert rows[0]["denominator"] is None and rows[0]["breakdown"] is None


def test_the_api_by_month_and_every_indicator(client, loaded, make_user):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    response = client.get(API, {"from": "2025-12-01", "to": "2026-01-31", "by": "month"})
    rows = response.json()
    assert {row["indicator"] for row in rows} == {indicator.id for indicator in indicators()}
    assert {row["period_start"] for row in rows} == {"2025-12-01", "2026-01-01"}


def test_a_team_managers_api_rows(client, loaded, north, make_user):
    client.force_login(make_user(Role.TEAM_MANAGER, teams=[north]))
    rows = client.get(API, {**JANUARY_2026, "indicator": "s47_started"}).json()
    assert [(row["team"], row["value"]) for row in rows] == [(None, 11), ("North", 3)]
    response = client.get(API, {**JANUARY_2026, "team": "South"})
    assert response.status_code == 403


def test_a_councillors_api_rows_are_suppressed(client, loaded, make_user):
    client.force_login(make_user(Role.COUNCILLOR))
    rows = client.get(API, {**JANUARY_2026, "indicator": "s47_started"}).json()
    assert [(row["team"], row["value"], row["suppressed"]) for row in rows] == [
        (None, 11, False),
        ("North", None, True),
        ("South", None, True),
    ]


def test_an_administrator_gets_no_figures(client, loaded, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get(API, JANUARY_2026).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-01-01"},
        {"from": "2026-01-31", "to": "2026-01-01"},
        {**JANUARY_2026, "by": "week"},
        {**JANUARY_2026, "indicator": "nonsense"},
        {"from": "31/01/2026", "to": "2026-02-01"},
    ],
)
def test_bad_queries(client, loaded, make_user, query):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    response = client.get(API, query)
    assert response.status_code == 400
    assert "errors" in response.json()


def test_drill_down_lists_the_records_and_logs_the_view(client, loaded, make_user):
    user = make_user(Role.OPERATIONS_MANAGER)
    client.force_login(user)
    response = client.get(RECORDS, PERIOD)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.total == 11 and page.hidden == 0
    assert sorted(row["child"] for row in page.rows)[:3] == ["N1", "N2", "N3"]
    assert b"EN1" in response.content
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.kind, entry.record_type, entry.record_count) == (
        user,
        "page",
        "indicator records",
        11,
    )
    assert entry.via.startswith(RECORDS)
    assert AccessLogChild.objects.filter(entry=entry, child_ref="S8").exists()


def test_drill_down_for_a_team_role_shows_only_its_teams(client, loaded, north, make_user):
    client.force_login(make_user(Role.SOCIAL_WORKER, teams=[north]))
    page = client.get(RECORDS, {**PERIOD, "team": "North"}).context["page"]
    assert sorted(row["child"] for row in page.rows) == ["N1", "N2", "N3"]
    whole = client.get(RECORDS, PERIOD).context["page"]
    assert (whole.total, whole.hidden) == (3, 8)
    assert client.get(RECORDS, {**PERIOD, "team": "South"}).status_code == 403
    logged = set(AccessLogChild.objects.values_list("child_ref", flat=True))
    assert logged == {"N1", "N2", "N3"}


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.ADMINISTRATOR])
def test_drill_down_is_refused_to_roles_without_child_access(client, loaded, make_user, role):
    client.force_login(make_user(role))
    assert client.get(RECORDS, PERIOD).status_code == 403
    assert AccessLogEntry.objects.count() == 0


def test_without_dates_the_last_complete_months(client, loaded, make_user):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    rows = client.get(API, {"indicator": "s47_started"}).json()
    start, end = default_range(today=timezone.localdate(), months=12)
    assert [(row["period_start"], row["period_end"]) for row in rows] == [
        (start.isoformat(), end.isoformat())
    ] * 3  # the authority and two teams, one period
    response = client.get(RECORDS)
    assert response.status_code == 200
    last_month = default_range(today=timezone.localdate(), months=1)
    assert (response.context["page"].period.start, response.context["page"].period.end) == (
        last_month
    )


def test_drill_down_needs_sign_in(client, loaded):
    response = client.get(RECORDS, PERIOD)
    assert response.status_code == 302


def test_drill_down_parts(client, loaded, make_user):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    response = client.get(RECORDS, {**PERIOD, "part": "denominator"})
    assert response.status_code == 400
    assert NO_DENOMINATOR.encode() in response.content
    timely = "/indicators/icpc_within_15_working_days/records"
    page = client.get(timely, {**PERIOD, "part": "denominator"}).context["page"]
    assert [row["ref"] for row in page.rows] == ["K1"]
    assert client.get("/indicators/nonsense/records", PERIOD).status_code == 404
    assert client.get(RECORDS, {"period_start": "2026-01-01"}).status_code == 400


def test_the_definitions_page(client, loaded, make_user):
    client.force_login(make_user(Role.COUNCILLOR))
    response = client.get("/indicators/definitions/")
    assert response.status_code == 200
    content = response.content.decode()
    for indicator in indicators():
        assert f'id="{indicator.id}"' in content
    assert "Working Together to Safeguard Children" in content
    assert "threshold 15 working days" in content
    assert "<script" not in content.split("</footer>")[0].split("<main")[1]
