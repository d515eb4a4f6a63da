"""The dashboards' pages on the hand-worked authority of conftest.py (data as at 30 January
2026, so January 2026 is the month shown by default)."""

import html
import re

import pytest
from django.urls import reverse

from cpqa.accounts.models import AccessLogChild, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.dashboards.homes import NO_CHAIR, NO_TEAM
from cpqa.dashboards.selectors import RECORD_TYPE_CONFERENCES, RECORD_TYPE_WARNINGS
from cpqa.dashboards.views import NOT_A_CHILD_FILTER

from .conftest import CHILD_REFS

pytestmark = pytest.mark.django_db


def signed_in(client, user):
    client.force_login(user)
    return client


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<img[^>]*>", " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def row_text(response, marker: str) -> str:
    """The text of the table row with the data attribute given (e.g. data-indicator="x")."""
    html = response.content.decode()
    start = html.index(">", html.index(marker)) + 1
    end = html.index("</tr>", start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start:end])).strip()


def test_the_urls():
    assert reverse("dashboards:dashboard") == "/dashboard/"
    assert reverse("dashboards:home", args=["team_manager"]) == "/dashboard/team_manager/"
    assert reverse("dashboards:indicator", args=["s47_started"]) == "/indicator/s47_started/"
    assert reverse("dashboards:warnings") == "/warnings/"
    assert reverse("dashboards:warning-list", args=["visits"]) == "/warnings/visits/"
    assert reverse("dashboards:chair-conferences") == "/dashboard/conference_chair/conferences/"


def test_the_dashboard_is_the_home_of_the_first_role(client, service, make_user):
    signed_in(client, make_user(Role.SENIOR_MANAGER, Role.COUNCILLOR))
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/senior_manager/"


