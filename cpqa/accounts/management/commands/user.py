"""`cpqa user add|list|roles|deactivate`: manage who may sign in."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cpqa.accounts.models import User
from cpqa.accounts.roles import Role
from cpqa.accounts.services import AccountError, user_create
from cpqa.casework.models import Team
from cpqa.core.services import authority_current


class Command(BaseCommand):
    help = "Add, list or switch off users, with their roles and teams."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Add a user with one or more roles.")
        add.add_argument("username")
        add.add_argument(
            "--role",
            action="append",
            required=True,
            choices=Role.values,
            help="A role; give --role more than once for several.",
        )
        add.add_argument(
            "--team",
            action="append",
            default=[],
            help="A team (by name or identifier) whose children a team role may see.",
        )
        add.add_argument("--email", default="")
        add.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input instead of asking for it.",
        )
        actions.add_parser("list", help="List users with their roles and teams.")
        actions.add_parser("roles", help="List the roles.")
        off = actions.add_parser("deactivate", help="Stop a user signing in.")
        off.add_argument("username")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_roles(self, **options):
        for role in Role:
            self.stdout.write(f"{role.value:34} {role.label}")

    def handle_list(self, **options):
        users = User.objects.prefetch_related("role_assignments", "teams").order_by("username")
        for user in users:
            roles = ",".join(sorted(user.role_set)) or "-"
            teams = ",".join(team.name for team in user.teams.all()) or "-"
            state = "" if user.is_active else " (switched off)"
            self.stdout.write(f"{user.username}{state}\t{roles}\t{teams}")

    def handle_deactivate(self, *, username, **options):
        updated = User.objects.filter(username=username).update(is_active=False)
        if not updated:
            raise CommandError(f"No user called {username!r}.")
        self.stdout.write(f"{username} can no longer sign in.")

    def handle_add(self, *, username, role, team, email, password_stdin, **options):
        authority = authority_current()
        teams = []
        for name in team:
            found = Team.objects.filter(authority=authority, name=name).first() or (
                Team.objects.filter(authority=authority, ref=name).first()
            )
            if found is None:
                choices = (
                    ", ".join(
                        Team.objects.filter(authority=authority).values_list("name", flat=True)
                    )
                    or "none loaded yet"
                )
                raise CommandError(f"No team called {name!r}. Teams: {choices}.")
            teams.append(found)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            import getpass

            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("The passwords do not match.")
        try:
            user = user_create(
                authority=authority,
                username=username,
                password=password,
                roles=role,
                teams=teams,
                email=email,
            )
        except (AccountError, ValidationError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError(" ".join(messages)) from None
        if Role.ADMINISTRATOR in role:
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        self.stdout.write(f"Added {username} ({', '.join(role)}).")
