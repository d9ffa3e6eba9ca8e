"""Hostile URLs through every command that takes one, as a user would give them.

``mgovern publish URL`` and ``mgovern documents --out URL`` are run through the console
script's own entry point (:func:`mgovern.cli.main`), a few also as a real process. Each
hostile URL must end in exit code 2 and exactly one line on stderr of at most 300
characters that names the problem, with no traceback, no file written, and neither the
password nor the user name anywhere in the output. Passwords and user names are
generated (with ``/``, ``#``, ``?``, ``@``, ``%2F``, ``:``, spaces, control characters
and other scripts in them) between markers, so that a leak of any part shows.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import mgovern
from mgovern.calendars.publish import Credentials, PublishJob, credentials_for, publisher_for
from mgovern.cli import main
from mgovern.urls import MAX_LENGTH, URLError, parse_url, redact

ITEMS = str(Path(mgovern.__file__).parent / "examples" / "agenda-items.toml")
MEETING = ("--group", "klg", "--date", "2026-03-17", "--items", ITEMS)
WINDOW = ("--from", "2026-03-01", "--to", "2026-03-31")
#: No credentials from the environment running the tests, and no netrc.
CLEAN_ENV: dict[str, str | None] = {
    "MGOVERN_USERNAME": None,
    "MGOVERN_PASSWORD": None,
    "MGOVERN_ORG": None,
    "NETRC": "/nonexistent/netrc",
}
#: Around every generated secret: any part of it that leaks brings one of these along.
PW_START, PW_END = "QzPw", "WpZq"
USER_START, USER_END = "QzUs", "UsZq"
MARKERS = (PW_START, PW_END, USER_START, USER_END)


@attrs.frozen
class Outcome:
    code: int | str | None
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run(*args: str, env: dict[str, str | None] | None = None) -> Outcome:
    """The ``mgovern`` console script's entry point, with stdout and stderr apart."""
    runner = CliRunner()
    code: int | str | None = 0
    with runner.isolation(env={**CLEAN_ENV, **(env or {})}) as (out, err, _):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code
    return Outcome(code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8"))


def commands(url: str) -> Iterator[tuple[str, ...]]:
    """Every command that takes a URL, with that URL."""
    yield ("publish", url, *WINDOW)
    yield ("publish", url, *WINDOW, "--dry-run", "--people")
    yield ("documents", *MEETING, "--format", "md", "--out", url)


def assert_refused(outcome: Outcome, says: str, folder: Path, secrets: Sequence[str] = ()) -> str:
    """Exit 2, one line naming the problem, nothing written, no secret; the line."""
    assert outcome.code == 2, outcome
    assert "Traceback" not in outcome.output
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, lines
    (line,) = lines
    assert line.startswith("mgovern: error: ")
    assert len(line) <= 300, len(line)
    assert says in line, line
    assert outcome.stdout == ""
    for secret in (*secrets, *MARKERS):
        if secret:
            assert secret not in outcome.output, (secret, line)
    assert list(folder.iterdir()) == [], "a file was written on a failing run"
    return line


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working folder (also the current one, for ``file:relative``)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- generated: a password (and user name) in the URL ------------------------------------
HOSTILE_CHARS = "/#?@:%[]\\ \t\n\r\x00\x1b\x7f\u00a0\u200b\u202eåäöéß日本😀+!$&'()*,;=~"
hostile = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_CHARS),
        st.sampled_from(["%2F", "%40", "%3A", "%23", "%", "://"]),
        st.characters(codec="utf-8"),
    ),
    max_size=12,
).map("".join)
#: Passwords: whatever a password manager, or a user, may come up with.
passwords = st.builds(lambda s: f"{PW_START}{s}{PW_END}", hostile)
#: User names: mostly plain, sometimes not.
usernames = st.builds(
    lambda s: f"{USER_START}{s}{USER_END}",
    st.one_of(st.from_regex(r"[a-z.\-_]{0,8}", fullmatch=True), hostile),
)
schemes = st.sampled_from(["caldav", "caldavs", "webdav", "webdavs", "file", "CALDAV", "WebDAVs"])
hosts = st.sampled_from(["cal.example.org", "127.0.0.1", "[::1]", "[2001:db8::7]", "localhost"])
ports = st.sampled_from(["", ":5232", ":8443", ":0", ":99999", ":abc", ":"])
paths = st.sampled_from(["", "/", "/kal/", "/remote.php/dav/calendars/mgovern/", "/a/b%20c/"])


