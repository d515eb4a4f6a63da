"""Seed the standards catalogue with the defaults (frozen here: later edits are data)."""

import datetime
from decimal import Decimal

from django.db import migrations

SEEDED_FROM = datetime.date(2000, 1, 1)

STANDARDS = [
    {
        "slug": "icpc-within-15-working-days",
        "title": "Initial conference within 15 working days of the strategy discussion",
        "source": "working_together",
        "measure": "Working days from the strategy discussion that started the section 47 enquiry to the initial child protection conference.",
        "unit": "working_days",
        "indicators": "icpc_within_15_working_days",
        "threshold": 15,
        "target": "85",
        "green_from": "85",
        "amber_from": "75",
    },
    {
        "slug": "first-review-within-3-months",
        "title": "First review conference within 3 months of the plan's start",
        "source": "working_together",
        "measure": "Months from the start of the child protection plan to its first review conference.",
        "unit": "months",
        "indicators": "cpp_reviewed_in_time",
        "threshold": 3,
        "target": "95",
        "green_from": "95",
        "amber_from": "85",
    },
    {
        "slug": "later-reviews-within-6-months",
        "title": "Later review conferences within 6 months of the previous review",
        "source": "working_together",
        "measure": "Months from one review conference to the next.",
        "unit": "months",
        "indicators": "cpp_reviewed_in_time",
        "threshold": 6,
        "target": "95",
        "green_from": "95",
        "amber_from": "85",
    },
    {
        "slug": "first-core-group-within-10-working-days",
        "title": "First core group within 10 working days of the initial conference",
        "source": "working_together",
        "measure": "Working days from the initial conference to the first core group meeting of the plan.",
        "unit": "working_days",
        "indicators": "core_group_within_10_working_days",
        "threshold": 10,
        "target": "90",
        "green_from": "90",
        "amber_from": "80",
    },
    {
        "slug": "visits-every-10-working-days",
        "title": "Statutory visits at least every 10 working days",
        "source": "local_procedure",
        "measure": "Working days since the child on a plan was last seen (or seen alone) by their worker.",
        "unit": "working_days",
        "indicators": "cpp_seen_within_standard,cpp_seen_alone_within_standard",
        "threshold": 10,
        "target": "90",
        "green_from": "90",
        "amber_from": "80",
    },
    {
        "slug": "decision-within-1-working-day",
        "title": "Conference decision published within 1 working day",
        "source": "local_procedure",
        "measure": "Working days from the conference to the publication of its decision.",
        "unit": "working_days",
        "indicators": "decision_published_in_time",
        "threshold": 1,
        "target": "95",
        "green_from": "95",
        "amber_from": "85",
    },
    {
        "slug": "minutes-within-15-working-days",
        "title": "Full conference minutes published within 15 working days",
        "source": "local_procedure",
        "measure": "Working days from the conference to the publication of its full minutes.",
        "unit": "working_days",
        "indicators": "minutes_published_in_time",
        "threshold": 15,
        "target": "85",
        "green_from": "85",
        "amber_from": "75",
    },
    {
        "slug": "supervision-every-4-weeks",
        "title": "Supervision at least every 4 weeks",
        "source": "local_procedure",
        "measure": "Weeks from a worker's supervision session to their previous one.",
        "unit": "weeks",
        "indicators": "supervision_within_standard",
        "threshold": 4,
        "target": "90",
        "green_from": "90",
        "amber_from": "80",
    },
    {
        "slug": "conference-quorum",
        "title": "A conference is quorate with children's social care and at least two other agencies",
        "source": "local_procedure",
        "measure": "The agencies attending a conference: children's social care and how many others.",
        "unit": "agencies",
        "indicators": "conference_quorate",
        "threshold": 2,
        "target": "95",
        "green_from": "95",
        "amber_from": "85",
    },
]


def seed(apps, schema_editor):
    Standard = apps.get_model("indicators", "Standard")
    StandardVersion = apps.get_model("indicators", "StandardVersion")
    for row in STANDARDS:
        standard, created = Standard.objects.get_or_create(
            slug=row["slug"],
            defaults={
                key: row[key] for key in ("title", "source", "measure", "unit", "indicators")
            },
        )
        if created:
            StandardVersion.objects.create(
                standard=standard,
                effective_from=SEEDED_FROM,
                threshold=row["threshold"],
                target=Decimal(row["target"]),
                green_from=Decimal(row["green_from"]),
                amber_from=Decimal(row["amber_from"]),
                note="Seeded default",
            )


def unseed(apps, schema_editor):
    Standard = apps.get_model("indicators", "Standard")
    Standard.objects.filter(slug__in=[row["slug"] for row in STANDARDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
