import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpqa.accounts.models import User
from cpqa.accounts.roles import TEAM_ROLES, Role
from cpqa.synthetic.demo import demo_code, demo_username, demo_users_ensure
from cpqa.synthetic.management.commands.demo import DEMO_ONLY
from tests.casework.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_a_demo_user_for_every_role_once(authority, tmp_path):
    team = TeamFactory(authority=authority)
    path = tmp_path / "users.txt"
    first = demo_users_ensure(authority=authority, path=path)
    assert [user.username for user in first] == [demo_username(role) for role in Role.values]
    for demo in first:
        user = User.objects.get(username=demo.username)
        assert user.check_password(demo.password)
        (role,) = user.role_set
        assert list(user.teams.all()) == ([team] if role in TEAM_ROLES else [])
    again = demo_users_ensure(authority=authority, path=path)
    assert [u.password for u in again] == [u.password for u in first]
    assert User.objects.count() == len(Role)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_roles_that_see_children_get_an_authenticator_whose_code_verifies(authority, tmp_path):
    TeamFactory(authority=authority)
    users = {u.username: u for u in demo_users_ensure(authority=authority, path=tmp_path / "u")}
    assert users["councillor"].two_factor_key == ""
    assert len(users["team.manager"].two_factor_key) == 32
    device = TOTPDevice.objects.get(user__username="team.manager")
    assert device.verify_token(demo_code(username="team.manager"))
    with pytest.raises(LookupError, match="councillor has no demo authenticator"):
        demo_code(username="councillor")


def test_the_demo_command_runs_only_with_the_demo_settings(authority):
    with override_settings(CPQA_DEMO=False), pytest.raises(CommandError, match=DEMO_ONLY[:40]):
        call_command("demo", stdout=io.StringIO())
