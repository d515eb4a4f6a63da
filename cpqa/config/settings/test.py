"""Test settings: DATABASE_URL chooses SQLite (default) or PostgreSQL."""

from .demo import *  # noqa: F403

SECRET_KEY = "test-only-not-secret-a8c2e4f6b1d3a5c7e9f0b2d4a6c8e1f3b5d7a9c0e2f4b6d8"  # noqa: S105
# Fast hashing keeps the suite quick; the production hashers are tested in accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CPQA_AUTHORITY_CODE = "TEST"
CPQA_AUTHORITY_NAME = "Testshire"
# Each test process keeps its own indicator cache (never the files under var/).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "indicators": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ind"},
}
# Imports in tests do not start the background warming of the reports (a thread
# outliving a test); tests/ingest and tests/reports turn it on where they test it.
CPQA_REPORTS_WARM = False
