"""`cpqa validate`: the DfE CIN census child protection rules over the data held.

    cpqa validate [--format text|json|csv] [--reference-date YYYY-MM-DD]
                  [--rule CODE ...] [--team NAME]

Prints the findings: text (a summary per rule, then the findings), JSON or CSV.
The exit status is 0 even when there are findings or a rule could not run (that
is reported); it is not 0 only for a usage error (a bad date, an unknown rule
or team). The findings are worked out afresh and not stored; the pages show
those stored by the last import.
"""

import csv
import json
from argparse import ArgumentTypeError
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cpqa.casework.models import Team
from cpqa.core.services import authority_current
from cpqa.dataquality.engine import RAN, STATUS_LABELS
from cpqa.dataquality.exports import FINDING_COLUMNS
from cpqa.dataquality.rules.base import dfe_rules
from cpqa.dataquality.selectors import findings_compute

UNKNOWN_RULE = "Unknown rule {code!r}. Rules: {choices}."
UNKNOWN_TEAM = "No team called {team!r}. Teams: {choices}."
BAD_DATE = "{value!r} is not a date in the form YYYY-MM-DD."
HEADING = (
    "CIN census validation: census year {start:%d %b %Y} to {end:%d %b %Y}, "
    "data as at {as_at:%d %b %Y}{team}"
)
TOTAL = "{total:,} finding{s}: {errors:,} error{es}, {queries:,} quer{ies}."
NO_FINDINGS = "No findings."


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(BAD_DATE.format(value=value)) from None


class Command(BaseCommand):
    help = "Check the data held against the DfE CIN census child protection rules."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("text", "json", "csv"), default="text")
        parser.add_argument(
            "--reference-date",
            type=iso_date,
            help="The census reference date (31 March); by default the data's census year.",
        )
        parser.add_argument(
            "--rule", nargs="+", metavar="CODE", help="Only these rules (e.g. 8840 8675Q)."
        )
        parser.add_argument("--team", help="Only the findings of this team (its name).")

    def handle(self, *args, format, reference_date, rule, team, **options):
        known = dfe_rules()
        codes = None
        if rule:
            by_upper = {code.upper(): code for code in known}
            codes = []
            for code in rule:
                if code.upper() not in by_upper:
                    raise CommandError(UNKNOWN_RULE.format(code=code, choices=", ".join(known)))
                codes.append(by_upper[code.upper()])
        authority = authority_current()
        team_name = None
        if team:
            names = list(
                Team.objects.filter(authority=authority)
                .order_by("name")
                .values_list("name", flat=True)
            )
            matches = [name for name in names if name.casefold() == team.strip().casefold()]
            if not matches:
                raise CommandError(UNKNOWN_TEAM.format(team=team, choices=", ".join(names)))
            team_name = matches[0]
        computed = findings_compute(
            authority=authority,
            region=settings.CPQA_REGION,
            today=timezone.localdate(),
            reference_date=reference_date,
            codes=codes,
        )
        findings = computed.findings
        if team_name is not None:
            findings = findings.filter(findings["team"] == team_name)
        rows = findings.to_dicts()
        if format == "json":
            self.stdout.write(json.dumps(self._json(computed, rows, team_name), indent=2))
        elif format == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=FINDING_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        else:
            for line in self._text(computed, rows, team_name):
                self.stdout.write(line)

    def _rule_rows(self, computed, rows) -> list[dict]:
        counted: dict[str, int] = {}
        for row in rows:
            counted[row["rule"]] = counted.get(row["rule"], 0) + 1
        rules = []
        for code, outcome in computed.result.outcomes.items():
            dfe = dfe_rules()[code]
            rules.append(
                {
                    "rule": code,
                    "severity": dfe.severity,
                    "message": dfe.message,
                    "status": outcome.status,
                    "count": counted.get(code, 0) if outcome.status == RAN else None,
                    "note": outcome.note,
                }
            )
        return rules

    def _json(self, computed, rows, team_name) -> dict:
        context = computed.result.context
        return {
            "reference_date": context.reference_date.isoformat(),
            "year_start": context.year_start.isoformat(),
            "as_at": computed.as_at.isoformat(),
            "team": team_name,
            "rules": self._rule_rows(computed, rows),
            "findings": rows,
        }

    def _text(self, computed, rows, team_name) -> list[str]:
        context = computed.result.context
        lines = [
            HEADING.format(
                start=context.year_start,
                end=context.reference_date,
                as_at=computed.as_at,
                team=f", team {team_name}" if team_name else "",
            ),
            "",
            f"{'Rule':<7}{'Type':<7}{'Findings':>9}  Message",
        ]
        for rule in self._rule_rows(computed, rows):
            count = f"{rule['count']:,}" if rule["status"] == RAN else STATUS_LABELS[rule["status"]]
            note = f" ({rule['note']})" if rule["status"] != RAN else ""
            lines.append(
                f"{rule['rule']:<7}{rule['severity']:<7}{count:>9}  {rule['message']}{note}"
            )
        errors = sum(1 for row in rows if row["severity"] == "error")
        queries = len(rows) - errors
        lines += [
            "",
            TOTAL.format(
                total=len(rows),
                s="" if len(rows) == 1 else "s",
                errors=errors,
                es="" if errors == 1 else "s",
                queries=queries,
                ies="y" if queries == 1 else "ies",
            ),
        ]
        if not rows:
            lines.append(NO_FINDINGS)
            return lines
        lines.append("")
        for row in rows:
            child = row["child_id"] or "(authority)"
            record = f"{row['table']} {row['record']}".strip()
            value = row["value"] or "not recorded"
            extra = "; ".join(
                part
                for part in (
                    row["detail"],
                    f"team {row['team']}" if row["team"] else "",
                    f"worker {row['worker']}" if row["worker"] else "",
                )
                if part
            )
            lines.append(
                f"{row['rule']} {row['severity']} {child} {record} {row['field']}={value}: "
                f"{row['message']}" + (f" [{extra}]" if extra else "")
            )
        return lines
