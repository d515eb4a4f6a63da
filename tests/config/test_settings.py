"""Settings come from the environment; production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cpqa.config.settings.base import BASE_DIR, database_from_url, env_bool

STRONG_KEY = "k" * 10 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"


def run_cpqa(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    dropped = ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "cpqa.cli", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=BASE_DIR,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_cpqa("check", env={"DATABASE_URL": "sqlite:///:memory:"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set in the environment" in result.stderr
    assert "Traceback" in result.stderr or "ImproperlyConfigured" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = run_cpqa(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SECRET_KEY": STRONG_KEY,
            "DATABASE_URL": "sqlite:///:memory:",
            "ALLOWED_HOSTS": "cpqa.example.gov.uk",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_relative_sqlite_paths_are_in_the_project_folder():
    config = database_from_url("sqlite:///var/cpqa.sqlite3")
    assert Path(config["NAME"]) == BASE_DIR / "var" / "cpqa.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    absolute = database_from_url("sqlite:////tmp/elsewhere.sqlite3")
    assert absolute["NAME"] == "/tmp/elsewhere.sqlite3"


def test_postgresql_urls_are_parsed_and_others_refused():
    config = database_from_url("postgres://cpqa:pw@db.example:5433/cpqa")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "cpqa")
    with pytest.raises(ImproperlyConfigured, match="sqlite:// or postgres://"):
        database_from_url("mysql://root@localhost/cpqa")


def test_an_unknown_region_is_refused():
    result = run_cpqa(
        "check",
        env={"CPQA_REGION": "scotland", "DJANGO_SETTINGS_MODULE": "cpqa.config.settings.demo"},
    )
    assert result.returncode != 0
    assert "CPQA_REGION must be one of england, wales" in result.stderr


@pytest.mark.parametrize(
    "raw, expected",
    [("", True), ("1", True), ("true", True), (" Yes ", True), ("0", False), ("off", False)],
)
def test_a_switch_reads_true_or_false_or_its_default(monkeypatch, raw, expected):
    monkeypatch.setenv("CPQA_SWITCH", raw)
    assert env_bool("CPQA_SWITCH", True) is expected


def test_a_switch_that_is_neither_true_nor_false_is_refused(monkeypatch):
    monkeypatch.setenv("CPQA_SWITCH", "sometimes")
    with pytest.raises(ImproperlyConfigured, match="CPQA_SWITCH must be true or false"):
        env_bool("CPQA_SWITCH", True)
