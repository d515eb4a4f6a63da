"""`cpqa report`: the files it writes, its messages, and --as-user."""

import io
import stat

import openpyxl
import pypdf
import pytest
from django.core.management import CommandError, call_command

from cpqa.accounts.models import AccessKind, AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.reports.management.commands.report import CHILD_LEVEL, NO_SUCH_USER, NOT_ALLOWED
from cpqa.reports.periods import NOT_A_PERIOD

from .conftest import QUARTER, SEPTEMBER

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_pdf(loaded, tmp_path):
    path = tmp_path / "monthly.pdf"
    out, _ = run("monthly", "--period", SEPTEMBER, "--format", "pdf", "--out", str(path))
    assert out.startswith(f"Wrote {path} (")
    assert "Monthly management information, September 2025, data as at 30 September 2025" in out
    first = pypdf.PdfReader(path).pages[0].extract_text()
    assert "Monthly management information" in first and "Page 1 of" in first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_workbook_and_an_html_file(loaded, tmp_path):
    workbook = tmp_path / "q.xlsx"
    run("quarterly", "--period", QUARTER, "--format", "xlsx", "--out", str(workbook))
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames[:2] == ["About", "Against earlier periods"]
    assert book["About"]["B6"].value == "Q2 2025-26 (July to September 2025)"
    page = tmp_path / "q.html"
    run("quarterly", "--period", "2025-Q2", "--format", "html", "--out", str(page))
    assert "Quarterly performance report" in page.read_text()


def test_the_default_name(loaded, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("monthly", "--period", SEPTEMBER, "--format", "xlsx")
    assert (tmp_path / "cpqa-monthly-2025-09.xlsx").exists()


def test_a_bad_period_is_refused_with_the_forms(loaded, tmp_path):
    with pytest.raises(CommandError) as error:
        run("monthly", "--period", "Q2", "--out", str(tmp_path / "x.pdf"))
    assert str(error.value) == NOT_A_PERIOD.format(text="Q2")
    assert not (tmp_path / "x.pdf").exists()


def test_the_operator_gets_the_children_and_is_warned(loaded, tmp_path):
    path = tmp_path / "hc.xlsx"
    _, err = run("health-check", "--period", SEPTEMBER, "--format", "xlsx", "--out", str(path))
    assert err.strip() == CHILD_LEVEL
    book = openpyxl.load_workbook(path)
    children = [
        row[0] for row in book["Unallocated children"].iter_rows(min_row=2, values_only=True)
    ]
    assert children == ["N0", "S1"]
    assert AccessLogEntry.objects.count() == 0


def test_as_a_councillor_the_health_check_has_no_children(loaded, tmp_path, make_user):
    councillor = make_user(Role.COUNCILLOR)
    path = tmp_path / "hc.xlsx"
    _, err = run(
        "health-check", "--period", SEPTEMBER, "--format", "xlsx", "--out", str(path),
        "--as-user", councillor.username,
    )  # fmt: skip
    assert err == ""
    book = openpyxl.load_workbook(path)
    assert "Unallocated children" not in book.sheetnames
    values = {str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
              for v in row}  # fmt: skip
    assert not {"N0", "S1"} & values
    assert AccessLogEntry.objects.count() == 0


def test_as_a_manager_the_download_is_logged_against_them(loaded, tmp_path, make_user):
    manager = make_user(Role.SENIOR_MANAGER)
    run(
        "health-check", "--period", SEPTEMBER, "--format", "pdf",
        "--out", str(tmp_path / "hc.pdf"), "--as-user", manager.username,
    )  # fmt: skip
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.kind, entry.via, entry.record_count) == (
        manager.username,
        AccessKind.EXPORT,
        "cpqa report health-check --period 2025-09",
        2,
    )


def test_as_a_user_without_the_report_or_no_user(loaded, tmp_path, make_user):
    worker = make_user(Role.SOCIAL_WORKER)
    with pytest.raises(CommandError) as error:
        run("quarterly", "--period", QUARTER, "--out", str(tmp_path / "q.pdf"),
            "--as-user", worker.username)  # fmt: skip
    assert str(error.value) == NOT_ALLOWED.format(
        name=worker.username, title="quarterly performance report"
    )
    with pytest.raises(CommandError) as error:
        run("monthly", "--as-user", "nobody", "--out", str(tmp_path / "m.pdf"))
    assert str(error.value) == NO_SUCH_USER.format(name="nobody")
