import pytest

from tests.accounts.factories import UserFactory
from tests.core.factories import AuthorityFactory


@pytest.fixture
def authority(db):
    return AuthorityFactory()


@pytest.fixture
def make_user(authority):
    """Make a signed-up user with roles (and teams for team roles)."""

    def make(*roles: str, teams=(), **kwargs):
        return UserFactory(authority=authority, roles=roles, teams=teams, **kwargs)

    return make
