"""Every URL pattern, every role and an anonymous visitor: the outcome the table says.

The table is tests/security/access_matrix.py. A URL pattern without an entry
fails `test_every_url_pattern_has_an_entry`; parameters are filled from the
fixture authority (tests/security/fixture_authority.py).
"""

import re
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from cpqa.accounts.models import AccessLogEntry, User
from cpqa.accounts.roles import Role
from tests.conftest import VerifiedClient
from tests.security.access_matrix import (
    ADMIN_ANY,
    ALLOWED,
    ANONYMOUS,
    ENTRY_PARAMETERS,
    ENTRY_QUERIES,
    FORBIDDEN,
    MATRIX,
    NOT_FOUND,
    OWN,
    PARAMETERS,
    POST_ONLY,
    SIGN_IN,
    START,
    VISITORS,
    doc_section,
    render_markdown,
)
from tests.security.access_matrix import DOC as SECURITY_DOC
from tests.security.fixture_authority import fixture_authority_build
from tests.security.urls import UrlEntry, url_entries

pytestmark = pytest.mark.django_db

STATUS = {200: ALLOWED, 403: FORBIDDEN, 404: NOT_FOUND, 405: POST_ONLY}


class MissingParameter(LookupError):
    pass


def rule_for(entry: UrlEntry):
    if entry.key in MATRIX:
        return MATRIX[entry.key]
    if entry.route.startswith("admin/"):
        return MATRIX[ADMIN_ANY]
    return None


def parameter_values(entry: UrlEntry, fixture, role: str | None, own: bool) -> dict[str, str]:
    values = {}
    for name in entry.params:
        if name == "object_id" and entry.model_admin is not None:
            first = entry.model_admin.model._default_manager.order_by("pk").first()
            values[name] = str(first.pk) if first else "0"
        elif name == "object_id":
            values[name] = str(fixture.users[Role.SENIOR_MANAGER].pk)
        elif name == "content_type_id":
            values[name] = str(ContentType.objects.get_for_model(User).pk)
        elif name in ENTRY_PARAMETERS.get(entry.key, {}):
            values[name] = ENTRY_PARAMETERS[entry.key][name](fixture, role, own)
        elif name in PARAMETERS:
            values[name] = PARAMETERS[name](fixture, role, own)
        else:
            raise MissingParameter(name)
    return values


def outcome(response) -> str:
    if response.redirect_chain and response.request["PATH_INFO"] == reverse("accounts:sign-in"):
        return SIGN_IN
    return STATUS.get(response.status_code, f"HTTP {response.status_code}")


@pytest.fixture
def world(client):
    fixture = fixture_authority_build()
    Group.objects.create(name="Fixture group")
    # One failed sign-in, so that the admin's sign-in records have an entry each.
    Client().post(reverse("accounts:sign-in"), {"username": "nobody", "password": "wrong-pass"})
    assert AccessAttempt.objects.exists()
    clients = {ANONYMOUS: Client()}
    for role, user in fixture.users.items():
        clients[role] = VerifiedClient()
        clients[role].force_login(user)
    return fixture, clients


def test_every_url_pattern_has_an_entry():
    missing = sorted({entry.key for entry in url_entries() if rule_for(entry) is None})
    assert not missing, (
        "These URL patterns have no entry in tests/security/access_matrix.py (MATRIX): "
        + ", ".join(missing)
        + ". Add one for each, saying what every role and an anonymous visitor get, then run "
        "`python -m tests.security.access_matrix --write` to update docs/security.md."
    )


def test_the_table_names_only_url_patterns_that_exist():
    keys = {entry.key for entry in url_entries()}
    stale = sorted(key for key in MATRIX if key not in keys and key != ADMIN_ANY)
    assert not stale, f"Entries for URL patterns that no longer exist: {', '.join(stale)}"


