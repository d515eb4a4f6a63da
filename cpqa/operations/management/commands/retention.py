"""`cpqa retention [--confirm]`: report, and with --confirm remove, what is past retention."""

from django.core.management.base import BaseCommand

from cpqa.operations.retention import retention_apply, retention_report

NOTHING_REMOVED = "Nothing was removed: run again with --confirm to remove what is listed."
REMOVED = "Removed, and recorded as retention run {run}: {summary}."


class Command(BaseCommand):
    help = "Report what is past its retention period; with --confirm, remove it."

    def add_arguments(self, parser):
        parser.add_argument("--confirm", action="store_true", help="Remove what is listed.")

    def handle(self, *args, confirm, **options):
        for item in retention_report():
            if item.cutoff is None:
                kept = "kept for ever"
            elif item.kind == "expired_sessions":
                kept = "ended"
            else:
                kept = f"kept {item.years} years, so before {item.cutoff:%d %b %Y}"
            self.stdout.write(f"{item.label} ({kept}): {item.count:,} past retention")
        if not confirm:
            self.stdout.write(NOTHING_REMOVED)
            return
        run = retention_apply()
        summary = ", ".join(f"{kind} {count:,}" for kind, count in run.removed.items())
        self.stdout.write(REMOVED.format(run=run.pk, summary=summary))
