"""Demo settings plus the test-only importer, for `cpqa import` in the fault tests.

CPQA_TEST_SQLITE_MAX_PAGES, when set, caps the SQLite file at that many pages
(PRAGMA max_page_count): the database is then full, as on a full disk.
"""

import os

from cpqa.config.settings.demo import *  # noqa: F403
from cpqa.config.settings.demo import DATABASES, INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.security.importer_app.ImporterAppConfig"]

if os.environ.get("CPQA_TEST_SQLITE_MAX_PAGES"):
    pages = int(os.environ["CPQA_TEST_SQLITE_MAX_PAGES"])
    options = DATABASES["default"]["OPTIONS"]
    options["init_command"] += f" PRAGMA max_page_count={pages};"

# The fault tests time and kill `cpqa import` itself: no warming of the reports after
# it (cpqa.reports.services), which would keep the process on after the import.
CPQA_REPORTS_WARM = False
