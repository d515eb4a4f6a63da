import pytest
from playwright.sync_api import expect

from cpqa.accounts.models import AccessKind, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.dataquality.exports import FINDING_COLUMNS
from tests.dataquality.conftest import two_teams_checked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_data_officer_opens_the_findings_and_downloads_the_csv(
    page, live_server, make_user, authority, sign_in, screenshot, tmp_path
):
    two_teams_checked(authority)
    make_user(Role.DATA_OFFICER, username="dora")
    sign_in("dora")
    page.get_by_role("link", name="Data quality", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data quality")
    page.get_by_role("link", name="Findings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data quality findings")
    table = page.locator("#findings")
    expect(table.get_by_role("link", name="CHILD-NORTH").first).to_be_visible()
    expect(table.get_by_role("link", name="CHILD-SOUTH").first).to_be_visible()
    page.get_by_label("Rule").select_option("8840")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#findings caption")).to_have_text("2 findings")
    screenshot("dataquality-findings")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "cpqa-findings.csv"
    path = tmp_path / "findings.csv"
    download.save_as(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(FINDING_COLUMNS)
    assert len(lines) == 3 and all(line.startswith("8840,error,CHILD-") for line in lines[1:])
    export = AccessLogEntry.objects.get(kind=AccessKind.EXPORT)
    assert export.username == "dora"
    assert sorted(export.children.values_list("child_ref", flat=True)) == [
        "CHILD-NORTH",
        "CHILD-SOUTH",
    ]


def test_a_team_manager_sees_the_summary_and_completeness_of_their_team(
    page, live_server, make_user, authority, sign_in, screenshot
):
    checked = two_teams_checked(authority)
    make_user(Role.TEAM_MANAGER, teams=[checked.north], username="tom")
    sign_in("tom")
    page.get_by_role("link", name="Data quality", exact=True).click()
    expect(page.locator("#errors-count")).to_have_text("2")
    expect(page.locator("#by-team")).to_contain_text("North Locality Team")
    expect(page.locator("#by-team")).not_to_contain_text("South Locality Team")
    screenshot("dataquality-summary-team-manager")
    page.get_by_role("link", name="Completeness", exact=True).click()
    expect(page.locator("#by-worker")).to_contain_text("Nadia North")
    expect(page.locator("#by-item")).to_contain_text("50.0%")
    screenshot("dataquality-completeness-team-manager")
