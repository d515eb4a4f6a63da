"""Demo settings: the synthetic authority on this machine, over plain HTTP.

Used by `make run`. Never for real data: the secret key below is public.
"""

import os

from .base import *  # noqa: F403

SECRET_KEY = os.environ.get(
    "SECRET_KEY", "demo-only-not-secret-3f9a6c1e8b7d4a2f9e0c5b1d7a3f6e2c8b4d0a9f1e7c3b5d"
)
DEBUG = False
CPQA_DEMO = True
CPQA_AUTHORITY_CODE = os.environ.get("CPQA_AUTHORITY_CODE", "") or "DEMO"
CPQA_AUTHORITY_NAME = os.environ.get("CPQA_AUTHORITY_NAME", "") or "Northbridge (synthetic)"
# The fictional authority is not in the DfE files: it borrows the region and statistical
# neighbours of Northumberland (929), a shire county of about 59,000 children (ONS mid-2024).
CPQA_COMPARATOR_CODE = os.environ.get("CPQA_COMPARATOR_CODE", "") or "929"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
