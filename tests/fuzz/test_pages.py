"""Every page with a form of filters, asked with any query string: the page or a clear
400 with the form's errors, never a server error, and nothing asked echoed unescaped.

The filters are GET forms (deep-linkable), so a query string is the whole of their input.
Each example draws a page, a role that may open it, and values for the page's own fields
(and a few it does not have), from nasty text, dates, numbers and the values the form
offers.
"""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cpqa.accounts.roles import Role
from tests.conftest import VerifiedClient
from tests.fuzz.helpers import DATES, NASTY, NUMBERS, nasty_text, text_of
from tests.fuzzing import FUZZ_DATABASE
from tests.security.fixture_authority import fixture_authority_build

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

PERIODS = ["month", "quarter", "year", "2025-03", "2024-25", "2024-25 Q4", "2024-Q4", "Q4"]
COMMON = ["from", "to", "team", "period", "month", "page", "category", "age", "by"]
# (URL name, its arguments, the query fields its forms read, roles to ask as)
PAGES = [
    ("casework:child-list", {}, ["q", "team", "page"], Role.TEAM_MANAGER),
    ("dataquality:summary", {}, ["team"], Role.DATA_OFFICER),
    ("dataquality:completeness", {}, ["team", "table"], Role.AUDIT_MANAGER),
    ("dataquality:findings", {}, ["team", "worker", "rule", "severity", "page"], Role.TEAM_MANAGER),
    ("dataquality:missing", {}, ["team", "worker", "table", "field", "page"], Role.SENIOR_MANAGER),
    (
        "indicators:api",
        {},
        ["from", "to", "by", "team", "indicator", "format"],
        Role.COUNCILLOR,
    ),
    (
        "indicators:records",
        {"indicator_id": "icpc_within_15_working_days"},
        ["from", "to", "team", "part", "breakdown", "page"],
        Role.TEAM_MANAGER,
    ),
    ("dashboards:home", {"role": "team_manager"}, COMMON, Role.TEAM_MANAGER),
    ("dashboards:home", {"role": "councillor"}, COMMON, Role.COUNCILLOR),
    ("dashboards:home", {"role": "senior_manager"}, COMMON, Role.SENIOR_MANAGER),
    (
        "dashboards:indicator",
        {"indicator_id": "cpp_open_at_end"},
        [*COMMON, "breakdown", "length"],
        Role.OPERATIONS_MANAGER,
    ),
    (
        "dashboards:indicator",
        {"indicator_id": "icpc_within_15_working_days"},
        [*COMMON, "breakdown"],
        Role.COUNCILLOR,
    ),
    (
        "dashboards:records",
        {"indicator_id": "cpp_started"},
        ["from", "to", "team", "part", "category", "age", "breakdown", "page"],
        Role.SENIOR_MANAGER,
    ),
    ("dashboards:warning-list", {"slug": "visits"}, COMMON, Role.TEAM_MANAGER),
    ("dashboards:warning-list", {"slug": "unallocated"}, COMMON, Role.SENIOR_MANAGER),
    ("reports:report", {"name": "monthly"}, ["period"], Role.TEAM_MANAGER),
    ("reports:report", {"name": "members"}, ["period"], Role.COUNCILLOR),
    ("reports:report", {"name": "health-check"}, ["period"], Role.COUNCILLOR),
]

VALUES = st.one_of(
    nasty_text(max_size=40),
    st.sampled_from([*DATES, *NUMBERS, *PERIODS, "NEG", "MUL", "0-4", "16+", "1", "-1"]),
    st.sampled_from(["numerator", "denominator", "team", "month", "quarter", "year", "csv"]),
    st.integers(-(10**12), 10**12).map(str),
)


@pytest.fixture
def clients():
    fixture = fixture_authority_build()
    made = {}
    for role, user in fixture.users.items():
        made[role] = VerifiedClient()
        made[role].force_login(user)
    return made


@FUZZ_DATABASE
@given(data=st.data())
def test_no_query_string_breaks_a_page_with_filters(clients, data):
    name, kwargs, fields, role = data.draw(st.sampled_from(PAGES), label="page")
    keys = st.sampled_from([*fields, *fields, "x", "", "team[]", "from "])
    query = data.draw(
        st.lists(st.tuples(keys, st.one_of(VALUES, st.just(""))), max_size=6), label="query"
    )
    response = clients[role].get(reverse(name, kwargs=kwargs), query)
    assert response.status_code in (200, 400), (name, query, response.status_code)
    if "html" in response.get("Content-Type", ""):
        page = text_of(response)
        for _, value in query:
            if "<" in value and value in NASTY:
                assert value not in page, (name, value, "echoed unescaped")