def test_each_role_gets_what_the_table_says_and_every_child_shown_is_logged(world):
    fixture, clients = world
    wrong, unfilled, inline, unlogged = [], [], [], []
    for entry in url_entries():
        table_rule = rule_for(entry)
        if table_rule is None:
            continue  # reported by test_every_url_pattern_has_an_entry
        for visitor in VISITORS:
            role = None if visitor == ANONYMOUS else visitor
            expected = table_rule.expected[visitor]
            checks = (
                [(True, ALLOWED), (False, FORBIDDEN)] if expected == OWN else [(True, expected)]
            )
            for own, wanted in checks:
                try:
                    url = entry.url(parameter_values(entry, fixture, role, own))
                    if entry.key in ENTRY_QUERIES:
                        url += "?" + ENTRY_QUERIES[entry.key]
                except MissingParameter as missing:
                    unfilled.append(f"{entry.key} <{missing}>")
                    break
                response = clients[visitor].get(url, follow=True)
                got = outcome(response)
                if got != wanted:
                    wrong.append(f"{visitor} GET {url} ({entry.key}): {got}, expected {wanted}")
                final = response.request["PATH_INFO"]
                if response.request.get("QUERY_STRING"):
                    final += "?" + response.request["QUERY_STRING"]
                body = response.content.decode("utf-8", "replace")
                for asked in (url, quote(url, safe=""), quote(url)):
                    body = body.replace(asked, "")  # an address echoed back shows nothing
                for ref in fixture.child_refs:
                    logged = role is not None and AccessLogEntry.objects.filter(
                        user=fixture.users[role], via=final, children__child_ref=ref
                    )
                    if ref in body and not (logged and logged.exists()):
                        unlogged.append(f"{visitor} saw {ref} at {final} ({entry.key})")
                if "text/html" in response.get("Content-Type", ""):
                    page = response.content.decode()
                    bad = [t for t in re.findall(r"<script\b[^>]*>", page) if "src=" not in t]
                    if bad or re.search(r"<[^>]+\sstyle=", page):
                        inline.append(f"{url}")
    problems = []
    if unfilled:
        problems.append(
            "No value for these URL parameters: add a source to PARAMETERS in "
            f"tests/security/access_matrix.py: {', '.join(sorted(set(unfilled)))}"
        )
    if wrong:
        problems += [
            *wrong,
            "(An admin page an administrator may not use, e.g. the add page of a read-only "
            'model, needs its own entry, like "admin:casework_team_add".)',
        ]
    if unlogged:
        problems += ["Child-level reads not in the access log:", *unlogged]
    if inline:
        problems.append(
            "Inline script or style (refused by the CSP): " + ", ".join(sorted(set(inline)))
        )
    assert not problems, "\n".join(problems)


def test_councillors_never_see_a_child_identifier_or_date_of_birth(world):
    fixture, clients = world
    councillor = clients[Role.COUNCILLOR]
    secrets = [*fixture.child_refs, *fixture.dates_of_birth_as_text()]
    seen, visited = [], 0
    for entry in url_entries():
        try:
            urls = {
                entry.url(parameter_values(entry, fixture, Role.COUNCILLOR, own))
                for own in (True, False)
            }
        except MissingParameter:
            continue
        for url in urls:
            response = councillor.get(url, follow=True)
            visited += 1
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            seen += [f"{secret} in {url}" for secret in secrets if secret in text]
    assert visited > 20
    assert not seen, seen


def test_the_access_matrix_in_the_security_doc_is_up_to_date():
    assert START in SECURITY_DOC.read_text(), "docs/security.md has lost its access matrix"
    assert doc_section(SECURITY_DOC.read_text()) == render_markdown().strip(), (
        "docs/security.md is out of date: run `python -m tests.security.access_matrix --write`"
    )


@pytest.mark.parametrize("has_device", [False, True], ids=["to-set-up", "to-verify"])
def test_before_the_second_factor_only_its_pages_and_sign_out_open(has_device, make_user):
    """An unverified user of a child-level role is sent to two-factor sign-in from everywhere."""
    from tests.accounts.otp import totp_device

    user = make_user(Role.SENIOR_MANAGER)
    if has_device:
        totp_device(user)
    client = Client()
    client.force_login(user)  # a plain Client: signed in with the password only
    step = reverse("accounts:two-factor" if has_device else "accounts:two-factor-set-up")
    open_pages = {
        reverse("accounts:two-factor"),
        reverse("accounts:two-factor-set-up"),
        reverse("accounts:sign-out"),
    }
    for entry in url_entries():
        url = entry.raw_url(dict.fromkeys(entry.params, "1"))
        response = client.get(url)
        if url in open_pages:
            assert response.status_code in (200, 302, 405), url
            if response.status_code == 302:
                assert response["Location"].startswith(step), url
        else:
            assert response.status_code == 302, url
            assert response["Location"].startswith(f"{step}?next="), url
