"""Every form of cpqa, given any data: valid or invalid with its errors, never an exception,
and what a valid form gives is in range. Pure (no request, no database), so every example
runs (`FUZZ`); tests/fuzz/test_pages.py and tests/security/test_fuzz.py send such data
through the pages themselves.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from hypothesis import assume, given
from hypothesis import strategies as st

from cpqa.accounts.forms import (
    AccessLogSearchForm,
    SubjectAccessForm,
    TwoFactorForm,
    TwoFactorSetUpForm,
)
from cpqa.casework.forms import ChildSearchForm
from cpqa.casework.models import Professional, Team
from cpqa.dashboards.forms import (
    MAX_MONTHS,
    DashboardFilterForm,
    FilteredRecordsForm,
    IndicatorFilterForm,
    PageForm,
    WarningFilterForm,
)
from cpqa.dataquality.forms import CompletenessFilterForm, FindingFilterForm, GapFilterForm
from cpqa.indicators.forms import MAX_YEARS, IndicatorQueryForm, RecordsQueryForm
from cpqa.ingest.forms import UploadForm
from cpqa.reports.forms import ReportPeriodForm
from cpqa.reports.periods import PeriodError, period_parse
from tests.fuzz.helpers import DATES, NUMBERS, nasty_text
from tests.fuzzing import FUZZ

pytestmark = pytest.mark.fuzz

TODAY = date(2026, 11, 26)
TEAMS = (SimpleNamespace(ref="T1", name="North"), SimpleNamespace(ref="T2", name="South"))
MONTHS = [
    (f"{year}-{month:02d}", f"{year}-{month:02d}")
    for year in (2026, 2025, 2024)
    for month in range(12, 0, -1)
]
VALUES = st.one_of(
    nasty_text(max_size=30),
    st.sampled_from([*DATES, *NUMBERS, "T1", "T2", "NEG", "MUL", "0-4", "on", "true", ""]),
    st.sampled_from([value for value, _ in MONTHS]),
    st.dates(min_value=date(1, 1, 1)).map(date.isoformat),
)


def _data(fields):
    return st.dictionaries(st.sampled_from([*fields, "x"]), VALUES, max_size=len(fields) + 1)


def _none(model):
    return model.objects.none()


# name: (build the form from data, the fields it reads)
FORMS = {
    "child search": (lambda d: ChildSearchForm(d, teams=_none(Team)), ["search", "team", "page"]),
    "findings": (
        lambda d: FindingFilterForm(d, teams=_none(Team), workers=_none(Professional)),
        ["team", "worker", "rule", "severity", "page"],
    ),
    "completeness": (lambda d: CompletenessFilterForm(d, teams=_none(Team)), ["team"]),
    "gaps": (
        lambda d: GapFilterForm(d, teams=_none(Team), workers=_none(Professional)),
        ["item", "team", "worker", "page"],
    ),
    "indicator query": (
        lambda d: IndicatorQueryForm(d, today=TODAY),
        ["from", "to", "by", "team", "indicator"],
    ),
    "records query": (lambda d: RecordsQueryForm(d, today=TODAY), ["from", "to", "page"]),
    "filtered records": (
        lambda d: FilteredRecordsForm(d, today=TODAY),
        ["from", "to", "category", "age", "page"],
    ),
    "dashboard": (
        lambda d: DashboardFilterForm(
            d,
            months=MONTHS,
            default_month=date(2026, 10, 1),
            teams=TEAMS,
            offer=("period", "team", "category", "age"),
        ),
        ["period", "team", "category", "age"],
    ),
    "indicator filters": (
        lambda d: IndicatorFilterForm(
            d,
            months=MONTHS,
            default_month=date(2026, 10, 1),
            length=24,
            teams=TEAMS,
            breakdowns=[("", "None"), ("category", "Category")],
        ),
        ["from", "to", "team", "category", "age", "breakdown"],
    ),
    "warnings": (lambda d: WarningFilterForm(d, teams=TEAMS), ["team", "category", "age"]),
    "page": (lambda d: PageForm(d), ["page"]),
    "report period": (lambda d: ReportPeriodForm(d), ["period"]),
    "access log search": (
        lambda d: AccessLogSearchForm(d),
        ["child_ref", "username", "date_from", "date_to"],
    ),
    "subject access": (lambda d: SubjectAccessForm(d), ["child_ref"]),
    "two-factor": (lambda d: TwoFactorForm(d), ["code"]),
    "two-factor set-up": (lambda d: TwoFactorSetUpForm(d), ["code"]),
}


@FUZZ
@given(data=st.data())
def test_no_data_breaks_a_form(data):
    name = data.draw(st.sampled_from(sorted(FORMS)), label="form")
    build, fields = FORMS[name]
    form = build(data.draw(_data(fields), label="data"))
    if not form.is_valid():
        assert form.errors, name
        return
    if name in ("indicator query", "records query", "filtered records"):
        assert form.start <= form.end
        assert form.end.year - form.start.year <= MAX_YEARS
    if name == "indicator filters":
        query = form.query(indicator_id="cpp_open_at_end")
        assert query.start <= query.end
        assert (query.end.year - query.start.year) * 12 + query.end.month - query.start.month < (
            MAX_MONTHS
        )
        assert query.team in ("", "T1", "T2")
    if name == "dashboard":
        query = form.query()
        assert query.month.day == 1 and query.team in ("", "T1", "T2")


@FUZZ
@given(text=st.one_of(VALUES, st.from_regex(r"\d{4}-\d{2}(Q\d)?|\d{4}-\d{2}:\d{4}-\d{2}-\d{2}")))
def test_any_report_period_is_read_or_refused_with_a_message(text):
    try:
        period = period_parse(text, today=TODAY)
    except PeriodError as error:
        assert str(error).strip()
        return
    assert period.start <= period.end
    assert str(period)


@FUZZ
@given(
    names=st.lists(nasty_text(max_size=60), min_size=0, max_size=4),
    sizes=st.lists(st.integers(0, 64), min_size=4, max_size=4),
)
def test_any_upload_is_taken_or_refused_with_a_message(names, sizes):
    try:
        files = [
            SimpleUploadedFile(name, b"x" * size) for name, size in zip(names, sizes, strict=False)
        ]
    except SuspiciousFileOperation:
        assume(False)  # no file a browser could send ("", "/", ".."): Django refuses it
        return
    form = UploadForm(data={}, files=MultiValueDict({"files": files}))
    if form.is_valid():
        assert form.cleaned_data["files"]
    else:
        assert form.errors["files"]
