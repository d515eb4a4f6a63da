"""Accessibility: every kind of page, checked with axe-core in Chromium.

axe-core comes from npm (package.json); its script is injected into each page
with Playwright. The pages' Content Security Policy allows no injected script,
so the browser context of these tests alone bypasses it. A page fails on any
violation of impact "serious" or "critical" (WCAG 2.2 AA rules and axe's best
practices).
"""

from datetime import date
from pathlib import Path

import pytest

from cpqa.accounts.roles import TEAM_ROLES, Role
from cpqa.casework.models import ProtectionPlan, Team
from cpqa.dataquality.services import findings_refresh
from cpqa.ingest.models import ImportRun
from cpqa.synthetic.services import synthetic_authority_load

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
END = date(2026, 1, 31)
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """These tests only: let axe-core's script be injected despite the CSP."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def demo_like(authority):
    synthetic_authority_load(authority=authority, seed=7, scale=0.15, end=END, years=2)
    findings_refresh(authority=authority, today=END, region=authority.nation)
    return authority


def violations(page) -> list[str]:
    """The serious and critical axe-core violations of the page, described."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
        found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {targets}")
    return found


def check(page, url: str, problems: dict) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    found = violations(page)
    if found:
        problems[url] = found


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_the_check_finds_what_it_should(page):
    """The harness itself: a page with an image without a text alternative and a field
    without a label fails."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">'
        "</main></body></html>"
    )
    found = violations(page)
    assert any(problem.startswith("image-alt (critical)") for problem in found), found
    assert any(problem.startswith("label (critical)") for problem in found), found


def test_the_sign_in_page(page, live_server):
    problems: dict = {}
    check(page, f"{live_server.url}/sign-in/", problems)
    assert not problems, problems


def test_every_roles_home_page(page, live_server, make_user, demo_like, sign_in):
    team = Team.objects.filter(authority=demo_like).order_by("name").first()
    problems: dict = {}
    for role in Role:
        username = f"axe-{role.value}"
        make_user(role, teams=[team] if role in TEAM_ROLES else [], username=username)
        sign_out(page)
        sign_in(username)
        check(page, f"{live_server.url}/dashboard/{role.value}/", problems)
    assert not problems, problems


def test_every_other_kind_of_page(page, live_server, make_user, demo_like, sign_in):
    make_user(Role.SENIOR_MANAGER, Role.DATA_OFFICER, username="axe-pages")
    sign_in("axe-pages")
    base = live_server.url
    child = ProtectionPlan.objects.filter(authority=demo_like).order_by("ref").first().child.ref
    run = ImportRun.objects.filter(authority=demo_like).first()
    january = "period_start=2026-01-01&period_end=2026-01-31"
    urls = [
        "/indicator/icpc_within_15_working_days/",
        "/indicator/cpp_open_at_end/?to=2026-01&team=10000000",
        "/indicator/agency_attendance/?breakdown=police",
        f"/indicators/icpc_within_15_working_days/records?{january}&part=denominator",
        f"/indicator/cpp_open_at_end/records/?{january}&part=numerator&age=5_to_9",
        "/warnings/",
        "/warnings/visits/",
        "/warnings/reviews/",
        "/warnings/initial-conferences/",
        "/warnings/core-groups/",
        "/warnings/publication/",
        "/warnings/unallocated/",
        "/children/",
        f"/children/{child}/",
        "/data-quality/",
        "/data-quality/findings/",
        "/data-quality/completeness/",
        "/data-quality/completeness/missing/",
        "/data-quality/completeness/trend/",
        "/data/imports/",
        f"/data/imports/{run.pk}/",
        "/data/import/",
        "/data/dictionary/",
        "/indicators/definitions/",
    ]
    problems: dict = {}
    for url in urls:
        check(page, base + url, problems)
    assert not problems, problems