def test_signing_in_is_needed(client, service):
    response = client.get("/dashboard/team_manager/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_only_ones_own_roles_home(client, service, make_user):
    signed_in(client, make_user(Role.TEAM_MANAGER, teams=[service.north]))
    assert client.get("/dashboard/senior_manager/").status_code == 403
    assert client.get("/dashboard/no_such_role/").status_code == 404


@pytest.mark.parametrize("role", list(Role))
def test_every_roles_home_page(client, service, make_user, role):
    teams = [service.north] if role in (Role.SOCIAL_WORKER, Role.TEAM_MANAGER,
                                        Role.ASSISTANT_TEAM_MANAGER) else []  # fmt: skip
    signed_in(client, make_user(role, teams=teams))
    response = client.get(f"/dashboard/{role.value}/")
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{role.label}</h1>' in response.content.decode()


def test_a_team_managers_home(client, service, make_user):
    signed_in(client, make_user(Role.TEAM_MANAGER, teams=[service.north]))
    response = client.get("/dashboard/team_manager/")
    text = text_of(response)
    assert "Team: North" in text and "Jan 2026" in text
    # North: 3 enquiries of the authority's 11; 1 child on a plan of 2.
    assert row_text(response, 'data-indicator="s47_started"').startswith(
        "Section 47 enquiries started 3 : the records counted"
    )
    assert " 11 " in row_text(response, 'data-indicator="s47_started"')
    # Seen within the standard: North's N1 was seen (100%); the authority 1 of 2 (50%).
    seen = row_text(response, 'data-indicator="cpp_seen_within_standard"')
    assert "100.0%" in seen and "50.0%" in seen and "Green" in seen
    # The team's due and overdue work.
    # (overdue, in the list)
    assert row_text(response, 'data-warning="initial-conferences"').endswith("2 2")
    assert row_text(response, 'data-warning="core-groups"').endswith("1 1")
    assert row_text(response, 'data-warning="publication"').endswith("0 1")
    assert row_text(response, 'data-warning="visits"').endswith("0 0")
    # Drill-down to the records counted, for North.
    assert (
        "/indicators/s47_started/records?period_start=2026-01-01&amp;period_end=2026-01-31"
        "&amp;part=numerator&amp;team=T1" in response.content.decode()
    )
    # Counts are aggregates: nothing is logged.
    assert not AccessLogEntry.objects.exists()


def test_a_team_manager_of_no_team(client, service, make_user):
    signed_in(client, make_user(Role.TEAM_MANAGER))
    response = client.get("/dashboard/team_manager/")
    assert NO_TEAM in response.content.decode()


def test_filters_are_in_the_query_string(client, service, make_user):
    signed_in(client, make_user(Role.TEAM_MANAGER, teams=[service.north, service.south]))
    response = client.get("/dashboard/team_manager/", {"period": "2025-12", "team": "T2"})
    text = text_of(response)
    assert "Team: South" in text and "Dec 2025" in text
    # In December, South had one child on a plan (S1).
    assert row_text(response, 'data-indicator="cpp_open_at_end"').startswith(
        "Children on a child protection plan at the end of the period 1"
    )


def test_a_filter_by_category(client, service, make_user):
    signed_in(client, make_user(Role.SENIOR_MANAGER))
    response = client.get("/dashboard/senior_manager/", {"category": "PHY"})
    # S1 (physical abuse) is the only such child: one enquiry, one plan.
    assert row_text(response, 'data-indicator="s47_started"').startswith(
        "Section 47 enquiries started 1"
    )
    # Drill-down of a filtered figure goes to the dashboards' own drill-down.
    assert "/indicator/s47_started/records/?period_start=2026-01-01" in response.content.decode()


def test_an_unknown_month_is_a_problem(client, service, make_user):
    signed_in(client, make_user(Role.SENIOR_MANAGER))
    response = client.get("/dashboard/senior_manager/", {"period": "1999-01"})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_a_senior_manager_sees_exceptions_first(client, service, make_user):
    signed_in(client, make_user(Role.SENIOR_MANAGER))
    response = client.get("/dashboard/senior_manager/")
    html = response.content.decode()
    # North's conference decision: published the same day: green; minutes never: red.
    assert html.index('id="exceptions"') < html.index('id="authority-figures"')
    exceptions = html[
        html.index('id="exceptions"') : html.index("</table>", html.index('id="exceptions"'))
    ]
    assert "Full conference minutes published within 15 working days" in exceptions
    assert "Conference decisions published within 1 working day" not in exceptions


def test_an_operations_manager_sees_their_teams_or_every_team(client, service, make_user):
    signed_in(client, make_user(Role.OPERATIONS_MANAGER))
    response = client.get("/dashboard/operations_manager/")
    assert "No team is linked to your account, so every team is shown" in text_of(response)
    # Overdue work, a row a team; initial conferences: 10 overdue in all, North 2, South 8.
    everyone = row_text(response, 'id="warnings-all"')
    assert everyone == "All 1 1 listed 0 1 listed 10 10 listed 2 2 listed 0 1 listed 0 1 listed"
    title = "Initial conferences approaching or past day 15"
    assert row_text(response, 'data-team="T1"') == (
        f"North 0 0 2 overdue: {title}, North 1 overdue: Core groups overdue, North 0 0"
    )
    assert f"8 overdue: {title}, South" in row_text(response, 'data-team="T2"')


def test_an_operations_manager_linked_to_a_team(client, service, make_user):
    signed_in(client, make_user(Role.OPERATIONS_MANAGER, teams=[service.south]))
    response = client.get("/dashboard/operations_manager/")
    assert "Your teams: South." in text_of(response)
    assert ">North<" not in response.content.decode()


def test_a_councillor_sees_no_child_and_no_drill_down(client, service, make_user):
    signed_in(client, make_user(Role.COUNCILLOR))
    response = client.get("/dashboard/councillor/")
    html = response.content.decode()
    text = text_of(response)
    for ref in CHILD_REFS:
        assert not re.search(rf"\b{ref}\b", text), ref
    assert "/records" not in html and "/children/" not in html and "/warnings/" not in html
    # 2 children on a plan: fewer than 5.
    assert "fewer than 5" in row_text(response, 'data-indicator="cpp_open_at_end"')
    assert " 11 " in row_text(response, 'data-indicator="s47_started"') + " "
    assert "A question to ask" in text


def test_a_councillor_cannot_filter_by_category_or_age(client, service, make_user):
    signed_in(client, make_user(Role.COUNCILLOR))
    response = client.get("/indicator/s47_started/", {"category": "NEG"})
    # Not offered: the parameter is ignored, and no figure of a subset is shown.
    assert response.status_code == 200
    assert 'name="category"' not in response.content.decode()
    assert ">11<" in response.content.decode()


def test_a_chair_linked_by_name(client, service, make_user):
    signed_in(client, make_user(Role.CONFERENCE_CHAIR, first_name="Emma", last_name="Watson"))
    response = client.get("/dashboard/conference_chair/")
    text = text_of(response)
    assert "You chaired 1 conference in Jan 2026" in text
    row = row_text(response, 'data-indicator="conference_quorate"')
    assert row.startswith("Conferences that were quorate 100.0% of 1")
    conferences = client.get("/dashboard/conference_chair/conferences/", {"period": "2026-01"})
    assert "1 conference chaired by Emma Watson" in text_of(conferences)
    entry = AccessLogEntry.objects.get(record_type=RECORD_TYPE_CONFERENCES)
    assert list(entry.children.values_list("child_ref", flat=True)) == ["N1"]


def test_a_chair_not_linked(client, service, make_user):
    signed_in(client, make_user(Role.CONFERENCE_CHAIR, first_name="Ann", last_name="Other"))
    response = client.get("/dashboard/conference_chair/")
    assert NO_CHAIR.format(name="Ann Other") in html.unescape(response.content.decode())


def test_a_reviewing_officers_children_are_listed_and_logged(client, service, make_user):
    user = make_user(Role.REVIEWING_OFFICER)
    signed_in(client, user)
    response = client.get("/dashboard/reviewing_officer/")
    assert 'href="/children/S1/"' in response.content.decode()
    entry = AccessLogEntry.objects.get(username=user.username)
    assert list(entry.children.values_list("child_ref", flat=True)) == ["S1"]


def test_an_administrator_sees_users_not_children(client, service, make_user):
    signed_in(client, make_user(Role.ADMINISTRATOR))
    response = client.get("/dashboard/administrator/")
    html = response.content.decode()
    assert "/access-log/" in html
    for ref in CHILD_REFS:
        assert not re.search(rf"\b{ref}\b", text_of(response)), ref


def test_an_indicator_page(client, service, make_user):
    signed_in(client, make_user(Role.SENIOR_MANAGER))
    response = client.get("/indicator/cpp_seen_within_standard/", {"to": "2026-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="cpqa-figure" id="figure">50.0%</span>' in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert "Statutory visits at least every 10 working days" in html
    assert "Of the children on a child protection plan at the end of P" in html
    # 1 of 2, each a link to the records behind it.
    assert "part=numerator" in html and "part=denominator" in html
    # 50% against a target of 90% (amber from 80%): red.
    assert 'id="rag"><strong class="govuk-tag govuk-tag--red">Red</strong>' in html


def test_an_indicator_page_for_a_team_with_dates(client, service, make_user):
    signed_in(client, make_user(Role.TEAM_MANAGER, teams=[service.north]))
    response = client.get(
        "/indicator/s47_started/", {"from": "2025-11-01", "to": "2026-01-31", "team": "T1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="cpqa-figure" id="figure">3</span>' in html
    # A team role compares only its own teams: no South.
    assert ">South<" not in html
    other = client.get("/indicator/s47_started/", {"team": "T2"})
    assert other.status_code == 400  # not a choice for this user


def test_an_indicator_page_with_the_months_the_wrong_way_round(client, service, make_user):
    signed_in(client, make_user(Role.SENIOR_MANAGER))
    response = client.get("/indicator/s47_started/", {"from": "2026-01", "to": "2025-06"})
    assert response.status_code == 400
    assert "The first month must be on or before the last month." in response.content.decode()


def test_an_unknown_indicator(client, service, make_user):
    signed_in(client, make_user(Role.SENIOR_MANAGER))
    assert client.get("/indicator/no_such_thing/").status_code == 404


def test_an_administrator_has_no_indicator_page(client, service, make_user):
    signed_in(client, make_user(Role.ADMINISTRATOR))
    assert client.get("/indicator/s47_started/").status_code == 403


def test_the_warnings_pages(client, service, make_user):
    user = make_user(Role.TEAM_MANAGER, teams=[service.north])
    signed_in(client, user)
    index = client.get("/warnings/")
    assert row_text(index, 'data-warning="initial-conferences"').endswith("2 2")
    listed = client.get("/warnings/initial-conferences/")
    html = listed.content.decode()
    assert 'href="/children/N2/"' in html and 'href="/children/N3/"' in html
    assert "/children/S1/" not in html
    assert "4 days overdue" in html
    entry = AccessLogEntry.objects.get(record_type=RECORD_TYPE_WARNINGS)
    assert sorted(
        AccessLogChild.objects.filter(entry=entry).values_list("child_ref", flat=True)
    ) == [
        "N2",
        "N3",
    ]
    assert client.get("/warnings/no-such-list/").status_code == 404


def test_councillors_have_no_warnings_lists(client, service, make_user):
    signed_in(client, make_user(Role.COUNCILLOR))
    assert client.get("/warnings/").status_code == 403
    assert client.get("/warnings/visits/").status_code == 403


def test_the_filtered_drill_down_needs_a_filter(client, service, make_user):
    signed_in(client, make_user(Role.SENIOR_MANAGER))
    params = {"period_start": "2026-01-01", "period_end": "2026-01-31", "part": "numerator"}
    response = client.get("/indicator/cpp_open_at_end/records/", params)
    assert response.status_code == 400
    assert NOT_A_CHILD_FILTER in html.unescape(response.content.decode())
    response = client.get("/indicator/cpp_open_at_end/records/", {**params, "category": "PHY"})
    assert response.status_code == 200
    assert 'href="/children/S1/"' in response.content.decode()
    assert 'href="/children/N1/"' not in response.content.decode()
