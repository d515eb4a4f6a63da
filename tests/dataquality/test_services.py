import datetime as dt
import importlib

import polars as pl
import pytest

from cpqa.core.services import data_version_bump
from cpqa.dataquality.models import CompletenessCount, CompletenessGap, Finding, ValidationRun
from cpqa.dataquality.services import findings_refresh, refresh_summary_lines
from cpqa.ingest import base
from cpqa.ingest.base import ParsedFile
from cpqa.ingest.services import import_files
from tests.dataquality.conftest import TODAY

pytestmark = pytest.mark.django_db

import_command = importlib.import_module("cpqa.ingest.management.commands.import")


def test_refresh_stores_findings_with_their_team_worker_and_childs_team(checked):
    run = ValidationRun.objects.get()
    assert run.reference_date == dt.date(2025, 3, 31)
    assert run.as_at == dt.date(2024, 6, 3)
    outcome = run.outcomes["8840"]
    assert (outcome["status"], outcome["count"], outcome["note"]) == ("ran", 2, "")
    finding = Finding.objects.get(rule="8840", child_ref="CHILD-NORTH")
    assert (finding.table, finding.field, finding.value) == (
        "protection_plan",
        "end_date",
        "2024-06-03",
    )
    assert finding.message == "Child Protection Plan cannot start and end on the same day"
    assert finding.severity == "error"
    assert finding.team == checked.north
    assert finding.child_team == checked.north
    assert finding.worker == checked.north_worker
    # One authority-level finding: two plans started and no initial conference.
    authority_level = Finding.objects.get(rule="2883")
    assert (authority_level.child_ref, authority_level.record_ref) == ("", "")
    assert authority_level.value == "2 plans started"


def test_refresh_stores_completeness_counts_and_gaps(checked):
    gaps = CompletenessGap.objects.filter(item="visit_date").order_by("child_ref")
    assert [gap.child_ref for gap in gaps] == ["CHILD-NORTH", "CHILD-SOUTH"]
    assert gaps[0].team == checked.north and gaps[0].child_team == checked.north
    # The visit has no date: its worker is the one allocated on the day the data stands at.
    assert gaps[0].worker == checked.north_worker
    counts = CompletenessCount.objects.filter(item="visit_date", grain="worker")
    assert sorted((c.team.name, c.total, c.complete) for c in counts) == [
        ("North Locality Team", 2, 1),
        ("South Locality Team", 1, 0),
    ]


def test_the_summary_counts_findings_per_rule(checked):
    summary = checked.summary
    assert summary.counts["8840"] == 2
    assert summary.counts["2885"] == 2
    assert summary.counts["2883"] == 1
    assert summary.errors == 5 and summary.queries == 0
    assert summary.not_run == {} and summary.failed == {}
    lines = refresh_summary_lines(summary)
    assert lines[0] == (
        "Data quality (census year ending 31 Mar 2025): 5 findings, 5 errors and 0 queries."
    )
    assert "  8840: 2" in lines


def test_a_refresh_of_unchanged_data_keeps_the_run_and_a_new_version_replaces_it(
    checked, authority
):
    first = ValidationRun.objects.get()
    again = findings_refresh(authority=authority, today=TODAY, region="england")
    assert again.reused and again.run_id == first.pk
    data_version_bump(authority=authority)
    fresh = findings_refresh(authority=authority, today=TODAY, region="england")
    assert not fresh.reused
    assert ValidationRun.objects.get().pk == fresh.run_id != first.pk
    assert Finding.objects.filter(run_id=first.pk).count() == 0
    assert Finding.objects.filter(run_id=fresh.run_id).count() == 5


def test_another_reference_date_is_checked_on_request(checked, authority):
    summary = findings_refresh(
        authority=authority, today=TODAY, region="england", reference_date=dt.date(2024, 3, 31)
    )
    # The plans started after that year: none of them is in its census.
    assert summary.total == 0
    assert ValidationRun.objects.get().reference_date == dt.date(2024, 3, 31)


MAGIC = b"PLANS-TEST\n"


class PlanImporter:
    """A file naming children, each given a plan that starts and ends on 3 June 2024."""

    format = "local"
    expected = "a plan list"

    def detect(self, *, name, path, head):
        return head.startswith(MAGIC)

    def parse(self, *, name, path, region):
        refs = [line for line in path.read_text().splitlines()[1:] if line]
        day = dt.date(2024, 6, 3)
        frames = {
            "child": pl.DataFrame({"ref": refs}),
            "protection_plan": pl.DataFrame(
                {
                    "ref": [f"P-{ref}" for ref in refs],
                    "child": refs,
                    "start_date": [day] * len(refs),
                    "end_date": [day] * len(refs),
                    "initial_category": ["NEG"] * len(refs),
                    "latest_category": ["NEG"] * len(refs),
                    "previous_plans": [0] * len(refs),
                }
            ),
        }
        return ParsedFile(name, self.format, "plans", frames, rows_read=len(refs))


@pytest.fixture
def plan_file(tmp_path):
    base._IMPORTERS.append(PlanImporter)
    path = tmp_path / "plans.txt"
    path.write_bytes(MAGIC + b"A1\nA2\nA3\n")
    yield path
    base._IMPORTERS.remove(PlanImporter)


def test_an_import_runs_the_checks_and_reports_them(authority, plan_file):
    result = import_files(authority=authority, files=[("plans.txt", plan_file)])
    assert result.accepted
    assert result.findings.counts["8840"] == 3
    assert ValidationRun.objects.get().pk == result.findings.run_id
    assert Finding.objects.filter(rule="8840").count() == 3
    lines = import_command.result_lines(result)
    assert "  8840: 3" in lines
    assert import_command.result_json(result)["findings"]["counts"]["8840"] == 3


def test_a_dry_run_previews_the_findings_and_stores_nothing(authority, plan_file):
    result = import_files(authority=authority, files=[("plans.txt", plan_file)], dry_run=True)
    assert result.findings.counts["8840"] == 3
    assert not ValidationRun.objects.exists()
    assert not Finding.objects.exists()


def test_a_failure_of_the_checks_is_reported_and_never_stops_the_import(
    authority, plan_file, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("cpqa.dataquality.services.completeness_attributed", broken)
    result = import_files(authority=authority, files=[("plans.txt", plan_file)])
    assert result.accepted
    assert result.findings.failed == {"checks": "RuntimeError: the disk is full"}
    assert result.findings.run_id is None
    assert not ValidationRun.objects.exists()
    assert "  checks: RuntimeError: the disk is full" in import_command.result_lines(result)
