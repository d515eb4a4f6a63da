import pytest
from playwright.sync_api import expect

from cpqa.accounts.forms import SIGN_IN_FAILED
from cpqa.accounts.roles import Role
from tests.casework.factories import ChildFactory, ProtectionPlanFactory, TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def team_manager(make_user, authority):
    north = TeamFactory(authority=authority, name="North Locality Team")
    child = ChildFactory(authority=authority, team=north)
    ProtectionPlanFactory(authority=authority, child=child)
    return make_user(Role.TEAM_MANAGER, teams=[north], username="tina")


def test_team_manager_signs_in_and_sees_their_home(
    page, live_server, team_manager, screenshot, sign_in
):
    sign_in("tina")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team manager")
    expect(page.locator("main")).to_contain_text("North Locality Team")
    expect(page).to_have_url(f"{live_server.url}/dashboard/team_manager/")
    # The stylesheet was served: GOV.UK Frontend styles apply.
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "arial" in font.lower()
    screenshot("team-manager-home")


def test_wrong_password_is_refused(page, live_server, team_manager, sign_in):
    sign_in("tina", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text(SIGN_IN_FAILED)
    expect(page).to_have_url(f"{live_server.url}/sign-in/")
    page.goto(f"{live_server.url}/dashboard/team_manager/")
    expect(page).to_have_url(f"{live_server.url}/sign-in/?next=/dashboard/team_manager/")
