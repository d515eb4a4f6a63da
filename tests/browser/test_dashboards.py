"""The dashboards in a browser: a team manager, a senior manager and a councillor walk their
home page and an indicator page, on a demo-like authority (the synthetic generator, loaded
directly, two years to 31 January 2026). The figures shown are checked against the
indicators engine; the councillor's pages against every child identifier of the authority.
"""

from datetime import date

import polars as pl
import pytest
from playwright.sync_api import expect

from cpqa.accounts.roles import Role
from cpqa.casework.models import Child, Team
from cpqa.dataquality.services import findings_refresh
from cpqa.indicators.selectors import indicator_table
from cpqa.synthetic.services import synthetic_authority_load

pytestmark = [
    pytest.mark.browser,
    # The standards are seeded by a migration: restore them after other tests flush them.
    pytest.mark.django_db(transaction=True),
]

END = date(2026, 1, 31)
JANUARY = date(2026, 1, 1)


@pytest.fixture
def demo_like(authority):
    synthetic_authority_load(authority=authority, seed=7, scale=0.15, end=END, years=2)
    findings_refresh(authority=authority, today=END, region=authority.nation)
    return authority


def engine_figure(authority, indicator: str, team_ref: str | None) -> str:
    """The engine's figure for January 2026, written as the pages write it."""
    table = indicator_table(authority=authority, start=JANUARY, end=END, by="month")
    row = table.filter(
        (pl.col("indicator").cast(pl.String) == indicator)
        & (
            pl.col("team_ref").is_null()
            if team_ref is None
            else pl.col("team_ref").cast(pl.String) == team_ref
        )
    ).row(0, named=True)
    value = row["value"]
    if value is None:
        return "no value"
    return f"{value:.1f}%" if row["denominator"] is not None else f"{int(value):,}"


def figure_cell(page, indicator: str):
    return page.locator(f'tr[data-indicator="{indicator}"] .cpqa-figure-cell')


def test_a_team_manager_walks_their_home_and_an_indicator(
    page, live_server, make_user, demo_like, sign_in, screenshot
):
    team = Team.objects.filter(authority=demo_like).order_by("name").first()
    make_user(Role.TEAM_MANAGER, teams=[team], username="tess")
    sign_in("tess")
    page.goto(f"{live_server.url}/dashboard/team_manager/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team manager")
    expect(page.locator("#team-name")).to_contain_text(team.name)
    for indicator in ("cpp_open_at_end", "s47_started", "cpp_seen_within_standard"):
        expected = engine_figure(demo_like, indicator, team.ref)
        expect(figure_cell(page, indicator)).to_contain_text(expected)
    expect(page.locator("#warnings")).to_be_visible()
    expect(page.locator("#data-gaps")).to_be_visible()
    screenshot("dashboard-team-manager")
    page.locator('tr[data-indicator="cpp_seen_within_standard"] th a').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Children on a plan seen within the visiting standard"
    )
    expect(page.locator("#figure")).to_have_text(
        engine_figure(demo_like, "cpp_seen_within_standard", team.ref)
    )
    expect(page.locator("img.cpqa-chart__image").first).to_be_visible()
    expect(page.locator("#reading-sentence")).to_contain_text("Children on a plan seen")
    screenshot("indicator-team-manager")
    # The filters are a plain GET form: the page can be linked to as it is shown.
    page.get_by_label("Age").select_option("5_to_9")
    page.get_by_role("button", name="Apply filters").click()
    assert "age=5_to_9" in page.url
    expect(page.locator(".govuk-caption-l")).to_contain_text("5 to 9")


def test_a_senior_manager_walks_the_authority_at_a_glance(
    page, live_server, make_user, demo_like, sign_in, screenshot
):
    make_user(Role.SENIOR_MANAGER, username="sian")
    sign_in("sian")
    page.goto(f"{live_server.url}/dashboard/senior_manager/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Senior manager")
    expect(page.locator("#exceptions-heading")).to_be_visible()
    for indicator in ("cpp_open_at_end", "icpc_within_15_working_days", "cpp_reviewed_in_time"):
        expect(figure_cell(page, indicator)).to_contain_text(
            engine_figure(demo_like, indicator, None)
        )
    screenshot("dashboard-senior-manager")
    page.locator('#authority-figures tr[data-indicator="icpc_within_15_working_days"] th a').click()
    expect(page.locator("#figure")).to_have_text(
        engine_figure(demo_like, "icpc_within_15_working_days", None)
    )
    expect(page.locator("#teams")).to_be_visible()
    expect(page.get_by_alt_text("Funnel plot", exact=False)).to_be_visible()
    screenshot("indicator-senior-manager")
    # The drill-down behind the figure's denominator, logged as a read of those children.
    page.locator("#fraction a").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Initial conferences within 15 working days of the strategy discussion"
    )
    expect(page.get_by_text("Opening this list is recorded in the access log.")).to_be_visible()


def test_a_councillor_sees_figures_never_a_child(
    page, live_server, make_user, demo_like, sign_in, screenshot
):
    refs = set(Child.objects.filter(authority=demo_like).values_list("ref", flat=True))
    assert len(refs) > 1000
    make_user(Role.COUNCILLOR, username="cllr")
    sign_in("cllr")
    page.goto(f"{live_server.url}/dashboard/councillor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Councillor")
    expect(figure_cell(page, "cpp_open_at_end")).to_have_text(
        engine_figure(demo_like, "cpp_open_at_end", None)
    )
    screenshot("dashboard-councillor")
    pages = [page.locator("main").inner_text()]
    hrefs = page.locator("main a").evaluate_all("links => links.map(link => link.href)")
    page.locator('tr[data-indicator="cpp_seen_within_standard"] th a').click()
    expect(page.locator("#figure")).to_be_visible()
    screenshot("indicator-councillor")
    pages.append(page.locator("main").inner_text())
    hrefs += page.locator("main a").evaluate_all("links => links.map(link => link.href)")
    for text in pages:
        shown = {word.strip(".,:;()") for word in text.split()}
        assert not refs & shown
    assert not [href for href in hrefs if "/children/" in href or "records" in href]
    assert not [href for href in hrefs if "/warnings/" in href]
