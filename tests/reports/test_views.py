"""The reports' pages and downloads: who may have which, periods, logging, the files."""

import io
import re

import openpyxl
import pypdf
import pytest
from django.urls import reverse
from django.utils.html import escape

from cpqa.accounts.models import AccessKind, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.reports.periods import NOT_A_PERIOD
from cpqa.reports.registry import REPORTS
from cpqa.reports.selectors import RECORD_TYPE_UNALLOCATED, WHOLE_MONTHS

from .conftest import QUARTER, SEPTEMBER

pytestmark = pytest.mark.django_db

ALLOWED = {
    "monthly": {
        Role.TEAM_MANAGER,
        Role.ASSISTANT_TEAM_MANAGER,
        Role.OPERATIONS_MANAGER,
        Role.SENIOR_MANAGER,
        Role.CONFERENCE_CHAIR,
        Role.AUDIT_MANAGER,
        Role.AUDIT_PRACTICE_STANDARDS_MANAGER,
        Role.DATA_OFFICER,
    },
    "quarterly": {
        Role.SENIOR_MANAGER,
        Role.OPERATIONS_MANAGER,
        Role.AUDIT_MANAGER,
        Role.AUDIT_PRACTICE_STANDARDS_MANAGER,
        Role.DATA_OFFICER,
    },
    "members": {Role.COUNCILLOR, Role.SENIOR_MANAGER, Role.OPERATIONS_MANAGER, Role.DATA_OFFICER},
    "health-check": {
        Role.SENIOR_MANAGER,
        Role.OPERATIONS_MANAGER,
        Role.TEAM_MANAGER,
        Role.ASSISTANT_TEAM_MANAGER,
        Role.COUNCILLOR,  # the aggregate version
    },
}


def test_the_urls():
    assert reverse("reports:index") == "/reports/"
    assert reverse("reports:report", args=["health-check"]) == "/reports/health-check/"
    assert reverse("reports:download", args=["monthly", "pdf"]) == "/reports/monthly/pdf"


def test_the_registry_matches_the_documented_roles():
    for name, roles in ALLOWED.items():
        spec = REPORTS[name]
        assert set(spec.roles) | set(spec.aggregate_roles) == roles, name


def test_sign_in_is_needed(client, loaded):
    response = client.get("/reports/monthly/", {"period": SEPTEMBER})
    assert response.status_code == 302 and "sign-in" in response["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_the_list_shows_each_role_its_reports(client, loaded, make_user, role):
    client.force_login(make_user(role))
    response = client.get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    listed = {name for name, spec in REPORTS.items() if escape(spec.title) in html}
    assert listed == {name for name, roles in ALLOWED.items() if role in roles}


@pytest.mark.parametrize("name", list(REPORTS))
def test_roles_without_a_report_are_refused_it(client, loaded, make_user, name):
    for role in set(Role) - ALLOWED[name]:
        client.force_login(make_user(role))
        for address in (f"/reports/{name}/", f"/reports/{name}/pdf", f"/reports/{name}/xlsx"):
            assert client.get(address, {"period": QUARTER}).status_code == 403, (role, address)
    assert AccessLogEntry.objects.count() == 0


def test_a_bad_period_is_refused_with_the_forms(client, loaded, make_user):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    response = client.get("/reports/monthly/", {"period": "Sept"})
    assert response.status_code == 400
    assert escape(NOT_A_PERIOD.format(text="Sept")) in response.content.decode()
    download = client.get("/reports/monthly/pdf", {"period": "Sept"})
    assert download.status_code == 400
    assert download.content.decode() == NOT_A_PERIOD.format(text="Sept")
    members = client.get("/reports/members/", {"period": "2025-09-02:2025-09-30"})
    assert members.status_code == 400 and WHOLE_MONTHS in members.content.decode()


def test_unknown_reports_and_formats(client, loaded, make_user):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    assert client.get("/reports/weekly/").status_code == 404
    assert client.get("/reports/monthly/docx").status_code == 404


def test_the_page_and_its_downloads(client, loaded, make_user):
    client.force_login(make_user(Role.SENIOR_MANAGER))
    page = client.get("/reports/monthly/", {"period": SEPTEMBER})
    assert page.status_code == 200
    html = page.content.decode()
    assert "September 2025" in html and "30 September 2025" in html
    assert 'href="/reports/monthly/pdf?period=2025-09"' in html
    assert 'href="/reports/monthly/xlsx?period=2025-09"' in html
    assert "66.7%" in html
    # The Content Security Policy: no inline script, no style attribute.
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    pdf = client.get("/reports/monthly/pdf", {"period": SEPTEMBER})
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="cpqa-monthly-2025-09.pdf"'
    assert pdf["Cache-Control"] == "no-store"
    first = pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Monthly management information" in first and "Page 1 of" in first
    xlsx = client.get("/reports/monthly/xlsx", {"period": SEPTEMBER})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[:2] == ["About", "Standards"]
    assert AccessLogEntry.objects.count() == 0  # no child is named


def test_the_health_check_is_logged_as_a_page_and_as_exports(client, loaded, make_user):
    client.force_login(make_user(Role.OPERATIONS_MANAGER))
    page = client.get("/reports/health-check/", {"period": SEPTEMBER})
    assert page.status_code == 200
    assert 'href="/children/N0/"' in page.content.decode()
    client.get("/reports/health-check/pdf", {"period": SEPTEMBER})
    client.get("/reports/health-check/xlsx", {"period": SEPTEMBER})
    entries = list(AccessLogEntry.objects.order_by("pk"))
    assert [(e.kind, e.via, e.record_type, e.record_count) for e in entries] == [
        (AccessKind.PAGE, "/reports/health-check/?period=2025-09", RECORD_TYPE_UNALLOCATED, 2),
        (AccessKind.EXPORT, "/reports/health-check/pdf?period=2025-09", RECORD_TYPE_UNALLOCATED, 2),
        (
            AccessKind.EXPORT,
            "/reports/health-check/xlsx?period=2025-09",
            RECORD_TYPE_UNALLOCATED,
            2,
        ),
    ]


def test_a_councillor_cannot_get_the_health_checks_children_by_address(client, loaded, make_user):
    client.force_login(make_user(Role.COUNCILLOR))
    page = client.get("/reports/health-check/", {"period": SEPTEMBER})
    assert page.status_code == 200
    html = page.content.decode()
    assert "fewer than 5" in html
    assert not re.search(r"\b(N0|S1)\b", html)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/reports/health-check/xlsx", {"period": SEPTEMBER}).content)
    )
    assert "Unallocated children" not in book.sheetnames
    values = {
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
    }
    assert not {"N0", "S1"} & values
    pdf = client.get("/reports/health-check/pdf", {"period": SEPTEMBER})
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert not re.search(r"\b(N0|S1)\b", text)
    assert AccessLogEntry.objects.count() == 0
    # Not a month: suppressed figures are for whole months only.
    assert (
        client.get("/reports/health-check/", {"period": "2025-09-03:2025-09-30"}).status_code == 400
    )
