"""The data officers' pages: upload, preview, confirm, cancel, history, dictionary."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cpqa.accounts.models import AccessLogEntry
from cpqa.accounts.roles import Role
from cpqa.casework.models import Team
from cpqa.ingest.forms import NO_FILES
from cpqa.ingest.models import ImportRun
from cpqa.ingest.uploads import MANIFEST, upload_root, uploads_expire
from cpqa.ingest.views import CANCELLED, IMPORTED, UPLOAD_GONE
from tests.conftest import VerifiedClient
from tests.ingest.ssd_files import SSD, csv_bytes

pytestmark = pytest.mark.django_db

DEPARTMENTS = csv_bytes(SSD["ssd_department"])


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.CPQA_UPLOAD_DIR = tmp_path / "uploads"
    return settings.CPQA_UPLOAD_DIR


@pytest.fixture
def officer(client, make_user):
    user = make_user(Role.DATA_OFFICER)
    client.force_login(user)
    return user


def upload(client, *files):
    return client.post(
        reverse("ingest:import"),
        {"files": [SimpleUploadedFile(name, content) for name, content in files]},
    )


def test_a_data_officer_uploads_previews_and_confirms(client, officer, uploads):
    response = upload(client, ("ssd_department.csv", DEPARTMENTS))
    assert response.status_code == 302
    token = response["Location"].rstrip("/").split("/")[-1]
    assert sorted(p.name for p in (uploads / token).iterdir()) == ["000", MANIFEST]
    preview = client.get(response["Location"])
    html = preview.content.decode()
    assert "Check the import" in html and "Ready to import" in html
    assert "ssd_department.csv" in html and ">team</th>" in html
    assert not Team.objects.exists()  # a preview changes nothing
    assert not ImportRun.objects.exists()
    done = client.post(reverse("ingest:import-confirm", args=[token]), follow=True)
    assert IMPORTED.format(count=1, s="", rows=2) in done.content.decode()
    assert sorted(Team.objects.values_list("ref", flat=True)) == ["T1", "T2"]
    run = ImportRun.objects.get()
    assert (run.file_name, run.user, run.outcome) == ("ssd_department.csv", officer, "accepted")
    assert not (uploads / token).exists()


def test_cancel_deletes_the_files(client, officer, uploads):
    token = upload(client, ("ssd_department.csv", DEPARTMENTS))["Location"].split("/")[-2]
    response = client.post(reverse("ingest:import-cancel", args=[token]), follow=True)
    assert CANCELLED in response.content.decode()
    assert not (uploads / token).exists()
    assert not Team.objects.exists()
    gone = client.get(reverse("ingest:import-preview", args=[token]))
    assert gone.status_code == 404


def test_a_bad_file_shows_every_problem_and_no_confirm_button(client, officer):
    rows = [list(r) for r in SSD["ssd_cp_plans"]]
    rows[1][4] = "31/13/2025"
    rows.append(["CP2", "", "", "", "2025-02-01", "", "Neglect", "", "Neglect"])
    response = upload(client, ("ssd_cp_plans.csv", csv_bytes(rows)))
    html = client.get(response["Location"]).content.decode()
    assert "Problems with the files" in html
    assert "govuk-error-summary" in html
    assert "2 problems to put right" in html
    assert "31/13/2025" in html and "cppl_person_id" in html
    assert "Confirm and import" not in html
    assert "row 3" in html


def test_uploading_nothing_is_an_error(client, officer):
    response = client.post(reverse("ingest:import"), {})
    assert response.status_code == 200
    assert NO_FILES in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.SENIOR_MANAGER, Role.COUNCILLOR, Role.ADMINISTRATOR]
)
def test_other_roles_are_refused(client, make_user, authority, role):
    team = Team.objects.create(authority=authority, ref="T", name="T", recorded_at=timezone.now())
    client.force_login(make_user(role, teams=[team]))
    for name, args in (
        ("ingest:import", []),
        ("ingest:runs", []),
        ("ingest:import-preview", ["x" * 32]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 403
    assert upload(client, ("ssd_department.csv", DEPARTMENTS)).status_code == 403
    assert not upload_root().exists() or not any(upload_root().iterdir())


def test_signed_out_is_sent_to_sign_in(client):
    response = client.get(reverse("ingest:import"))
    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_another_officers_upload_cannot_be_seen_or_confirmed(client, officer, make_user):
    token = upload(client, ("ssd_department.csv", DEPARTMENTS))["Location"].split("/")[-2]
    other = VerifiedClient()
    other.force_login(make_user(Role.DATA_OFFICER))
    assert other.get(reverse("ingest:import-preview", args=[token])).status_code == 404
    assert other.post(reverse("ingest:import-confirm", args=[token])).status_code == 404
    assert not Team.objects.exists()


def test_csrf_is_required(make_user, uploads):
    client = VerifiedClient(enforce_csrf_checks=True)
    client.force_login(make_user(Role.DATA_OFFICER))
    response = client.post(
        reverse("ingest:import"),
        {"files": [SimpleUploadedFile("ssd_department.csv", DEPARTMENTS)]},
    )
    assert response.status_code == 403
    assert not uploads.exists() or not any(uploads.iterdir())


def test_uploads_older_than_a_day_are_removed(client, officer, uploads):
    token = upload(client, ("ssd_department.csv", DEPARTMENTS))["Location"].split("/")[-2]
    manifest = uploads / token / MANIFEST
    data = json.loads(manifest.read_text())
    data["created"] = (timezone.now() - dt.timedelta(hours=25)).isoformat()
    manifest.write_text(json.dumps(data))
    fresh = upload(client, ("ssd_department.csv", DEPARTMENTS))["Location"].split("/")[-2]
    assert not (uploads / token).exists()
    assert (uploads / fresh).exists()
    assert uploads_expire() == 0


def test_the_history_and_a_runs_problems(client, officer):
    bad = [list(r) for r in SSD["ssd_department"]] + [["T1", "Again", "", ""]]
    token = upload(client, ("ssd_department.csv", csv_bytes(bad)))["Location"].split("/")[-2]
    client.post(reverse("ingest:import-confirm", args=[token]))
    run = ImportRun.objects.get()
    assert run.outcome == "rejected"
    page = client.get(reverse("ingest:runs")).content.decode()
    assert "ssd_department.csv" in page and run.sha256 in page and "Rejected" in page
    detail = client.get(reverse("ingest:run", args=[run.pk])).content.decode()
    assert "each dept_team_id to appear once in the table (it is also on row 2)" in detail
    assert not AccessLogEntry.objects.exists()  # the officer's own upload


def test_reading_problems_naming_children_of_someone_elses_run_is_logged(
    client, officer, make_user, authority
):
    run = ImportRun.objects.create(
        authority=authority,
        batch="00000000-0000-0000-0000-000000000001",
        format="ssd",
        source="ssd_person",
        file_name="ssd_person.csv",
        sha256="0" * 64,
        user=make_user(Role.DATA_OFFICER),
        started_at=timezone.now(),
        outcome="rejected",
        summary={
            "problems": [
                {"location": "row 2", "field": "pers_person_id", "value": "C77", "expected": "x"}
            ]
        },
    )
    response = client.get(reverse("ingest:run", args=[run.pk]))
    assert "C77" in response.content.decode()
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.record_type, entry.record_count) == (officer, "import problems", 1)


def test_the_dictionary_is_for_every_signed_in_user(client, make_user):
    assert client.get(reverse("ingest:dictionary")).status_code == 302
    client.force_login(make_user(Role.COUNCILLOR))
    page = client.get(reverse("ingest:dictionary")).content.decode()
    assert "conference_attendance" in page and "ssd_cp_plans" in page
    template = client.get(reverse("ingest:template", args=["staffing", "xlsx"]))
    assert template.status_code == 200
    assert template["Content-Disposition"] == 'attachment; filename="staffing.xlsx"'
    assert client.get(reverse("ingest:template", args=["staffing", "pdf"])).status_code == 404
    assert client.get(reverse("ingest:template", args=["nothing", "csv"])).status_code == 404


def test_data_is_in_the_navigation_for_data_officers_only(client, officer, make_user):
    assert (
        f'href="{reverse("ingest:import")}">Data<' in client.get("/", follow=True).content.decode()
    )
    other = VerifiedClient()
    other.force_login(make_user(Role.SENIOR_MANAGER))
    assert f'href="{reverse("ingest:import")}">Data<' not in (
        other.get("/", follow=True).content.decode()
    )


def test_upload_gone_message_is_shown(client, officer):
    response = client.get(reverse("ingest:import-preview", args=["y" * 32]))
    assert response.status_code == 404
    assert UPLOAD_GONE
