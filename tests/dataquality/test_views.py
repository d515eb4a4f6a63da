import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from cpqa.accounts.models import AccessKind, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.dataquality.exports import FINDING_COLUMNS
from cpqa.dataquality.models import ValidationRun
from cpqa.dataquality.views import REFRESHED

pytestmark = pytest.mark.django_db

CHILD_LISTS = ("dataquality:findings", "dataquality:missing")
DOWNLOADS = ("csv", "xlsx")


def logged_children(entry: AccessLogEntry) -> list[str]:
    return sorted(entry.children.values_list("child_ref", flat=True))


def test_pages_need_sign_in(client):
    for name in ("dataquality:summary", *CHILD_LISTS, "dataquality:completeness"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_a_data_officer_sees_every_finding_and_the_list_is_logged(client, make_user, checked):
    client.force_login(make_user(Role.DATA_OFFICER))
    response = client.get(reverse("dataquality:findings"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "CHILD-NORTH" in page and "CHILD-SOUTH" in page
    assert "Child Protection Plan cannot start and end on the same day" in page
    assert "5 findings" in page
    entry = AccessLogEntry.objects.get()
    assert entry.kind == AccessKind.PAGE
    assert entry.record_type == "data quality findings"
    assert logged_children(entry) == ["CHILD-NORTH", "CHILD-SOUTH"]


def test_findings_filter_by_rule_team_worker_and_severity(client, make_user, checked):
    client.force_login(make_user(Role.DATA_OFFICER))
    url = reverse("dataquality:findings")
    by_team = client.get(url, {"team": checked.south.pk}).content.decode()
    assert "CHILD-SOUTH" in by_team and "CHILD-NORTH" not in by_team
    by_worker = client.get(url, {"worker": checked.north_worker.pk}).content.decode()
    assert "CHILD-NORTH" in by_worker and "CHILD-SOUTH" not in by_worker
    by_rule = client.get(url, {"rule": "2883"}).content.decode()
    assert "1 finding<" in by_rule and "The authority" in by_rule
    assert "0 findings" in client.get(url, {"severity": "query"}).content.decode()


def test_a_team_manager_sees_only_their_teams_findings_even_by_url(client, make_user, checked):
    client.force_login(make_user(Role.TEAM_MANAGER, teams=[checked.north]))
    url = reverse("dataquality:findings")
    page = client.get(url).content.decode()
    assert "CHILD-NORTH" in page and "CHILD-SOUTH" not in page
    # Asking for the other team by its id shows nothing of it.
    other = client.get(url, {"team": checked.south.pk}).content.decode()
    assert "CHILD-SOUTH" not in other
    for format in DOWNLOADS:
        download = client.get(reverse("dataquality:findings-download", args=[format]))
        assert download.status_code == 200
    csv_text = client.get(
        reverse("dataquality:findings-download", args=["csv"]), {"team": checked.south.pk}
    ).content.decode()
    assert "CHILD-SOUTH" not in csv_text
    missing = client.get(reverse("dataquality:missing")).content.decode()
    assert "CHILD-NORTH" in missing and "CHILD-SOUTH" not in missing
    # The summary counts only their children: 2 findings, and no authority-level one.
    summary = client.get(reverse("dataquality:summary")).content.decode()
    assert '<span class="cpqa-figure" id="errors-count">2</span>' in summary
    assert "South Locality Team" not in summary


def test_a_councillor_sees_counts_only_and_no_child_level_list_or_download(
    client, make_user, checked
):
    client.force_login(make_user(Role.COUNCILLOR))
    summary = client.get(reverse("dataquality:summary"))
    assert summary.status_code == 200
    page = summary.content.decode()
    assert '<span class="cpqa-figure" id="errors-count">5</span>' in page
    # Counts of 1 to 4 are suppressed, and no child is named.
    assert "fewer than 5" in page
    assert "CHILD-NORTH" not in page
    for name in CHILD_LISTS:
        assert client.get(reverse(name)).status_code == 403
    for format in DOWNLOADS:
        assert (
            client.get(reverse("dataquality:findings-download", args=[format])).status_code == 403
        )
    completeness = client.get(reverse("dataquality:completeness"))
    assert completeness.status_code == 200
    assert 'id="by-worker"' not in completeness.content.decode()
    assert client.get(reverse("dataquality:trend")).status_code == 200
    assert not AccessLogEntry.objects.exists()


def test_an_administrator_has_no_data_quality_pages(client, make_user, checked):
    client.force_login(make_user(Role.ADMINISTRATOR))
    for name in ("dataquality:summary", *CHILD_LISTS, "dataquality:completeness"):
        assert client.get(reverse(name)).status_code == 403


def test_the_csv_download_is_logged_as_an_export_of_every_child_in_it(client, make_user, checked):
    client.force_login(make_user(Role.DATA_OFFICER))
    response = client.get(reverse("dataquality:findings-download", args=["csv"]), {"rule": "8840"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cpqa-findings.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0] == ",".join(FINDING_COLUMNS)
    assert len(lines) == 3
    assert lines[1].startswith("8840,error,CHILD-NORTH,protection_plan,")
    assert lines[1].endswith(",North Locality Team,Nadia North")
    entry = AccessLogEntry.objects.get()
    assert entry.kind == AccessKind.EXPORT
    assert logged_children(entry) == ["CHILD-NORTH", "CHILD-SOUTH"]


def test_the_xlsx_download_holds_the_same_rows(client, make_user, checked):
    client.force_login(make_user(Role.DATA_OFFICER))
    response = client.get(reverse("dataquality:findings-download", args=["xlsx"]))
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name(
        "Findings"
    )
    rows = sheet.to_python()
    assert tuple(rows[0]) == FINDING_COLUMNS
    assert len(rows) == 6
    assert {row[2] for row in rows[1:]} == {"CHILD-NORTH", "CHILD-SOUTH", ""}
    assert AccessLogEntry.objects.get().kind == AccessKind.EXPORT


def test_an_unknown_download_format_is_not_found(client, make_user, checked):
    client.force_login(make_user(Role.DATA_OFFICER))
    assert client.get(reverse("dataquality:findings-download", args=["pdf"])).status_code == 404


def test_the_summary_shows_every_rule_and_the_teams(client, make_user, checked):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    page = client.get(reverse("dataquality:summary")).content.decode()
    assert page.count('<th scope="row" class="govuk-table__header">') >= 29 + 2
    assert "There are more child protection plans starting than initial conferences" in page
    assert "North Locality Team" in page and "South Locality Team" in page
    assert "Run the checks now" not in page


def test_completeness_by_item_team_and_worker(client, make_user, checked):
    client.force_login(make_user(Role.DATA_OFFICER))
    page = client.get(reverse("dataquality:completeness")).content.decode()
    assert "Date of a statutory visit" in page
    # Visits: North 1 of 2 dated, South 0 of 1: 1 of 3 in all.
    assert "33.3%" in page and "50.0%" in page and "0.0%" in page
    assert "Choose a team to see completeness by worker." in page
    by_team = client.get(
        reverse("dataquality:completeness"), {"team": checked.north.pk}
    ).content.decode()
    assert 'id="by-worker"' in by_team and "Nadia North" in by_team
    assert "Sam South" not in by_team
    assert not AccessLogEntry.objects.exists()


def test_the_missing_records_list_is_filtered_and_logged(client, make_user, checked):
    client.force_login(make_user(Role.DATA_OFFICER))
    response = client.get(reverse("dataquality:missing"), {"item": "visit_date"})
    page = response.content.decode()
    assert "2 records missing data" in page
    assert "Date of a statutory visit" in page
    entry = AccessLogEntry.objects.get()
    assert entry.record_type == "missing data"
    assert logged_children(entry) == ["CHILD-NORTH", "CHILD-SOUTH"]
    nothing = client.get(reverse("dataquality:missing"), {"item": "review_date"})
    assert "0 records missing data" in nothing.content.decode()
    # An empty page logs nothing.
    assert AccessLogEntry.objects.count() == 1


def test_the_trend_is_a_table_by_month(client, make_user, checked):
    client.force_login(make_user(Role.TEAM_MANAGER, teams=[checked.north]))
    page = client.get(reverse("dataquality:trend")).content.decode()
    # North's dated visit (complete) is in June 2024; undated visits have no month.
    assert '<th scope="row" class="govuk-table__header">Jun 2024</th>' in page
    assert "100.0%" in page
    assert "Percentage complete by month" in page


def test_a_data_officer_can_run_the_checks_again_and_others_cannot(client, make_user, checked):
    client.force_login(make_user(Role.TEAM_MANAGER, teams=[checked.north]))
    assert client.post(reverse("dataquality:refresh")).status_code == 403
    client.force_login(make_user(Role.DATA_OFFICER))
    before = ValidationRun.objects.get().pk
    assert client.get(reverse("dataquality:refresh")).status_code == 405
    response = client.post(reverse("dataquality:refresh"), follow=True)
    assert REFRESHED.format(total=5) in response.content.decode()
    assert ValidationRun.objects.get().pk != before


def test_the_navigation_links_to_data_quality_for_those_who_may_see_it(client, make_user, checked):
    link = f'href="{reverse("dataquality:summary")}"'
    client.force_login(make_user(Role.SOCIAL_WORKER, teams=[checked.north]))
    assert link in client.get(reverse("dataquality:summary")).content.decode()
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert link not in client.get(reverse("accounts:access-log")).content.decode()
