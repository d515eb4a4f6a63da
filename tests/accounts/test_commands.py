import io
import re

import pytest
from django.core.management import CommandError, call_command

from cpqa.accounts.models import User
from cpqa.accounts.services import TEAM_REQUIRED
from tests.casework.factories import TeamFactory

pytestmark = pytest.mark.django_db


def add(*args, password="a-long-enough-passphrase", **kwargs):
    out = io.StringIO()
    stdin = io.StringIO(password + "\n")
    import sys

    real = sys.stdin
    sys.stdin = stdin
    try:
        call_command("user", "add", *args, "--password-stdin", stdout=out, **kwargs)
    finally:
        sys.stdin = real
    return out.getvalue()


def test_user_add_with_role_and_team(authority):
    team = TeamFactory(authority=authority, name="North")
    output = add("tess", "--role", "team_manager", "--team", "North")
    assert "Added tess (team_manager)" in output
    user = User.objects.get(username="tess")
    assert user.role_set == {"team_manager"}
    assert list(user.teams.all()) == [team]
    assert user.check_password("a-long-enough-passphrase")
    assert not user.is_staff


def test_administrators_reach_the_admin(authority):
    add("ada", "--role", "administrator")
    user = User.objects.get(username="ada")
    assert user.is_staff and user.is_superuser


def test_team_roles_need_a_team(authority):
    with pytest.raises(CommandError, match=re.escape(TEAM_REQUIRED.format(role="Social worker"))):
        add("sam", "--role", "social_worker")
    assert not User.objects.filter(username="sam").exists()


def test_unknown_team_and_weak_password_are_refused(authority):
    TeamFactory(authority=authority, name="North")
    with pytest.raises(CommandError, match=re.escape("No team called 'Nowhere'. Teams: North.")):
        add("sam", "--role", "social_worker", "--team", "Nowhere")
    with pytest.raises(CommandError, match="too short"):
        add("sam", "--role", "senior_manager", password="short")
    assert not User.objects.filter(username="sam").exists()


def test_list_and_deactivate(authority):
    add("sue", "--role", "senior_manager")
    out = io.StringIO()
    call_command("user", "list", stdout=out)
    assert "sue\tsenior_manager\t-" in out.getvalue()
    call_command("user", "deactivate", "sue", stdout=io.StringIO())
    assert not User.objects.get(username="sue").is_active
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        call_command("user", "deactivate", "nobody")
