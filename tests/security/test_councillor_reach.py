"""A councillor's whole reach on the demo authority holds no child identifier or date of birth.

The demo authority (the synthetic one `cpqa demo` loads, smaller) is imported through the
importers; a councillor then opens every page the access matrix lets them reach, every
report as a page, a PDF and a workbook, and the indicators API, and every response body is
searched for every child's identifier and date of birth (in the forms the pages and files
write dates). PDFs are searched in their text, workbooks in every cell.
"""

import io
import re
from datetime import date

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from cpqa.accounts.roles import Role
from cpqa.casework.models import Child
from cpqa.indicators.registry import indicators
from cpqa.reports.registry import REPORTS
from cpqa.synthetic.services import synthetic_authority_import
from tests.conftest import VerifiedClient

pytestmark = pytest.mark.django_db

END = date(2025, 3, 31)


@pytest.fixture
def demo(authority):
    synthetic_authority_import(authority=authority, seed=2026, scale=0.1, end=END, years=2)
    return authority


def date_forms(day: date) -> set[str]:
    return {day.isoformat(), day.strftime("%d/%m/%Y"), f"{day.day} {day:%b %Y}", f"{day:%d %b %Y}"}


def body_text(response) -> str:
    content = b"".join(response) if getattr(response, "streaming", False) else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content))
        return " ".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode("utf-8", "replace")


def test_no_child_identifier_or_date_of_birth_reaches_a_councillor(demo, make_user):
    children = list(Child.objects.filter(authority=demo).values_list("ref", "date_of_birth"))
    assert len(children) > 100
    refs = {ref for ref, _ in children}
    # Dates of birth before the two years of data: a later one could be any date a page
    # shows (a period's end, a due date), and would be found by chance.
    births = set().union(
        *(date_forms(day) for _, day in children if day is not None and day < date(2023, 1, 1))
    )
    councillor = VerifiedClient()
    councillor.force_login(make_user(Role.COUNCILLOR))

    period = {"month": "2025-03", "quarter": "2024-25Q4"}
    urls = [
        reverse("dashboards:dashboard"),
        reverse("dashboards:home", kwargs={"role": Role.COUNCILLOR}),
        reverse("reports:index"),
        reverse("indicators:definitions"),
        reverse("indicators:api") + "?from=2024-04-01&to=2025-03-31&by=month",
        *(
            reverse("dashboards:indicator", kwargs={"indicator_id": indicator.id}) + "?to=2025-03"
            for indicator in indicators()
        ),
    ]
    for spec in REPORTS.values():
        if Role.COUNCILLOR not in spec.roles | spec.aggregate_roles:
            continue
        query = f"?period={period[spec.default_period]}"
        urls.append(reverse("reports:report", kwargs={"name": spec.name}) + query)
        for format in ("pdf", "xlsx"):
            kwargs = {"name": spec.name, "format": format}
            urls.append(reverse("reports:download", kwargs=kwargs) + query)

    seen, read = [], 0
    word = re.compile(r"[A-Za-z0-9]+")
    for url in urls:
        response = councillor.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        text = body_text(response)
        read += len(text)
        words = set(word.findall(text))
        seen += [f"child {ref} in {url}" for ref in refs & words]
        seen += [f"date of birth {day} in {url}" for day in births if day in text]
    assert read > 100_000
    assert not seen, seen[:20]
