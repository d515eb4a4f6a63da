"""Browser tests: Playwright for Python driving Debian's Chromium, headless.

Without /usr/bin/chromium the browser tests are skipped with a reason, except
when CPQA_REQUIRE_BROWSER=1 (as .ci/run sets), when their absence fails the run.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# pytest-playwright's sync page runs an event loop in this thread; the live
# server's database calls are safe here because they run in the server thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items or CHROMIUM.exists():
        return
    if os.environ.get("CPQA_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"{CHROMIUM} is missing and CPQA_REQUIRE_BROWSER=1.")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot to test-artifacts/screenshots/NAME.png."""

    def take(name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def sign_in(page, live_server):
    """Sign a user in through the real pages; every browser test signs in this way.

    After the password, when cpqa asks for a two-factor code, the code the user's
    real authenticator-app device shows is entered (computed from its secret, as
    the app does). A user who must use two-factor sign-in and has no device is
    given a confirmed one first; enrolment itself is tested through its pages in
    tests/browser/test_two_factor.py.
    """
    from urllib.parse import urlparse

    from cpqa.accounts.models import User
    from cpqa.accounts.selectors import two_factor_required
    from tests.accounts.factories import PASSWORD
    from tests.accounts.otp import totp_code, totp_device

    def go(username: str, password: str = PASSWORD) -> None:
        user = User.objects.filter(username=username).first()
        if user is not None and two_factor_required(user=user):
            totp_device(user)
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if user is not None and urlparse(page.url).path == "/two-factor/":
            page.get_by_label("Code").fill(totp_code(totp_device(user)))
            with page.expect_navigation():
                page.get_by_role("button", name="Continue").click()

    return go
