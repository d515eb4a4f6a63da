import pytest
from playwright.sync_api import expect

from cpqa.accounts.roles import Role
from cpqa.casework.models import Team
from cpqa.ingest.views import IMPORTED
from tests.ingest.ssd_files import SSD, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_data_officer_uploads_previews_and_confirms(
    page, live_server, make_user, sign_in, screenshot, settings, tmp_path
):
    settings.CPQA_UPLOAD_DIR = tmp_path / "uploads"
    make_user(Role.DATA_OFFICER, username="dora")
    departments = write_csv(tmp_path, "ssd_department.csv", SSD["ssd_department"])
    sign_in("dora")
    page.get_by_role("link", name="Data", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import files")
    page.get_by_label("Files to import").set_input_files(str(departments))
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.get_by_text("Ready to import")).to_be_visible()
    expect(page.get_by_role("rowheader", name="team")).to_be_visible()
    assert not Team.objects.exists()
    screenshot("ingest-preview")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text(IMPORTED.format(count=1, s="", rows=2))).to_be_visible()
    assert sorted(Team.objects.values_list("ref", flat=True)) == ["T1", "T2"]
    screenshot("ingest-imported")
