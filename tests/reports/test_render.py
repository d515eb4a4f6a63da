"""The same report as a PDF (read back with pypdf) and a workbook (read back with openpyxl)."""

import io
from datetime import datetime

import openpyxl
import pypdf
import pytest

from cpqa.accounts.roles import Role
from cpqa.indicators.suppression import FEWER_THAN_5
from cpqa.reports.builders import report_for_operator
from cpqa.reports.document import Cell, Column, Report, Section, Table
from cpqa.reports.periods import ReportPeriod
from cpqa.reports.render import (
    ABOUT_SHEET,
    report_file,
    report_filename,
    report_pdf,
    report_print_html,
    report_xlsx,
)

from .conftest import QUARTER, SEPTEMBER, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def monthly(loaded):
    return report_for_operator(
        name="monthly", period=SEPTEMBER, authority=loaded, operator="tester", today=TODAY
    )


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


def test_the_pdf_has_the_title_period_as_at_date_figures_and_page_numbers(monthly):
    content = report_pdf(monthly)
    assert content.startswith(b"%PDF-")
    pages = pdf_pages(content)
    first = pages[0]
    assert "Monthly management information" in first
    assert "September 2025" in first
    assert "Data as at 30 September 2025" in first
    assert "fenshire.xlsx" in first  # the import the data came from
    assert f"Page 1 of {len(pages)}" in first
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    # Every page repeats the period and the data's date at its foot.
    assert all("September 2025 · Data as at 30 September 2025" in page for page in pages)
    text = " ".join(pages)
    assert "66.7%" in text  # initial conferences on time, the whole authority
    assert "Not invited in time (1)" in text
    assert "All figures" not in text.split("Every figure")[0]  # workbook-only table
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.metadata.title == "Monthly management information: September 2025"
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape


def test_the_health_check_pdf_is_marked(loaded):
    report = report_for_operator(
        name="health-check", period=SEPTEMBER, authority=loaded, operator="t", today=TODAY
    )
    text = " ".join(pdf_pages(report_pdf(report)))
    assert "OFFICIAL-SENSITIVE: lists children" in text
    assert "N0" in text and "Allocate to the next social worker free" in text


def test_the_workbook(monthly):
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(monthly)))
    sheets = book.sheetnames
    assert sheets[0] == ABOUT_SHEET
    assert sheets[1:5] == [
        "Standards",
        "Register",
        "Plans by category",
        "Plans by category by team",
    ]
    assert "All figures" in sheets
    about = {row[0]: row[1] for row in book[ABOUT_SHEET].iter_rows(values_only=True) if row[0]}
    assert about["Report"] == "Monthly management information"
    assert about["Period"] == "September 2025"
    assert about["From"] == datetime(2025, 9, 1)
    assert about["To"] == datetime(2025, 9, 30)
    assert about["Data as at"] == datetime(2025, 9, 30)
    assert about["Source"].startswith("fenshire.xlsx (cpqa local table, 1 Mar 2025 to 3 Oct 2025)")
    assert about["Produced for"] == "the operator at the command line (tester)"
    # Each table sheet: headings in row 1, numbers as numbers with their formats.
    standards = book["Standards"]
    assert [cell.value for cell in standards[1]][:3] == ["Standard", "Target", "Sep 2025"]
    first = standards[2]
    assert first[0].value == "Initial conferences held on time"
    assert first[1].value == pytest.approx(0.85) and first[1].number_format == "0.0%"
    assert first[2].value == pytest.approx(2 / 3) and first[2].number_format == "0.0%"
    assert first[3].value == "no value"
    register = book["Register"]
    assert [cell.value for cell in register[2]][:5] == ["Whole authority", 2, 3, 1, 4]
    assert register["B2"].number_format == "#,##0"
    assert standards.freeze_panes == "B2"


def test_a_withheld_figure_is_text_in_the_workbook(loaded):
    report = report_for_operator(
        name="members", period=QUARTER, authority=loaded, operator="t", today=TODAY
    )
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    measures = {row[0]: row[1] for row in book["Measures"].iter_rows(min_row=2, values_only=True)}
    assert measures["Child protection enquiries started"] == 25
    assert measures["Children on a child protection plan"] == FEWER_THAN_5


def test_text_is_never_a_formula_and_sheet_names_are_unique():
    period = ReportPeriod.__new__(ReportPeriod)
    object.__setattr__(period, "start", datetime(2025, 9, 1).date())
    object.__setattr__(period, "end", datetime(2025, 9, 30).date())
    object.__setattr__(period, "kind", "month")
    cells = [Cell("=1+1", "=1+1"), Cell(None, "no value", "count")]
    report = Report(
        name="monthly",
        title="A test",
        audience="Tests",
        authority="Testshire",
        period=period,
        as_at=None,
        generated_at=datetime(2025, 10, 1, 9, 0),
        produced_for="a test",
        sources=[],
    )
    section = report.add(Section("s", "S"))
    columns = [Column("Text"), Column("Count", "count")]
    section.add(Table("Same/name", "One", columns, [cells]), Table("Same/name", "Two", columns, []))
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(report)))
    assert book.sheetnames == [ABOUT_SHEET, "Same name", "Same name 2"]
    assert book["Same name"]["A2"].value == "=1+1"
    assert book["Same name"]["A2"].data_type == "s"
    assert book["Same name 2"]["A2"].value == "None."
    assert report_filename(report, format="xlsx") == "cpqa-monthly-2025-09.xlsx"


def test_the_html_file_carries_its_stylesheet(monthly):
    html = report_file(monthly, format="html").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html and "@page" in html
    assert "Monthly management information" in html
    assert "<script" not in html
    assert "<style>" not in report_print_html(monthly, embed_css=False)


def test_in_print_a_rating_shades_its_cell_and_follows_the_figure(monthly, client, make_user):
    html = report_print_html(monthly, embed_css=False)
    # The whole authority's initial conferences on time: 66.7%, red (one text, no tag box).
    cell = '<td class="govuk-table__cell govuk-table__cell--numeric cpqa-rag cpqa-rag--red">'
    assert f"{cell}66.7% Red</td>" in html
    assert "cpqa-rag--green" in html and "govuk-tag" not in html
    css = report_print_html(monthly)
    assert ".cpqa-rag--red {" in css and ".cpqa-rag--amber {" in css
    assert "66.7% Red" in " ".join(pdf_pages(report_pdf(monthly)))
    # The page keeps GOV.UK's tags.
    client.force_login(make_user(Role.SENIOR_MANAGER))
    page = client.get("/reports/monthly/", {"period": "2025-09"}).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in page
    assert "cpqa-rag" not in page


def test_in_print_tables_of_figures_have_columns_of_equal_width(monthly):
    assert Table(
        "T", "t", [Column("Team"), Column("A", "count"), Column("B", "percent")], []
    ).figures_only
    assert not Table("T", "t", [Column("Team"), Column("A", "count")], []).figures_only
    assert not Table("T", "t", [Column("A"), Column("B", "count"), Column("C")], []).figures_only
    html = report_print_html(monthly, embed_css=False)
    assert (
        '<table class="govuk-table cpqa-table--figures" id="table-conference-timescales">' in html
    )
    # The agencies' table has a column of reasons (text): its columns fit their content.
    assert '<table class="govuk-table" id="table-attendance-by-agency">' in html
    assert ".cpqa-table--figures {\n  table-layout: fixed;" in report_print_html(monthly)
