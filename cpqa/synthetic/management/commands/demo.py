"""`cpqa demo`: load the synthetic authority (first run only) and the demo users."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cpqa.casework.models import Team
from cpqa.core.services import authority_current
from cpqa.nationalstats.models import StatisticsRelease
from cpqa.nationalstats.services import statistics_load_bundled
from cpqa.synthetic.demo import demo_code, demo_users_ensure
from cpqa.synthetic.services import synthetic_authority_import

TWO_FACTOR_HELP = (
    "\nEvery role that sees children signs in with a second factor. After the password, "
    "enter the code from an authenticator app set up with the user's key below, or get "
    "it with: make code who=USERNAME"
)
STATISTICS_REJECTED = "The bundled published statistics were rejected: see above."
DEMO_REJECTED = "The demo authority's files were rejected: nothing was loaded."
DEMO_ONLY = (
    "cpqa demo loads a fictional authority and prints passwords, so it runs only with "
    "the demo settings (DJANGO_SETTINGS_MODULE=cpqa.config.settings.demo)."
)


class Command(BaseCommand):
    help = "Load the synthetic demo authority (first run only) and a user for every role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument(
            "--code",
            metavar="USERNAME",
            help="Print the two-factor code a demo user's authenticator would show now.",
        )

    def handle(self, *args, seed, scale, code, **options):
        if not settings.CPQA_DEMO:
            raise CommandError(DEMO_ONLY)
        if code:
            try:
                self.stdout.write(demo_code(username=code))
            except LookupError as exc:
                raise CommandError(str(exc)) from None
            return
        authority = authority_current()
        if not Team.objects.filter(authority=authority).exists():
            self.stdout.write(f"Generating the synthetic authority (seed {seed}, scale {scale})...")
            result = synthetic_authority_import(
                authority=authority, seed=seed, scale=scale, operator="cpqa demo"
            )
            if not result.accepted:
                for problem in result.problems[:20]:
                    self.stderr.write(str(problem))
                raise CommandError(DEMO_REJECTED)
            rows = sum(outcome.rows_accepted for outcome in result.files)
            self.stdout.write(
                f"Imported {rows:,} records from {len(result.files)} SSD and local table files."
            )
        else:
            self.stdout.write("The demo authority is already loaded.")
        if not StatisticsRelease.objects.exists():
            self.stdout.write("Loading the DfE and ONS published statistics bundled with cpqa...")
            report = statistics_load_bundled(operator="cpqa demo")
            if report.problems:
                raise CommandError(STATISTICS_REJECTED)
        users = demo_users_ensure(authority=authority)
        self.stdout.write("\nDemo users (demo only; the passwords are kept in var/demo-users.txt):")
        width = max(len(user.username) for user in users)
        for user in users:
            team = f"  [{user.team}]" if user.team else ""
            self.stdout.write(f"  {user.username:<{width}}  {user.password}  {user.role}{team}")
        self.stdout.write(TWO_FACTOR_HELP)
        for user in users:
            if user.two_factor_key:
                self.stdout.write(f"  {user.username:<{width}}  {user.two_factor_key}")
