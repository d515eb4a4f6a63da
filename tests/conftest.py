import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.core.factories import AuthorityFactory


class VerifiedClient(Client):
    """A test client whose force_login also passes two-factor sign-in.

    It records the user's real, confirmed TOTP device in the session, as
    django_otp.login does after a right code (a device is made if the user has
    none). Sign-in through the pages, codes and lock-out are tested in
    tests/accounts/test_two_factor.py and test_lockout.py with a plain Client.
    """

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        self._verify(user)

    def login(self, **credentials) -> bool:
        """A password sign-in checked as the sign-in page checks it, then verified.

        django-axes needs the request to count failures (Django's Client.login
        gives none), so a wrong password here counts towards the lock-out too.
        """
        from django.contrib.auth import authenticate
        from django.http import HttpRequest

        request = HttpRequest()
        request.META["REMOTE_ADDR"] = "127.0.0.1"
        user = authenticate(request, **credentials)
        if user is None:
            return False
        self._login(user)
        self._verify(user)
        return True

    def _verify(self, user) -> None:
        from django_otp import DEVICE_ID_SESSION_KEY

        from tests.accounts.otp import totp_device

        session = self.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()


@pytest.fixture
def client():
    """pytest-django's client, signed in past two-factor by force_login (see VerifiedClient)."""
    return VerifiedClient()


@pytest.fixture
def admin_client(db, admin_user):
    """pytest-django's admin_client, past two-factor sign-in as well."""
    client = VerifiedClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def authority(db):
    return AuthorityFactory()


@pytest.fixture
def make_user(authority):
    """Make a signed-up user with roles (and teams for team roles)."""

    def make(*roles: str, teams=(), **kwargs):
        return UserFactory(authority=authority, roles=roles, teams=teams, **kwargs)

    return make


@pytest.fixture(autouse=True)
def _seeded_standards(request):
    """The standards the migrations seed, present in every test that uses the database.

    A transactional test (the browser tests' live server) empties every table when it
    ends, the migrations' seeded standards included; the next one seeds them again, as
    the migration does (it adds only what is missing).
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    from importlib import import_module

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    import_module("cpqa.indicators.migrations.0002_seed_standards").seed(apps, None)
