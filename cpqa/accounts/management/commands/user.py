"""`cpqa user add|list|roles|deactivate|unlock|reset-two-factor`: manage who may sign in."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cpqa.accounts.models import User
from cpqa.accounts.roles import Role
from cpqa.accounts.services import AccountError, two_factor_reset, user_create, user_unlock
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
        unlock = actions.add_parser(
            "unlock", help="Clear the failed sign-ins of a locked-out account (or address)."
        )
        unlock.add_argument("username", nargs="?", default="")
        unlock.add_argument("--address", default="", help="Also unlock this IP address.")
        reset = actions.add_parser(
            "reset-two-factor",
            help="Remove a user's authenticator app and recovery codes (a lost phone).",
        )
        reset.add_argument("username")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action.replace('-', '_')}")(**options)

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

    def handle_unlock(self, *, username, address, **options):
        if username and not User.objects.filter(username=username).exists():
            # Said at the command line only: administrators may know who has an account.
            self.stderr.write(f"Note: there is no user called {username!r}.")
        try:
            cleared = user_unlock(username=username, address=address)
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        target = " and ".join(part for part in (username, address) if part)
        self.stdout.write(f"Unlocked {target} ({cleared} failed sign-in record(s) cleared).")

    def handle_reset_two_factor(self, *, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        two_factor_reset(user=user)
        self.stdout.write(
            f"{username}'s two-factor sign-in was removed and their sessions ended: "
            "they set it up again when they next sign in."
        )

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
