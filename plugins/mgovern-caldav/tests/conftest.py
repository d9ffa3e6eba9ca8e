"""A real Radicale server for the tests: htpasswd auth, a temp folder, a free port.

``radicale`` (session-wide) starts ``python -m radicale --config FILE`` on 127.0.0.1 and
waits until it answers; ``account`` adds a fresh user with a random password (Radicale
reads the htpasswd file on every login), so every test publishes into an empty calendar
home. Everything the tests capture (output, logs, error messages, the server's log) is
checked for every password at the end of each test and of the session.
"""

from __future__ import annotations

import http.client
import importlib.util
import logging
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from attrs import define, field, frozen


@frozen
class Account:
    username: str
    password: str = field(repr=False)
    url: str  # caldav://127.0.0.1:PORT/USER/
    http_url: str  # http://127.0.0.1:PORT/USER/


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _hashed(password: str) -> str:
    """An htpasswd entry Radicale checks without extra dependencies, quickly."""
    try:
        from passlib.hash import sha512_crypt  # Radicale depends on (lib)pass
    except ImportError:  # pragma: no cover
        return password  # htpasswd_encryption = plain
    return str(sha512_crypt.using(rounds=1000).hash(password))


@define
class Radicale:
    folder: Path
    port: int = field(factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    passwords: list[str] = field(factory=list)
    starts: int = 0

    @property
    def log(self) -> Path:
        return self.folder / "radicale.log"

    @property
    def users(self) -> Path:
        return self.folder / "users"

    def configure(self) -> Path:
        try:
            import passlib  # noqa: F401

            encryption = "sha512"
        except ImportError:  # pragma: no cover
            encryption = "plain"
        self.users.touch()
        config = self.folder / "config"
        config.write_text(
            f"""[server]
hosts = 127.0.0.1:{self.port}
[auth]
type = htpasswd
htpasswd_filename = {self.users}
htpasswd_encryption = {encryption}
delay = 0
[storage]
filesystem_folder = {self.folder / "collections"}
[logging]
level = info
""",
            encoding="utf-8",
        )
        return config

    def start(self) -> None:
        if importlib.util.find_spec("radicale") is None:
            pytest.fail(  # not a skip: these tests are the proof against a real server
                "Radicale is not installed; install the test extra: "
                "pip install -e './plugins/mgovern-caldav[test]'",
                pytrace=False,
            )
        config = self.configure()
        self.starts += 1
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "radicale", "--config", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
            )
        deadline = time.monotonic() + 300  # a limit for a busy machine: it waits for the answer
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Radicale exited: {self.log.read_text(errors='replace')}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("OPTIONS", "/")
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("Radicale did not answer within 300 s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.process.kill()
            self.process.wait()
        self.process = None

    def account(self, username: str | None = None) -> Account:
        username = username or f"u{secrets.token_hex(4)}"
        password = f"pw-{secrets.token_urlsafe(18)}"
        self.passwords.append(password)
        with self.users.open("a", encoding="utf-8") as users:
            users.write(f"{username}:{_hashed(password)}\n")
        host = f"127.0.0.1:{self.port}"
        return Account(
            username, password, f"caldav://{host}/{username}/", f"http://{host}/{username}/"
        )


@pytest.fixture(scope="session")
def captured() -> list[str]:
    """Every text the tests saw (output, logs, messages), checked for passwords."""
    return []


@pytest.fixture(scope="session")
def passwords() -> list[str]:
    """Every password the tests used, right or wrong."""
    return []


@pytest.fixture(scope="session")
def radicale(
    tmp_path_factory: pytest.TempPathFactory, captured: list[str], passwords: list[str]
) -> Iterator[Radicale]:
    server = Radicale(tmp_path_factory.mktemp("radicale"), passwords=passwords)
    server.start()
    yield server
    server.stop()
    _assert_no_password(passwords, [*captured, server.log.read_text(errors="replace")])


@pytest.fixture
def account(radicale: Radicale) -> Account:
    return radicale.account()


@pytest.fixture
def own_radicale(tmp_path: Path, captured: list[str], passwords: list[str]) -> Iterator[Radicale]:
    """A server of the test's own, to stop and restart."""
    server = Radicale(tmp_path / "radicale", passwords=passwords)
    server.folder.mkdir()
    server.start()
    yield server
    server.stop()
    _assert_no_password(passwords, [*captured, server.log.read_text(errors="replace")])


@pytest.fixture(autouse=True)
def _no_password_leaks(
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    captured: list[str],
    passwords: list[str],
) -> Iterator[None]:
    """Log everything (DEBUG, the caldav and HTTP libraries too) and check it afterwards."""
    caplog.set_level(logging.DEBUG)
    yield
    out, err = capfd.readouterr()
    formatter = logging.Formatter()
    logged = "\n".join(
        formatter.format(record)
        for when in ("setup", "call")
        for record in caplog.get_records(when)  # type: ignore[arg-type]
    )
    texts = [out, err, logged]
    captured.extend(texts)
    sys.stdout.write(out)
    sys.stderr.write(err)
    _assert_no_password(passwords, texts)


def _assert_no_password(passwords: list[str], texts: list[str]) -> None:
    for password in passwords:
        for text in texts:
            assert password not in text, "a password appeared in captured output or logs"
