"""Property-based tests: no input to a form of accounts, or to an import, breaks cpqa.

Marked `fuzz`: `make fuzz` runs each with a twentieth of CPQA_FUZZ_EXAMPLES (500 of 10,000):
each example goes through a page or an import. The forms alone: tests/fuzz/test_forms.py.
"""

import string
import tempfile
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import given
from hypothesis import strategies as st

from cpqa.accounts.forms import CODE_WRONG, SIGN_IN_FAILED
from cpqa.accounts.models import AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.casework.models import Child, Team
from cpqa.ingest import base
from cpqa.ingest.services import import_files
from tests.accounts.otp import totp_device
from tests.fuzzing import FUZZ_DATABASE
from tests.security.importer_app import MAGIC, FaultTeamListImporter

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

# Any text a browser could send, control characters and NUL included.
TEXT = st.text(st.characters(codec="utf-8"), max_size=300)


def forget_failures() -> None:
    """Each example starts unlocked, so that the form itself is what is tried."""
    AccessAttempt.objects.all().delete()
    for model in (TOTPDevice, StaticDevice):
        model.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)


@FUZZ_DATABASE
@given(username=TEXT, password=TEXT)
def test_no_sign_in_input_breaks_the_sign_in_page(username, password, make_user):
    forget_failures()
    client = Client()
    response = client.post(
        reverse("accounts:sign-in"), {"username": username, "password": password}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert SIGN_IN_FAILED in page or "There is a problem" in page
    assert "_auth_user_id" not in client.session


@pytest.fixture
def half_signed_in(make_user):
    """A senior manager past the password, not yet past the second factor."""
    user = make_user(Role.SENIOR_MANAGER)
    totp_device(user)
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    device.token_set.create(token="knowncode23")
    client = Client()
    client.force_login(user)
    return client


@FUZZ_DATABASE
@given(code=TEXT)
def test_no_code_breaks_the_two_factor_page_or_gets_in(code, half_signed_in):
    forget_failures()
    response = half_signed_in.post(reverse("accounts:two-factor"), {"code": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert CODE_WRONG in page or "There is a problem" in page
    assert half_signed_in.get(reverse("accounts:home")).status_code == 302


@pytest.fixture
def setting_up(make_user):
    """A data officer past the password, setting up two-factor sign-in."""
    client = Client()
    client.force_login(make_user(Role.DATA_OFFICER))
    return client


@FUZZ_DATABASE
@given(code=TEXT)
def test_no_code_breaks_the_set_up_page(code, setting_up):
    forget_failures()
    response = setting_up.post(reverse("accounts:two-factor-set-up"), {"code": code})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


@pytest.fixture
def administrator(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    return client


QUERY = st.one_of(TEXT, st.dates().map(str), st.integers().map(str))


@FUZZ_DATABASE
@given(child_ref=QUERY, username=QUERY, date_from=QUERY, date_to=QUERY, page=QUERY)
def test_no_search_breaks_the_access_log(
    administrator, child_ref, username, date_from, date_to, page
):
    query = {
        "child_ref": child_ref,
        "username": username,
        "date_from": date_from,
        "date_to": date_to,
        "page": page,
    }
    response = administrator.get(reverse("accounts:access-log"), query)
    assert response.status_code == 200


@FUZZ_DATABASE
@given(child_ref=TEXT)
def test_no_identifier_breaks_the_subject_access_export(administrator, child_ref):
    response = administrator.get(reverse("accounts:subject-access"), {"child_ref": child_ref})
    assert response.status_code == 200
    if response["Content-Type"].startswith("application/json"):
        assert AccessLogEntry.objects.filter(kind="export").exists()


@pytest.fixture
def team_importer():
    base._IMPORTERS.append(FaultTeamListImporter)
    yield
    base._IMPORTERS.remove(FaultTeamListImporter)


FIELD = st.text(st.characters(codec="utf-8", exclude_characters="\n\r,"), max_size=120)
ROW = st.lists(FIELD, min_size=0, max_size=4).map(",".join)
CONTENT = st.one_of(
    st.binary(max_size=2000),
    st.lists(ROW, max_size=30).map(lambda rows: MAGIC + "\n".join(rows).encode()),
    st.lists(
        st.tuples(st.text(string.ascii_uppercase + string.digits, min_size=1, max_size=8), FIELD),
        max_size=30,
    ).map(lambda rows: MAGIC + "\n".join(f"{r},{n}" for r, n in rows).encode()),
)


def state():
    return sorted(Team.objects.values_list("ref", "name")), sorted(
        Child.objects.values_list("ref", flat=True)
    )


@FUZZ_DATABASE
@given(content=CONTENT)
def test_an_import_is_all_or_nothing_whatever_the_file(content, authority, team_importer):
    before = state()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.txt"
        path.write_bytes(content)
        result = import_files(authority=authority, files=[("upload.txt", path)], operator="fuzz")
    after = state()
    if result.problems:
        assert after == before, [str(problem) for problem in result.problems]
    else:
        rows = [line.split(",") for line in content.decode().splitlines()[1:] if line]
        assert {r[0] for r in rows} <= {ref for ref, _ in after[0]}
