"""The headers and cookies of real responses from cpqa running with production settings."""

import re
from urllib.parse import urlencode

import pytest

from cpqa.core.middleware import CONTENT_SECURITY_POLICY
from tests.security.server import HOST, start_server

SETTINGS = "tests.security.production_settings"


@pytest.fixture(scope="module")
def server(tmp_path_factory, migrated_sqlite):
    server = start_server(tmp_path_factory.mktemp("production"), SETTINGS, migrated_sqlite)
    yield server
    server.stop()


def test_plain_http_is_sent_to_https(server):
    response = server.request("GET", "/sign-in/", https=False)
    assert response.status == 301
    assert response.header("Location") == f"https://{HOST}/sign-in/"


def test_every_security_header_is_set(server):
    for path in ("/sign-in/", "/no-such-page/"):
        response = server.request("GET", path)
        assert response.status in (200, 404), response.body
        assert (
            response.header("Strict-Transport-Security")
            == "max-age=31536000; includeSubDomains; preload"
        )
        assert response.header("Content-Security-Policy") == CONTENT_SECURITY_POLICY
        assert response.header("X-Content-Type-Options") == "nosniff"
        assert response.header("Referrer-Policy") == "same-origin"
        assert response.header("X-Frame-Options") == "DENY"
        assert response.header("Cross-Origin-Opener-Policy") == "same-origin"
        assert "camera=()" in response.header("Permissions-Policy")
        assert "microphone=()" in response.header("Permissions-Policy")


def test_the_content_security_policy_allows_no_inline_script_or_style(server):
    policy = dict(
        part.strip().split(" ", 1)
        for part in server.request("GET", "/sign-in/").header("Content-Security-Policy").split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in " ".join(policy.values())


def test_pages_have_no_inline_script_or_style(server):
    body = server.request("GET", "/sign-in/").body
    for tag in re.findall(r"<script\b[^>]*>", body):
        assert "src=" in tag, tag
    assert not re.search(r"\sstyle=", body)
    assert not re.search(r"\son[a-z]+=", body)


def test_cookies_are_secure_http_only_and_same_site_and_pages_are_not_cached(server):
    server.cookies.clear()
    page = server.request("GET", "/sign-in/")
    (csrf_line,) = [line for line in page.set_cookie_lines() if line.startswith("csrftoken=")]
    assert "Secure" in csrf_line and "HttpOnly" in csrf_line and "SameSite=Lax" in csrf_line
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1]
    signed_in = server.request(
        "POST",
        "/sign-in/",
        body=urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "council",
                "password": "a-long-enough-passphrase",
            }
        ),
        headers={"Origin": f"https://{HOST}", "Referer": f"https://{HOST}/sign-in/"},
    )
    assert signed_in.status == 302, signed_in.body
    (session_line,) = [
        line for line in signed_in.set_cookie_lines() if line.startswith("sessionid=")
    ]
    assert "Secure" in session_line and "HttpOnly" in session_line
    assert "SameSite=Lax" in session_line
    assert "Max-Age" not in session_line and "expires" not in session_line.lower()
    home = server.request("GET", "/dashboard/councillor/")
    assert home.status == 200
    assert "no-store" in home.header("Cache-Control")


def sign_in_from(server, address: str, username: str, password: str):
    server.cookies.clear()
    page = server.request("GET", "/sign-in/", headers={"X-Forwarded-For": address})
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)[1]
    return server.request(
        "POST",
        "/sign-in/",
        body=urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password}),
        headers={
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/sign-in/",
            "X-Forwarded-For": address,
        },
    )


def test_behind_the_proxy_lock_outs_count_by_the_client_address(server):
    for number in range(5):
        sign_in_from(server, "203.0.113.5", f"guess{number}", "wrong-password-1")
    locked = sign_in_from(server, "203.0.113.5", "council", "a-long-enough-passphrase")
    assert locked.status == 429
    other = sign_in_from(server, "203.0.113.6", "council", "a-long-enough-passphrase")
    assert other.status == 302
