"""Two-factor sign-in in a real browser: setting up an app, then signing in with a code."""

import base64

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from cpqa.accounts.roles import Role
from tests.accounts.factories import PASSWORD
from tests.casework.factories import TeamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_social_worker_sets_up_two_factor_on_first_sign_in(
    page, live_server, make_user, authority, screenshot, sign_in
):
    team = TeamFactory(authority=authority, name="East Locality Team")
    make_user(Role.SOCIAL_WORKER, teams=[team], username="sam")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code for your app")).to_be_visible()
    screenshot("two-factor-set-up")
    # The app is given the key as typed from the page, and shows a code.
    key = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(f"{totp(base64.b32decode(key)):06d}")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="I have kept my recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social worker")

    # Next time, a code from the app.
    page.get_by_role("button", name="Sign out sam").click()
    sign_in("sam")
    expect(page.get_by_role("heading", level=1)).to_have_text("Social worker")
