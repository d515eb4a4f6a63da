"""Reports in the browser: a senior manager and a councillor open a report, download its PDF
and workbook, and the files hold what they should (the authority of tests/reports/conftest.py)."""

import re

import openpyxl
import pypdf
import pytest
from playwright.sync_api import expect

from cpqa.accounts.models import AccessKind, AccessLogEntry
from cpqa.accounts.roles import Role
from tests.reports.conftest import QUARTER, SEPTEMBER, fenshire_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def download(page, link_name: str, path):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    info.value.save_as(path)
    return info.value.suggested_filename


def test_a_senior_manager_opens_the_monthly_report_and_downloads_it(
    page, live_server, make_user, authority, sign_in, screenshot, tmp_path
):
    fenshire_load(authority)
    make_user(Role.SENIOR_MANAGER, username="sam")
    sign_in("sam")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    page.get_by_role("link", name="Monthly management information").click()
    page.get_by_role("textbox", name="Period").fill(SEPTEMBER)
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("#report-period")).to_have_text("September 2025")
    expect(page.locator("#report-facts")).to_contain_text("30 September 2025")
    timescales = page.locator("#table-conference-timescales")
    expect(timescales).to_contain_text("66.7%")
    expect(timescales.locator(".govuk-tag--red").first).to_have_text("Red")
    screenshot("reports-monthly-senior-manager")

    name = download(page, "Download the PDF", tmp_path / "monthly.pdf")
    assert name == "cpqa-monthly-2025-09.pdf"
    pages = [p.extract_text() for p in pypdf.PdfReader(tmp_path / "monthly.pdf").pages]
    assert "Monthly management information" in pages[0]
    assert "Data as at 30 September 2025" in pages[0]
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert "Not invited in time (1)" in " ".join(pages)

    download(page, "Download the workbook (XLSX)", tmp_path / "monthly.xlsx")
    book = openpyxl.load_workbook(tmp_path / "monthly.xlsx")
    assert book.sheetnames[:3] == ["About", "Standards", "Register"]
    register = [c.value for c in book["Register"][2]]
    assert register[:5] == ["Whole authority", 2, 3, 1, 4]

    # The health check lists the children, and each look is logged.
    page.goto(f"{live_server.url}/reports/health-check/?period={SEPTEMBER}")
    expect(page.get_by_role("link", name="N0")).to_be_visible()
    screenshot("reports-health-check-senior-manager")
    download(page, "Download the PDF", tmp_path / "hc.pdf")
    kinds = list(AccessLogEntry.objects.order_by("pk").values_list("kind", "record_count"))
    assert kinds == [(AccessKind.PAGE, 2), (AccessKind.EXPORT, 2)]


def test_a_councillor_opens_the_members_report_and_downloads_it(
    page, live_server, make_user, authority, sign_in, screenshot, tmp_path
):
    fenshire_load(authority)
    make_user(Role.COUNCILLOR, username="cllr")
    sign_in("cllr")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("link", name="Monthly management information")).to_have_count(0)
    page.get_by_role("link", name="Members' report on child protection").click()
    page.get_by_role("textbox", name="Period").fill(QUARTER)
    page.get_by_role("button", name="Show the report").click()
    expect(page.locator("#report-period")).to_have_text("Q2 2025-26 (July to September 2025)")
    expect(page.get_by_role("heading", name="Questions to ask")).to_be_visible()
    expect(page.locator("#table-measures")).to_contain_text("fewer than 5")
    expect(page.locator("img.cpqa-chart__image").first).to_be_visible()
    screenshot("reports-members-councillor")

    download(page, "Download the PDF", tmp_path / "members.pdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "members.pdf").pages)
    assert "Members' report on child protection" in text
    assert "Page 1 of" in text and "fewer than 5" in text
    download(page, "Download the workbook (XLSX)", tmp_path / "members.xlsx")
    book = openpyxl.load_workbook(tmp_path / "members.xlsx")
    measures = {r[0]: r[1] for r in book["Measures"].iter_rows(min_row=2, values_only=True)}
    assert measures["Child protection enquiries started"] == 25
    assert measures["Children on a child protection plan"] == "fewer than 5"

    # The health check: counts only, no child, nothing logged.
    page.goto(f"{live_server.url}/reports/health-check/?period={SEPTEMBER}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Health check: unallocated children and staffing"
    )
    assert not re.search(r"\b(N0|S1)\b", page.locator("main").inner_text())
    screenshot("reports-health-check-councillor")
    # The quarterly report is not theirs.
    response = page.goto(f"{live_server.url}/reports/quarterly/?period={QUARTER}")
    assert response.status == 403
    assert AccessLogEntry.objects.count() == 0


def test_a_team_manager_gets_the_monthly_report_for_their_team_only(
    page, live_server, make_user, authority, sign_in, screenshot, tmp_path
):
    from cpqa.casework.models import Team

    fenshire_load(authority)
    north = Team.objects.get(authority=authority, name="North")
    make_user(Role.TEAM_MANAGER, teams=[north], username="tess")
    sign_in("tess")
    page.goto(f"{live_server.url}/reports/monthly/?period={SEPTEMBER}")
    expect(page.locator("#report-period")).to_have_text("September 2025")
    expect(page.locator("main")).to_contain_text("your teams (North)")
    screenshot("reports-monthly-team-manager")

    download(page, "Download the PDF", tmp_path / "monthly.pdf")
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "monthly.pdf").pages)
    assert "North" in text and "South" not in text
    download(page, "Download the workbook (XLSX)", tmp_path / "monthly.xlsx")
    book = openpyxl.load_workbook(tmp_path / "monthly.xlsx")
    register = [row[0] for row in book["Register"].iter_rows(min_row=2, values_only=True)]
    assert register == ["Whole authority", "North"]
    # The quarterly report is for the directorate, not for team managers.
    assert page.goto(f"{live_server.url}/reports/quarterly/?period={QUARTER}").status == 403
