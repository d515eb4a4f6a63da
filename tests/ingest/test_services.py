"""The import service with a small importer of its own: all or nothing, history, supersession."""

import importlib
import json
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from cpqa.casework.models import Child, Team
from cpqa.ingest import base
from cpqa.ingest.base import ParsedFile, Problem
from cpqa.ingest.models import ImportOutcome, ImportRun
from cpqa.ingest.services import UNKNOWN_FORMAT, import_files

pytestmark = pytest.mark.django_db
# The command's module is called import, a keyword.
WARMING = importlib.import_module("cpqa.ingest.management.commands.import").WARMING

MAGIC = b"TEAMS-TEST\n"


class TeamListImporter:
    """Lines of `ref,name,child`: a team and (optionally) a child of it."""

    format = "local"
    expected = "a team list starting with TEAMS-TEST"

    def detect(self, *, name, path, head):
        return head.startswith(MAGIC)

    def parse(self, *, name, path, region):
        rows = [line.split(",") for line in path.read_text().splitlines()[1:] if line]
        problems = [
            Problem(name, f"row {number}", "name", fields[1], "a team name")
            for number, fields in enumerate(rows, start=2)
            if not fields[1]
        ]
        frames = {"team": pl.DataFrame({"ref": [r[0] for r in rows], "name": [r[1] for r in rows]})}
        children = [(r[2], r[0]) for r in rows if len(r) > 2 and r[2]]
        if children:
            frames["child"] = pl.DataFrame({"ref": [c for c, _ in children]})
            frames["looked_after_episode"] = pl.DataFrame(
                {
                    "ref": [f"{c}/cla" for c, _ in children],
                    "child": [c for c, _ in children],
                    "start_date": ["2024-01-01"] * len(children),
                }
            )
        return ParsedFile(
            name=name,
            format=self.format,
            source="teams",
            frames=frames,
            rows_read=len(rows),
            problems=problems,
        )


@pytest.fixture(autouse=True)
def team_importer():
    base._IMPORTERS.append(TeamListImporter)
    yield
    base._IMPORTERS.remove(TeamListImporter)


def write(tmp_path: Path, name: str, *rows: str) -> tuple[str, Path]:
    path = tmp_path / name
    path.write_bytes(MAGIC + "\n".join(rows).encode())
    return name, path


def state():
    return sorted(Team.objects.values_list("ref", "name")), sorted(
        Child.objects.values_list("ref", flat=True)
    )


def test_an_accepted_import_is_recorded_with_its_facts(authority, tmp_path):
    result = import_files(
        authority=authority, files=[write(tmp_path, "a.txt", "T1,North,C1")], operator="tester"
    )
    assert result.accepted and result.changed
    (outcome,) = result.files
    assert outcome.outcome == ImportOutcome.ACCEPTED
    assert outcome.counts["team"].inserted == 1
    run = ImportRun.objects.get()
    assert (run.outcome, run.rows_read, run.rows_accepted, run.operator) == (
        "accepted",
        1,
        3,  # a team, a child and the child's episode
        "tester",
    )
    assert len(run.sha256) == 64 and run.file_size > 0
    assert Team.objects.get().import_run == run


def test_the_same_file_again_changes_nothing_and_says_so(authority, tmp_path):
    file = write(tmp_path, "a.txt", "T1,North")
    import_files(authority=authority, files=[file])
    again = import_files(authority=authority, files=[file])
    assert not again.changed
    assert again.files[0].outcome == ImportOutcome.UNCHANGED
    assert "nothing changed" in again.files[0].notes[0]
    (unchanged,) = ImportRun.objects.filter(outcome="unchanged")
    assert again.files[0].run_id == unchanged.pk  # the history's entry for this attempt


def test_one_bad_file_rejects_the_whole_import(authority, tmp_path):
    import_files(authority=authority, files=[write(tmp_path, "old.txt", "T0,Old")])
    before = state()
    result = import_files(
        authority=authority,
        files=[write(tmp_path, "good.txt", "T1,North"), write(tmp_path, "bad.txt", "T2,", "T3,")],
    )
    assert not result.accepted
    assert [str(p) for p in result.problems] == [
        "bad.txt, row 2: name is empty; expected a team name",
        "bad.txt, row 3: name is empty; expected a team name",
    ]
    assert state() == before
    runs = ImportRun.objects.filter(batch=result.batch)
    assert sorted(runs.values_list("file_name", "outcome")) == [
        ("bad.txt", "rejected"),
        ("good.txt", "rejected"),
    ]
    assert runs.get(file_name="bad.txt").summary["problem_count"] == 2


