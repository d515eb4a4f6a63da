"""`cpqa demo`: load the synthetic authority (first run only) and the demo users."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cpqa.casework.models import Team
from cpqa.core.services import authority_current
from cpqa.synthetic.demo import demo_users_ensure
from cpqa.synthetic.services import synthetic_authority_load

DEMO_ONLY = (
    "cpqa demo loads a fictional authority and prints passwords, so it runs only with "
    "the demo settings (DJANGO_SETTINGS_MODULE=cpqa.config.settings.demo)."
)


class Command(BaseCommand):
    help = "Load the synthetic demo authority (first run only) and a user for every role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--scale", type=float, default=1.0)

    def handle(self, *args, seed, scale, **options):
        if not settings.CPQA_DEMO:
            raise CommandError(DEMO_ONLY)
        authority = authority_current()
        if not Team.objects.filter(authority=authority).exists():
            self.stdout.write(f"Generating the synthetic authority (seed {seed}, scale {scale})...")
            result = synthetic_authority_load(
                authority=authority, seed=seed, scale=scale, operator="cpqa demo"
            )
            self.stdout.write(f"Loaded {result.rows:,} records.")
        else:
            self.stdout.write("The demo authority is already loaded.")
        users = demo_users_ensure(authority=authority)
        self.stdout.write("\nDemo users (demo only; the passwords are kept in var/demo-users.txt):")
        width = max(len(user.username) for user in users)
        for user in users:
            team = f"  [{user.team}]" if user.team else ""
            self.stdout.write(f"  {user.username:<{width}}  {user.password}  {user.role}{team}")
