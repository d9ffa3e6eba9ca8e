"""``mgovern documents`` end to end, as a user runs it, to a folder and to WsgiDAV."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

import mgovern
from mgovern.cli import build_cli

ITEMS = str(Path(mgovern.__file__).parent / "examples" / "agenda-items.toml")


def documents(*args: str, env: dict[str, str] | None = None) -> Result:
    command = ["documents", "--group", "klg", "--date", "2026-03-17", "--items", ITEMS, *args]
    environment = {"MGOVERN_USERNAME": "", "MGOVERN_PASSWORD": "", "NETRC": "/nonexistent"}
    environment.update(env or {})
    return CliRunner().invoke(build_cli(), command, env=environment, catch_exceptions=False)


def test_docx_to_a_folder_twice(tmp_path: Path) -> None:
    url = (tmp_path / "dokument").as_uri()
    first = documents("--kind", "notice", "--format", "docx", "--out", url)
    assert first.exit_code == 0, first.output
    assert "skapad: klg/2026-03-17/kallelse.docx" in first.stdout
    assert first.stdout.rstrip().endswith(
        "1 skapade, 0 uppdaterade, 0 raderade, 0 oförändrade, 0 konflikter"
    )
    written = tmp_path / "dokument" / "klg" / "2026-03-17" / "kallelse.docx"
    assert zipfile.is_zipfile(written)
    before = written.stat().st_mtime_ns

    second = documents("--kind", "notice", "--format", "docx", "--out", url)
    assert second.exit_code == 0
    assert second.stdout == "0 skapade, 0 uppdaterade, 0 raderade, 1 oförändrade, 0 konflikter\n"
    assert written.stat().st_mtime_ns == before


def test_html_minutes_to_a_folder(tmp_path: Path) -> None:
    url = tmp_path.as_uri()
    result = documents("--kind", "minutes", "--format", "html", "--out", url)
    assert result.exit_code == 0
    page = (tmp_path / "klg" / "2026-03-17" / "motesanteckningar.html").read_text("utf-8")
    assert page.startswith('<!DOCTYPE html>\n<html lang="sv">')


def test_docx_to_webdav_twice(dav: Any) -> None:
    env = {"MGOVERN_USERNAME": dav.user, "MGOVERN_PASSWORD": dav.password}
    first = documents("--format", "docx", "--out", dav.url, env=env)
    assert first.exit_code == 0, first.output
    assert "skapad: klg/2026-03-17/kallelse.docx" in first.stdout
    second = documents("--format", "docx", "--out", dav.url, env=env)
    assert second.exit_code == 0
    assert second.stdout.endswith("1 oförändrade, 0 konflikter\n")

    # changed on the server: left alone, exit 1; --force overwrites
    (dav.root / "klg" / "2026-03-17" / "kallelse.docx").write_bytes(b"changed there")
    kept = documents("--format", "docx", "--out", dav.url, env=env)
    assert kept.exit_code == 1
    assert "KONFLIKT" in kept.stdout
    assert "1 konflikter" in kept.stdout
    forced = documents("--format", "docx", "--out", dav.url, "--force", env=env)
    assert forced.exit_code == 0
    assert "uppdaterad: klg/2026-03-17/kallelse.docx" in forced.stdout


def test_wrong_password_is_one_line_without_it(dav: Any) -> None:
    secret = "inte-rätt-lösen"
    result = documents(
        "--format",
        "html",
        "--out",
        dav.url,
        env={"MGOVERN_USERNAME": dav.user, "MGOVERN_PASSWORD": secret},
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"mgovern: error: {dav.url}klg/2026-03-17/kallelse.html: 401")
    assert secret not in result.output
    assert secret not in result.stderr


def test_calendars_by_url(dav: Any) -> None:
    env = {"MGOVERN_USERNAME": dav.user, "MGOVERN_PASSWORD": dav.password}
    command = ["publish", dav.url, "--from", "2026-03-01", "--to", "2026-03-31"]
    runner = CliRunner()
    first = runner.invoke(build_cli(), command, env=env, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "skapad: groups/klg.ics" in first.stdout
    assert (dav.root / "all.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    second = runner.invoke(build_cli(), command, env=env, catch_exceptions=False)
    assert " 0 skapade, 0 uppdaterade" in " " + second.stdout


def test_a_user_name_in_the_url_and_the_password_from_the_environment(dav: Any) -> None:
    with_user = dav.url.replace("://", f"://{dav.user}@")
    result = documents(
        "--format", "html", "--out", with_user, env={"MGOVERN_PASSWORD": dav.password}
    )
    assert result.exit_code == 0, result.output
    assert (dav.root / "klg" / "2026-03-17" / "kallelse.html").is_file()
    assert dav.user not in result.stdout + result.stderr  # never shown, though accepted

    wrong = documents("--format", "html", "--out", with_user, env={"MGOVERN_PASSWORD": "fel"})
    assert wrong.exit_code == 2
    assert dav.user not in wrong.stdout + wrong.stderr


def test_a_password_in_the_url_is_refused_before_anything_is_sent(dav: Any) -> None:
    host = f"{dav.host}:{dav.port}"
    for userinfo in (
        f"{dav.user}:{dav.password}@",
        f"{dav.user}:hem/ligt@",
        f"{dav.user}:hem#ligt@",
        f"{dav.user}:hem?ligt@",
        f"{dav.user}:hem@ligt@",
        f"{dav.user}%3Ahemligt@",
        f"{dav.user}:@",
    ):
        url = dav.url.replace(f"://{host}", f"://{userinfo}{host}")
        result = documents("--format", "docx", "--out", url, env={"MGOVERN_PASSWORD": "x"})
        assert result.exit_code == 2, url
        (line,) = result.stderr.splitlines()
        assert "holds a password" in line
        assert len(line) <= 300
        assert dav.user not in result.stdout + result.stderr
        assert "hemligt" not in result.stdout + result.stderr
        assert "ligt" not in result.stdout + result.stderr
        assert list(dav.root.iterdir()) == []  # nothing written, not even a folder