@st.composite
def urls_with_a_password(draw: st.DrawFn) -> tuple[str, str, str]:
    """``(url, password, user name)``; the password may be percent-encoded, the user
    name left out, the whole userinfo in any of the forms a user may write it."""
    password, user = draw(passwords), draw(usernames)
    scheme = draw(schemes | st.sampled_from(["http", "https", "webcal", "ftp", "mgovern-x"]))
    host = draw(hosts | st.sampled_from(["kalender.exämple.se", "x", "", "[::1", "a..b"]))
    port, path = draw(ports), draw(paths)
    form = draw(st.sampled_from(["plain", "encoded", "no-user", "encoded-colon", "at-sign"]))
    if form == "plain":
        userinfo = f"{user}:{password}"
    elif form == "encoded":
        userinfo = f"{quote(user, safe='')}:{quote(password, safe='')}"
    elif form == "no-user":
        userinfo = f":{password}"
    elif form == "encoded-colon":  # "user%3Apassword": decoded, a password all the same
        userinfo = f"{quote(user, safe='')}%3A{quote(password, safe='')}"
    else:  # a password that ends in "@", then the host
        userinfo = f"{user}:{password}@"
    return f"{scheme}://{userinfo}@{host}{port}{path}", password, user


@settings(
    max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
@given(urls_with_a_password())
@example(("caldav://anna:pa/ss@cal.example.org/kal/", "pa/ss", "anna"))
@example(("caldav://anna:pa#ss@cal.example.org/kal/", "pa#ss", "anna"))
@example(("caldav://anna:pa?ss@cal.example.org/kal/", "pa?ss", "anna"))
@example(("file://anna:hemligt@host/", "hemligt", "anna"))
def test_a_password_in_the_url_is_refused_by_every_command(
    folder: Path, case: tuple[str, str, str]
) -> None:
    url, password, user = case
    for args in commands(url):
        outcome = run(*args)
        line = assert_refused(outcome, "holds a password", folder, [password, user])
        assert "MGOVERN_PASSWORD" in line  # and says where the password goes instead


@settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
@given(passwords, usernames, st.sampled_from(["caldav", "webdavs", "file"]))
def test_a_password_in_the_url_never_reaches_the_publisher(
    folder: Path, password: str, user: str, scheme: str
) -> None:
    """Also through the library: publisher_for refuses before any plugin is asked."""
    url = f"{scheme}://{user}:{password}@localhost/{folder.name}/"
    with pytest.raises(mgovern.MgovernError) as caught:
        publisher_for(url)
    message = str(caught.value)
    assert "holds a password" in message
    for secret in (password, user, *MARKERS):
        assert secret not in message
        assert secret not in repr(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


# --- hand-written: passwords hidden where urlsplit does not look --------------------------
PASSWORD_CASES = [
    # a "/", "?" or "#" in the password ends the host for urlsplit: the userinfo is in
    # the path, the query or the fragment
    "caldav://QzUsUsZq:QzPw/WpZq@cal.example.org/kal/",
    "caldavs://QzUsUsZq:QzPw?WpZq@cal.example.org/kal/",
    "webdav://QzUsUsZq:QzPw#WpZq@cal.example.org/kal/",
    "webdavs://QzUsUsZq:QzPw/?#WpZq@[::1]:8443/kal/",
    # digits before the "/": urlsplit sees host "QzUsUsZq", port 2024, path "/Summer..."
    "caldav://QzUsUsZq:2024/SummerWpZq@cal.example.org/kal/",
    # a second "@"
    "caldav://QzUsUsZq:QzPw@WpZq@cal.example.org/kal/",
    "caldav://QzUsUsZq:QzPw@x/WpZq@cal.example.org/kal/",
    # an empty password, an empty user name, both
    "caldav://QzUsUsZq:@cal.example.org/kal/",
    "caldav://:QzPwWpZq@cal.example.org/kal/",
    "caldav://:@cal.example.org/kal/",
    # percent-encoded: the colon, the slash, everything
    "caldav://QzUsUsZq%3AQzPwWpZq@cal.example.org/kal/",
    "caldav://QzUsUsZq:QzPw%2FWpZq@cal.example.org/kal/",
    "caldav://%51zUsUsZq:%51zPwWpZq@cal.example.org/kal/",
    # a full-width colon, which NFKC (and some HTTP libraries) make ASCII
    "caldav://QzUsUsZq：QzPwWpZq@cal.example.org/kal/",
    # upper case, file://, no scheme, no "//"
    "CALDAVS://QzUsUsZq:QzPwWpZq@CAL.EXAMPLE.ORG/KAL/",
    "file://QzUsUsZq:QzPwWpZq@host/",
    "file://QzUsUsZq:QzPwWpZq@localhost/tmp/x/",
    "file:QzUsUsZq:QzPwWpZq@localhost/x",
    "QzUsUsZq:QzPwWpZq@cal.example.org/kal/",
    "caldav:QzUsUsZq:QzPwWpZq@cal.example.org/kal/",
    # spaces, control and format characters, other scripts in the password
    "caldav://QzUsUsZq:QzPw WpZq@cal.example.org/kal/",
    "caldav://QzUsUsZq:QzPw\nWpZq@cal.example.org/kal/",
    "caldav://QzUsUsZq:QzPw\x1b[2JWpZq@cal.example.org/kal/",
    "caldav://QzUsUsZq:QzPw\u202eWpZq@cal.example.org/kal/",
    "caldav://QzUsUsZq:QzPw\x00WpZq@cal.example.org/kal/",
    "caldav://QzUsUsZq:QzPwlösen日本WpZq@cal.example.org/kal/",
    "caldav://QzUsUsZq:QzPw\udcffWpZq@cal.example.org/kal/",
    # the password before a host that is itself wrong: the password is refused first
    "caldav://QzUsUsZq:QzPwWpZq@cal.example.org:99999/kal/",
    "caldav://QzUsUsZq:QzPwWpZq@[::1/kal/",
    "caldav://QzUsUsZq:QzPwWpZq@/kal/",
    "mgovern-unknown://QzUsUsZq:QzPwWpZq@cal.example.org/kal/",
    "http://QzUsUsZq:QzPwWpZq@cal.example.org/kal/?token=QzPwWpZq",
    # leading and trailing whitespace, which urlsplit strips without a word
    " caldav://QzUsUsZq:QzPwWpZq@cal.example.org/kal/ ",
    # a password with "://" in it
    "caldav://QzUsUsZq:QzPw://WpZq@cal.example.org/kal/",
]


@pytest.mark.parametrize("url", PASSWORD_CASES)
def test_hand_written_passwords_are_refused(folder: Path, url: str) -> None:
    for args in commands(url):
        assert_refused(run(*args), "holds a password", folder)


# --- hand-written: other hostile URLs (no secret in them) ---------------------------------
OTHER_CASES = [
    # ports
    ("caldav://cal.example.org:99999/kal/", "the port 99999 is not a number from 1 to 65535"),
    ("caldav://cal.example.org:0/kal/", "the port 0 is not a number from 1 to 65535"),
    ("caldav://cal.example.org:-1/kal/", "the port is not a number from 1 to 65535"),
    ("caldav://cal.example.org:http/kal/", "the port is not a number from 1 to 65535"),
    ("caldav://cal.example.org:８０/kal/", "the port is not a number from 1 to 65535"),
    ("caldav://cal.example.org:" + "9" * 30 + "/", "the port is not a number"),
    ("caldav://[::1]:65536/kal/", "the port 65536 is not a number from 1 to 65535"),
    # IPv6
    ("caldav://[::1/kal/", "the IPv6 address has no closing ']'"),
    ("caldav://::1/kal/", "an IPv6 address goes in brackets"),
    ("caldav://[::1]x/kal/", "only ':port' may follow the IPv6 address"),
    ("caldav://[127.0.0.1]/kal/", "is not an IPv6 address"),
    ("caldav://[fe80::1%25eth0]/kal/", "is not an IPv6 address"),
    ("caldav://[v1.fe]/kal/", "is not an IPv6 address"),
    # hosts
    ("caldav:///kal/", "no host"),
    ("webdavs://", "no host"),
    ("caldav://cal..example.org/kal/", "the host name has an empty part"),
    ("caldav://" + "a" * 64 + ".example.org/", "longer than 63 characters"),
    ("caldav://cal_example!org/kal/", "the host name may hold only letters"),
    ("caldav://ho%73t/kal/", "the host name may hold only letters"),
    ("caldav://cal.example.org\\kal/", "the host name may hold only letters"),
    # whitespace, control and format characters
    ("caldav://cal.example.org/my kal/", "holds a space at character 28"),
    (" caldav://cal.example.org/kal/", "holds a space at character 1"),
    ("caldav://cal.example.org/kal/\n", "a control character (U+000A)"),
    ("caldav://cal.exa\tmple.org/kal/", "a control character (U+0009)"),
    ("caldav://cal.example.org/\x1b]0;pwned\x07/", "a control character (U+001B)"),
    ("caldav://cal.example.org/\u202ekal/", "a control character (U+202E)"),
    ("caldav://cal.example.org/\u200b/", "a control character (U+200B)"),
    ("caldav://cal.example.org/\u3000/", "a space character (U+3000)"),
    ("caldav://cal.example.org/\udcff/", "a control character (U+DCFF)"),
    ("caldav://cal.example.org/\x00/", "a control character (U+0000)"),
    # escapes
    ("file:///tmp/100%/", "a '%' in the path starts no escape"),
    ("caldav://cal.example.org/%zz/", "a '%' in the path starts no escape"),
    ("caldav://cal.example.org/%00/", "escaped control character"),
    ("caldav://cal.example.org/a%0Ab/", "escaped control character"),
    ("caldav://cal.example.org/%ff/", "escapes are not UTF-8"),
    ("caldav://%zz@cal.example.org/", "a '%' in the user name starts no escape"),
    ("caldav://%0A@cal.example.org/", "the user name holds an escaped control character"),
    ("caldav://@cal.example.org/", "an empty user name"),
    # queries and fragments
    ("caldav://cal.example.org/kal/?x=1", "has no query ('?...') or fragment"),
    ("webdav://cal.example.org/kal/#top", "has no query ('?...') or fragment"),
    ("file:///tmp/x?y", "has no query ('?...') or fragment"),
    # an "@" after the host, which may end a user name
    ("caldav://cal.example.org/kal/anna@example.org/", "an '@' after the host"),
    ("webdav://QzUsUsZq/x@cal.example.org/", "an '@' after the host"),
    ("QzUsUsZq@cal.example.org:/kal/", "has an '@' but no scheme://host"),
    # schemes
    ("", "the URL is empty"),
    ("/srv/kalendrar", "has no scheme: write a URL such as file:///srv/kalendrar"),
    ("kalendrar", "has no scheme"),
    ("C:\\kalendrar", "has no scheme"),
    ("://cal.example.org/", "has no scheme"),
    ("localhost:8080/dav/", "has no '//' after 'localhost:'"),
    ("caldav:cal.example.org/kal/", "has no '//' after 'caldav:'"),
    ("mgovern-unknown://cal.example.org/", "no publisher for mgovern-unknown://"),
    ("http://cal.example.org/kal/", "for a WebDAV folder write webdav://"),
    ("https://cal.example.org/kal/", "write webdavs://"),
    ("webcal://cal.example.org/kal.ics", "webcal:// is how people subscribe"),
    ("x" * 70 + "://cal.example.org/", "has no scheme"),
    # file:// that is not a folder here
    ("file://otherhost/srv/kalendrar", "file:// names a folder on this machine"),
    ("file://QzUsUsZq@localhost/srv/", "leave out the user name"),
    ("file://", "file:// without a folder"),
    ("file://localhost", "file:// without a folder"),
    # too long
    ("caldav://cal.example.org/" + "k" * MAX_LENGTH, f"at most {MAX_LENGTH} are taken"),
]


@pytest.mark.parametrize(("url", "says"), OTHER_CASES)
def test_other_hostile_urls_are_one_line(folder: Path, url: str, says: str) -> None:
    for args in commands(url):
        assert_refused(run(*args), says, folder)


@settings(
    max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
@given(
    st.text(
        alphabet=st.sampled_from(HOSTILE_CHARS + "abc.-/:[]%0123456789"), min_size=0, max_size=40
    )
)
def test_garbage_after_the_scheme_is_one_line_or_a_url(folder: Path, garbage: str) -> None:
    """Anything after ``caldav://``: a checked URL, or one line and exit 2 — never a
    traceback, and never an "@" that slipped through."""
    url = f"caldav://{garbage}"
    try:
        parsed = parse_url(url)
    except URLError as exc:
        message = str(exc)
    else:
        message = ""
    if message:
        outcome = run("publish", url, *WINDOW)
        assert_refused(outcome, message[:40], folder)
        return
    assert "@" not in parsed.text
    assert parsed.host
    assert parsed.port is None or 1 <= parsed.port <= 65535


# --- a real process, as in a shell ---------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "caldav://QzUsUsZq:QzPw/WpZq@cal.example.org/kal/",
        "file://QzUsUsZq:QzPwWpZq@localhost/srv/",
        "webdavs://QzUsUsZq:QzPw#WpZq@cal.example.org/",
    ],
)
def test_as_a_process(tmp_path: Path, url: str) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MGOVERN_")}
    for args in commands(url):
        done = subprocess.run(
            [sys.executable, "-m", "mgovern", *args],
            env={**environ, "NETRC": "/nonexistent/netrc"},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        outcome = Outcome(done.returncode, done.stdout, done.stderr)
        assert_refused(outcome, "holds a password", tmp_path)


# --- what works ----------------------------------------------------------------------------
SMALL_ORG = """
id = "bolaget"
name = "Bolaget AB"
people = [{ id = "anna", name = "Anna Berg" }]

[[groups]]
id = "lg"
name = "Ledningsgrupp"
chair = "anna"

[[groups.cycles]]
id = "vecka"
name = "Veckomöte"
rule = "every week on tuesday"
time = "09:00"
first = 2026-01-13
"""


def small_org(folder: Path) -> str:
    path = folder / "org.toml"
    path.write_text(SMALL_ORG, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "form",
    ["file://{path}", "FILE://{path}", "file://localhost{path}", "File://LOCALHOST{path}"],
)
def test_file_urls_still_publish(folder: Path, form: str) -> None:
    target = folder / "kal ender"
    url = form.format(path=quote(str(target)))
    org = ("--org", small_org(folder))
    done = run("publish", url, *WINDOW, *org)
    assert done.code == 0, done.stderr
    assert (target / "groups" / "lg.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert (target / "people" / "anna.ics").is_file()
    assert (target / "all.ics").is_file()
    assert done.stdout.splitlines()[-1].endswith(" 0 conflict")

    again = run("publish", url, *WINDOW, *org)
    assert again.code == 0
    assert " 0 created, 0 updated" in " " + again.stdout


def test_documents_to_a_file_url_and_a_relative_one(folder: Path) -> None:
    done = run("documents", *MEETING, "--out", (folder / "dok").as_uri())
    assert done.code == 0, done.stderr
    assert (folder / "dok" / "klg" / "2026-03-17" / "kallelse.md").is_file()
    relative = run("documents", *MEETING, "--out", "file:rel/dok")
    assert relative.code == 0, relative.stderr
    assert (folder / "rel" / "dok" / "klg" / "2026-03-17" / "kallelse.md").is_file()


def test_an_at_sign_in_a_file_path_and_escaped_in_others(folder: Path) -> None:
    done = run("publish", f"file://{folder}/anna@example.org/", *WINDOW, "--org", small_org(folder))
    assert done.code == 0, done.stderr
    assert (folder / "anna@example.org" / "all.ics").is_file()
    parsed = parse_url("caldavs://cal.example.org/dav/calendars/anna%40example.org/")
    assert parsed.path == "/dav/calendars/anna%40example.org/"


@pytest.mark.parametrize(
    ("url", "text", "host", "port"),
    [
        (
            "caldavs://cal.example.org/kal/",
            "caldavs://cal.example.org/kal/",
            "cal.example.org",
            None,
        ),
        (
            "CALDAV://Cal.Example.org:8443/k",
            "caldav://Cal.Example.org:8443/k",
            "Cal.Example.org",
            8443,
        ),
        ("caldav://[::1]:5232/anna/", "caldav://[::1]:5232/anna/", "::1", 5232),
        ("caldav://[2001:DB8:0::7]/", "caldav://[2001:db8::7]/", "2001:db8::7", None),
        (
            "webdav://kalender.exämple.se/d/",
            "webdav://kalender.exämple.se/d/",
            "kalender.exämple.se",
            None,
        ),
        ("webdav://host:/d/", "webdav://host/d/", "host", None),
        (
            "caldav://anna@cal.example.org/kal/",
            "caldav://cal.example.org/kal/",
            "cal.example.org",
            None,
        ),
        ("file:///srv/a%20b/", "file:///srv/a%20b/", "", None),
        ("file:rel/x", "file:rel/x", "", None),
    ],
)
def test_valid_urls_parse(url: str, text: str, host: str, port: int | None) -> None:
    parsed = parse_url(url)
    assert (parsed.text, parsed.host, parsed.port) == (text, host, port)
    assert parsed.parts().netloc.rpartition("@")[0] == ""  # plugins never see a user


def test_a_user_name_alone_is_used_for_credentials_and_never_shown() -> None:
    parsed = parse_url("caldavs://QzUs%40UsZq@cal.example.org/kal/")  # user@example.org
    assert parsed.username == "QzUs@UsZq"
    assert USER_START not in repr(parsed) + parsed.text + str(parsed.parts())
    found = credentials_for(parsed, environ={"MGOVERN_PASSWORD": "QzPwWpZq"})
    assert found is not None
    assert (found.username, found.password) == ("QzUs@UsZq", "QzPwWpZq")
    assert found.who == "the user named in the URL"
    assert USER_START not in repr(found)
    assert PW_START not in repr(found)
    # MGOVERN_USERNAME wins over the URL's user name, and may be named
    env = {"MGOVERN_USERNAME": "anna", "MGOVERN_PASSWORD": "QzPwWpZq"}
    assert credentials_for(parsed, environ=env) == Credentials("anna", "QzPwWpZq")
    assert Credentials("anna", "x").who == "user 'anna'"


def test_credentials_from_netrc(tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine cal.example.org login anna password QzPwWpZq\n", "utf-8")
    netrc.chmod(0o600)
    parsed = parse_url("caldavs://cal.example.org/kal/")
    found = credentials_for(parsed, environ={"NETRC": str(netrc)})
    assert found == Credentials("anna", "QzPwWpZq")
    assert credentials_for(parse_url("caldavs://other.example.org/"), {"NETRC": str(netrc)}) is None


def test_a_job_never_keeps_a_user_name_in_its_url() -> None:
    day, org = dt.date(2026, 3, 17), mgovern.loads('id = "x"\nname = "X"\n')
    job = PublishJob(org, "caldavs://QzUsUsZq@cal.example.org/kal/", day, day)
    assert job.url == "caldavs://***@cal.example.org/kal/"
    job = PublishJob(org, parse_url("caldavs://QzUsUsZq@cal.org/kal/"), day, day)
    assert job.url == "caldavs://cal.org/kal/"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://QzUsUsZq:QzPwWpZq@host/x?token=QzPw", "https://***@host/x"),
        ("https://QzUsUsZq:QzPw/WpZq@host/x", "https://***"),
        ("https://host:99999/x", "https://host:99999/x"),  # never raises, unlike urlsplit
        ("/dav/x/?a=b", "/dav/x/"),
        ("QzUsUsZq@host", "***"),
        ("http://host/\x1b[2J", "http://host/?[2J"),
    ],
)
def test_redact_never_fails_and_never_shows_userinfo(text: str, shown: str) -> None:
    assert redact(text) == shown
