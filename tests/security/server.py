"""cpqa running for real in a subprocess: `cpqa serve` (gunicorn) on a SQLite file."""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from cpqa.config.settings.base import BASE_DIR

HOST = "cpqa.example.gov.uk"
SECRET = "test-server-only-4b9d2e7a1c5f8e3b6d0a9c2e5f7b1d4a8c3e6f9b2d5a7c0e"
DROPPED = ("SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")


def cpqa_env(db_path: Path, settings_module: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in DROPPED}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        SECRET_KEY=SECRET,
        DATABASE_URL=f"sqlite:///{db_path}",
        ALLOWED_HOSTS=HOST,
        CPQA_AUTHORITY_CODE="TEST",
        CPQA_AUTHORITY_NAME="Testshire",
        PYTHONPATH=str(BASE_DIR),
        **extra,
    )
    return env


def cpqa(*args: str, env: dict[str, str], stdin: str = "", timeout: float = 300):
    return subprocess.run(
        [sys.executable, "-m", "cpqa.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=BASE_DIR,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def cookies(self) -> SimpleCookie:
        jar = SimpleCookie()
        for value in self.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return jar

    def set_cookie_lines(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


@dataclass
class Server:
    port: int
    env: dict[str, str]
    db_path: Path
    process: subprocess.Popen
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, *, https: bool = True, body: str = "", headers=None
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": HOST, **(headers or {})}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body.encode() or None, headers=sent)
        raw = connection.getresponse()
        response = Response(raw.status, raw.headers, raw.read().decode("utf-8", "replace"))
        connection.close()
        for name, morsel in response.cookies().items():
            self.cookies[name] = morsel.value
        return response

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_server(tmp_path: Path, settings_module: str, migrated: Path, **extra_env: str) -> Server:
    """Copy a migrated SQLite file, add a councillor `council`, and serve cpqa on it."""
    db_path = tmp_path / "cpqa.sqlite3"
    shutil.copy(migrated, db_path)
    env = cpqa_env(db_path, settings_module, **extra_env)
    added = cpqa(
        "user",
        "add",
        "council",
        "--role",
        "councillor",
        "--password-stdin",
        env=env,
        stdin="a-long-enough-passphrase\n",
    )
    assert added.returncode == 0, added.stderr
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cpqa.cli",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        env=env,
        cwd=BASE_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(port, env, db_path, process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((tmp_path / "server.log").read_text())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("cpqa serve did not start within 60 seconds")