def test_an_unknown_file_is_refused_saying_what_was_expected(authority, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = import_files(authority=authority, files=[("notes.txt", path)])
    (problem,) = result.problems
    assert problem.file == "notes.txt"
    assert "a team list starting with TEAMS-TEST" in problem.expected
    assert problem.expected.startswith(UNKNOWN_FORMAT.split("{")[0])


def test_a_newer_extract_supersedes_the_older_one(authority, tmp_path):
    from cpqa.casework.models import LookedAfterEpisode

    import_files(
        authority=authority, files=[write(tmp_path, "v1.txt", "T1,North,C1", "T2,South,C2")]
    )
    result = import_files(
        authority=authority, files=[write(tmp_path, "v2.txt", "T1,North West,C1")]
    )
    assert result.files[0].removed == {"looked_after_episode": 1}
    assert list(LookedAfterEpisode.objects.values_list("ref", flat=True)) == ["C1/cla"]
    assert state()[0] == [("T1", "North West"), ("T2", "South")]
    first = ImportRun.objects.get(file_name="v1.txt")
    assert first.superseded_by == ImportRun.objects.get(file_name="v2.txt")


def test_a_dry_run_previews_and_changes_nothing(authority, tmp_path):
    result = import_files(
        authority=authority, files=[write(tmp_path, "a.txt", "T1,North")], dry_run=True
    )
    assert result.dry_run and result.accepted
    assert result.files[0].counts["team"].inserted == 1
    assert state() == ([], [])  # nothing was kept
    assert not ImportRun.objects.exists()


def test_a_problem_only_the_loader_sees_rejects_the_import(authority, tmp_path):
    long_name = "x" * 250  # longer than Team.name allows
    result = import_files(authority=authority, files=[write(tmp_path, "a.txt", f"T1,{long_name}")])
    assert not result.accepted
    assert "longer than 200 characters" in str(result.problems[0])
    assert state() == ([], [])
    assert ImportRun.objects.get().outcome == "rejected"


def test_the_command_exits_non_zero_when_rejected(authority, tmp_path, capsys):
    _, bad = write(tmp_path, "bad.txt", "T2,")
    with pytest.raises(CommandError, match=r"Rejected: nothing was imported\. 1 problem"):
        call_command("import", str(bad))
    _, good = write(tmp_path, "good.txt", "T1,North")
    call_command("import", str(good), "--dry-run")
    assert "Would be accepted" in capsys.readouterr().out
    assert not Team.objects.exists()
    call_command("import", str(good))
    assert Team.objects.count() == 1


def test_supersession_removes_events_but_never_children_teams_or_workers(authority, tmp_path):
    import_files(
        authority=authority, files=[write(tmp_path, "v1.txt", "T1,North,C1", "T2,South,C2")]
    )
    import_files(authority=authority, files=[write(tmp_path, "v2.txt", "T1,North,C1")])
    # Team T2 and child C2 are no longer in the source, but stay: only events go.
    assert state() == ([("T1", "North"), ("T2", "South")], ["C1", "C2"])


def _warmings(callbacks) -> int:
    return sum("reports_warm_after_commit" in callback.__qualname__ for callback in callbacks)


def test_an_import_that_changes_data_warms_the_reports_once_committed(
    authority, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.CPQA_REPORTS_WARM = True
    file = write(tmp_path, "a.txt", "T1,North")
    with django_capture_on_commit_callbacks() as changed:
        import_files(authority=authority, files=[file])
    with django_capture_on_commit_callbacks() as unchanged:
        import_files(authority=authority, files=[file])
    with django_capture_on_commit_callbacks() as dry:
        import_files(
            authority=authority, files=[write(tmp_path, "b.txt", "T2,South")], dry_run=True
        )
    with django_capture_on_commit_callbacks() as rejected:
        import_files(authority=authority, files=[write(tmp_path, "c.txt", "T3,")])
    assert [_warmings(c) for c in (changed, unchanged, dry, rejected)] == [1, 0, 0, 0]


def test_the_warming_can_be_switched_off(
    authority, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.CPQA_REPORTS_WARM = False
    with django_capture_on_commit_callbacks() as callbacks:
        assert import_files(
            authority=authority, files=[write(tmp_path, "a.txt", "T1,North")]
        ).changed
    assert _warmings(callbacks) == 0


def test_the_command_says_it_is_warming_the_reports_but_keeps_json_pure(
    authority, tmp_path, capsys, settings, django_capture_on_commit_callbacks
):
    settings.CPQA_REPORTS_WARM = True
    with django_capture_on_commit_callbacks():
        call_command("import", str(write(tmp_path, "a.txt", "T1,North")[1]))
    assert WARMING in capsys.readouterr().out
    with django_capture_on_commit_callbacks():
        call_command("import", str(write(tmp_path, "b.txt", "T2,South")[1]), "--format", "json")
    printed = capsys.readouterr().out
    assert WARMING not in printed
    assert json.loads(printed)["files"][0]["name"] == "b.txt"
