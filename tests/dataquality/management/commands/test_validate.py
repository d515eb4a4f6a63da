import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

from cpqa.dataquality.exports import FINDING_COLUMNS
from cpqa.dataquality.management.commands.validate import NO_FINDINGS
from cpqa.dataquality.models import Finding

pytestmark = pytest.mark.django_db


def validate(*args: str) -> str:
    out = io.StringIO()
    call_command("validate", *args, stdout=out)
    return out.getvalue()


def test_text_gives_a_summary_per_rule_then_the_findings(checked):
    lines = validate().splitlines()
    assert lines[0] == (
        "CIN census validation: census year 01 Apr 2024 to 31 Mar 2025, data as at 03 Jun 2024"
    )
    assert lines[2] == "Rule   Type    Findings  Message"
    rule_lines = [line for line in lines if line[:5] in ("8840 ", "8675Q", "2883 ")]
    assert (
        "8840   error          2  Child Protection Plan cannot start and end on the same day"
        in (rule_lines)
    )
    assert any(line.startswith("8675Q  query          0  Please check") for line in rule_lines)
    assert "5 findings: 5 errors, 0 queries." in lines
    finding = next(line for line in lines if line.startswith("8840 error CHILD-NORTH"))
    assert "protection_plan P" in finding
    assert "end_date=2024-06-03: Child Protection Plan cannot start and end on the same day" in (
        finding
    )
    assert finding.endswith(
        "[the same day as the start date; team North Locality Team; worker Nadia North]"
    )
    authority = next(line for line in lines if line.startswith("2883 error (authority)"))
    assert "start_date=2 plans started" in authority


def test_json_holds_the_rules_and_the_findings(checked):
    data = json.loads(validate("--format", "json"))
    assert data["reference_date"] == "2025-03-31"
    assert data["year_start"] == "2024-04-01"
    assert len(data["rules"]) == 29
    assert {rule["rule"]: rule["count"] for rule in data["rules"]}["8840"] == 2
    assert len(data["findings"]) == 5
    assert set(data["findings"][0]) == set(FINDING_COLUMNS)


def test_csv_has_a_header_and_a_row_per_finding(checked):
    rows = list(csv.DictReader(io.StringIO(validate("--format", "csv"))))
    assert len(rows) == 5
    north = [row for row in rows if row["child_id"] == "CHILD-NORTH" and row["rule"] == "8840"]
    assert north[0]["team"] == "North Locality Team"
    assert north[0]["worker"] == "Nadia North"
    assert north[0]["severity"] == "error"


def test_rules_and_team_narrow_the_output(checked):
    data = json.loads(validate("--format", "json", "--rule", "8840", "8675q"))
    assert [rule["rule"] for rule in data["rules"]] == ["8675Q", "8840"]
    assert {finding["rule"] for finding in data["findings"]} == {"8840"}
    data = json.loads(validate("--format", "json", "--team", "north locality team"))
    assert data["team"] == "North Locality Team"
    assert {finding["child_id"] for finding in data["findings"]} == {"CHILD-NORTH"}
    assert len(data["findings"]) == 2


def test_another_census_year_and_no_findings(checked):
    output = validate("--reference-date", "2024-03-31")
    assert "census year 01 Apr 2023 to 31 Mar 2024" in output
    assert NO_FINDINGS in output


def test_the_command_does_not_store_findings(checked):
    before = set(Finding.objects.values_list("pk", flat=True))
    validate()
    assert set(Finding.objects.values_list("pk", flat=True)) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rule", "9999"), "Unknown rule '9999'"),
        (("--team", "Nowhere"), "No team called 'Nowhere'. Teams: North Locality Team"),
        (("--reference-date", "31/03/2025"), "is not a date in the form YYYY-MM-DD"),
        (("--format", "pdf"), "invalid choice"),
    ],
)
def test_a_usage_error_is_the_only_failure(checked, args, message):
    with pytest.raises(CommandError, match=message):
        validate(*args)
