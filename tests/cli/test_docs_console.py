"""The ```console blocks of README.md, docs/*.md and plugins/*/README.md, run and compared.

A console block is a terminal transcript, and this module holds it to what a user would
see, so that the documented output cannot drift from the real one:

- A line ``$ command`` is a command (a line ending in ``\\`` continues it); the lines up
  to the next ``$ `` are its expected output, stdout and stderr interleaved as a terminal
  shows them (each command runs as ``bash -c 'command' 2>&1``, a shell of its own: an
  ``export`` or ``cd`` would change nothing for the next command and is refused).
- A block's commands run one after another in a fresh temporary folder of their own, so
  an earlier command writes the files a later one reads. The folder has ``src`` and
  ``plugins`` of the repository (symlinks, for ``--items src/mgovern/...``) and an empty
  ``docs/images``; HOME is the folder too (no ~/.netrc, nothing written elsewhere);
  mgovern is the console script beside ``sys.executable``. Blocks run in parallel.
- ``SOURCE_DATE_EPOCH`` is 2026-06-01 (mgovern's "today", see docs/calendars.md), so
  the default window "this year and next" is 2026-01-01..2027-12-31 on any day.
- Comparing: trailing spaces and trailing empty lines are ignored. A line ``...`` matches
  any number of lines (also none); ``...`` inside a line matches any text in that line
  (``{...}`` in an error message still matches itself). A traceback never matches.
- ``$ cat FILE`` of a FILE that does not exist yet creates FILE with the shown output
  first: a block shows the input it then uses.
- ``<!-- console: file NAME -->`` right before a fenced block (of any language) writes
  that block's text to NAME in the folder of every console block of the same page (the
  nearest such block before the console block, else the first after it).
- ``<!-- console: continue -->`` right before a console block runs it after the block
  above on the page, in that block's folder (a page that goes on with the same files).
- ``<!-- console: needs PROGRAM ... -->`` right before a console block skips it when
  one of the programs (say ``jq``) is not installed, and runs it when all are.
- ``<!-- console: webdav-server ADDRESS USER:PASSWORD FOLDER/ ... -->`` right before a
  console block starts a WebDAV server (WsgiDAV, basic authentication) with these empty
  folders for the block and the blocks that continue it; ADDRESS (``127.0.0.1:8080``) in
  the commands and the output stands for the server's real address, on a free port.
- ``<!-- console: skip (REASON) -->`` right before a console block skips it (installs,
  real servers, root); ``pytest -rs`` lists each skipped block with its reason. A block
  without a directive must run here. Directives go on lines of their own, several may
  stand one above the other.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted(ROOT.glob("plugins/*/README.md")),
]
TODAY_EPOCH = "1780272000"  # 2026-06-01T00:00Z
COMMAND_TIMEOUT = 600  # a limit for a busy machine (blocks run in parallel), not a measure

FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
DIRECTIVE = re.compile(
    r"^\s*<!--\s*console:\s*(?P<word>skip|file|continue|needs|webdav-server)\b\s*(?P<rest>.*?)\s*-->\s*$"
)


@dataclass
class Command:
    text: str
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    commands: list[Command]
    skip: str | None
    files: dict[str, str]  # name -> text, written before the first command
    continues: bool = False  # runs after the block above, in its folder
    server: str = ""  # "ADDRESS USER:PASSWORD FOLDER/...": a WebDAV server to start first

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


@dataclass
class _Fenced:
    line: int
    info: str
    body: list[str]
    directives: list[tuple[str, str]]


def _fenced_blocks(lines: Sequence[str]) -> Iterator[_Fenced]:
    """Every fenced block of a page, with the console directives right before it."""
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        directives: list[tuple[str, str]] = []
        above = index - 1
        while above >= 0 and not lines[above].strip():
            above -= 1
        while above >= 0 and lines[above].lstrip().startswith("<!-- console"):
            found = DIRECTIVE.match(lines[above])
            assert found, f"line {above + 1}: not a console directive: {lines[above]!r}"
            directives.insert(0, (found["word"], found["rest"]))
            above -= 1
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            closing = FENCE.match(lines[end])
            if (
                closing is not None
                and closing["fence"].startswith(fence[0])
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            body.append(lines[end][indent:] if lines[end][:indent].isspace() else lines[end])
            end += 1
        yield _Fenced(index + 1, opening["info"].strip(), body, directives)
        index = end + 1


def _commands(body: Sequence[str], where: str) -> list[Command]:
    commands: list[Command] = []
    continuing = False
    for line in body:
        if continuing:
            commands[-1].text += "\n" + line
            continuing = line.endswith("\\")
        elif line.startswith("$ "):
            commands.append(Command(line[2:]))
            continuing = line.endswith("\\")
        elif commands:
            commands[-1].expected.append(line)
        elif line.strip():
            raise AssertionError(f"{where}: output before the first '$ ' command: {line!r}")
    return commands


def _skip_reason(rest: str, where: str) -> str:
    reason = re.fullmatch(r"\((.+)\)", rest)
    if reason is None:
        raise AssertionError(f"{where}: write <!-- console: skip (the reason) -->")
    return reason[1]


def parse(page: Path) -> list[Block]:
    """The console blocks of a page, with their skip reasons and files."""
    return _parse_text(page.read_text(encoding="utf-8"), page)


def _parse_text(text: str, page: Path) -> list[Block]:
    lines = text.splitlines()
    fenced = list(_fenced_blocks(lines))
    declared: list[tuple[int, str, str]] = []  # (line, name, text)
    for block in fenced:
        for word, name in block.directives:
            if word != "file":
                continue
            where = f"{page.relative_to(ROOT)}:{block.line}"
            assert re.fullmatch(r"[\w.-]+", name), f"{where}: console: file needs a file name"
            declared.append((block.line, name, "\n".join(block.body) + "\n"))
    blocks = []
    for block in fenced:
        if block.info.split()[:1] != ["console"]:
            continue
        where = f"{page.relative_to(ROOT)}:{block.line}"
        skip, continues, server = None, False, ""
        for word, rest in block.directives:
            assert word != "file", f"{where}: 'console: file' is for the blocks of files"
            if word == "skip":
                skip = _skip_reason(rest, where)
            continues = continues or word == "continue"
            missing = [tool for tool in rest.split() if shutil.which(tool) is None]
            if word == "needs" and missing and skip is None:
                skip = f"needs {', '.join(missing)}, which is not installed here"
            server = rest if word == "webdav-server" else server
            assert not continues or blocks, f"{where}: no console block above to continue"
        if continues and blocks[-1].skip is not None and skip is None:
            skip = f"continues {blocks[-1].id}, which is skipped: {blocks[-1].skip}"
        files: dict[str, str] = {}
        for name in dict.fromkeys(name for _, name, _ in declared):
            candidates = [(ln, text) for ln, n, text in declared if n == name]
            earlier = [text for ln, text in candidates if ln < block.line]
            files[name] = earlier[-1] if earlier else candidates[0][1]
        commands = _commands(block.body, where)
        blocks.append(Block(page, block.line, commands, skip, files, continues, server))
    return blocks


def _line_matches(pattern: str, line: str) -> bool:
    if "..." not in pattern:
        return pattern == line
    parts = [re.escape(part) for part in pattern.split("...")]
    return re.fullmatch(".*".join(parts), line) is not None


def matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """``expected`` against ``actual``, a line ``...`` standing for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return (
        bool(actual) and _line_matches(expected[0], actual[0]) and matches(expected[1:], actual[1:])
    )


def _normalised(lines: Sequence[str]) -> list[str]:
    cleaned = [line.rstrip() for line in lines]
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    return cleaned


def _environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MGOVERN_", "PYTEST_", "COV_")) and key not in ("NETRC",)
    }
    bin_dir = str(Path(sys.executable).parent)
    env.update(
        PATH=os.pathsep.join([bin_dir, env.get("PATH", os.defpath)]),
        SOURCE_DATE_EPOCH=TODAY_EPOCH,
        LC_ALL="C.UTF-8",
        PYTHONIOENCODING="utf-8",
        COLUMNS="80",
        NO_COLOR="1",
    )
    return env


def _prepare(folder: Path, block: Block) -> None:
    for name in ("src", "plugins"):
        (folder / name).symlink_to(ROOT / name, target_is_directory=True)
    (folder / "docs" / "images").mkdir(parents=True)
    for name, text in block.files.items():
        (folder / name).write_text(text, encoding="utf-8")


def _shown_file(command: Command, folder: Path) -> Path | None:
    """The FILE of ``cat FILE`` when it does not exist yet (``~`` is the block's folder)."""
    words = shlex.split(command.text) if "\n" not in command.text else []
    if len(words) == 2 and words[0] == "cat":
        name = words[1].removeprefix("~/")
        path = folder / name
        if not path.exists() and not Path(name).is_absolute():
            return path
    return None


@contextmanager
def _webdav_server(spec: str, folder: Path) -> Iterator[tuple[str, str]]:
    """WsgiDAV on a free port for ``ADDRESS USER:PASSWORD FOLDER/...``: (shown, real)."""
    from mgovern.testing.webdav import webdav_server

    shown, credentials, *folders = spec.split()
    user, password = credentials.split(":", 1)
    root = folder.parent / f"{folder.name}-webdav"
    for name in folders:
        (root / name).mkdir(parents=True)
    with webdav_server({"/": root}, user, password) as (host, port):
        yield shown, f"{host}:{port}"


def run_session(blocks: Sequence[Block], folder: Path) -> dict[str, list[str]]:
    """Blocks that continue one another, in one folder: each block's problems."""
    _prepare(folder, blocks[0])
    with ExitStack() as stack:
        address = ("", "")
        if blocks[0].server:
            address = stack.enter_context(_webdav_server(blocks[0].server, folder))
        return {block.id: run_block(block, folder, address) for block in blocks}


def run_block(block: Block, folder: Path, address: tuple[str, str] = ("", "")) -> list[str]:
    """Each difference between a command's shown and real output, as a readable text.

    ``address``: a server's address as the page shows it, and the real one, put in its
    place in the commands and back in the output.
    """
    env = {**_environment(), "HOME": str(folder)}  # no ~/.netrc, nothing written home
    problems = []
    for shown_command in block.commands:
        command = shown_command
        if address[0]:
            command = Command(command.text.replace(*address), command.expected)
        if re.match(r"(export|cd|source|\.)\s", command.text):
            problems.append(
                f"$ {command.text}\nruns in a shell of its own and changes nothing for the "
                "next command: write VAR=value before a command, or join commands with &&"
            )
            continue
        shown = _shown_file(command, folder)
        if shown is not None:
            shown.parent.mkdir(parents=True, exist_ok=True)
            shown.write_text("\n".join(command.expected).rstrip("\n") + "\n", encoding="utf-8")
        done = subprocess.run(
            ["bash", "-c", command.text + "\n"],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        printed = done.stdout.decode("utf-8", "replace")
        if address[0]:
            printed = printed.replace(address[1], address[0])
        actual = _normalised(printed.splitlines())
        expected = _normalised(command.expected)
        traceback = any(line.startswith("Traceback (most recent call last)") for line in actual)
        if traceback or not matches(expected, actual):
            diff = difflib.unified_diff(
                expected, actual, "shown in the docs", f"printed (exit {done.returncode})", n=2
            )
            problems.append(
                f"$ {shown_command.text}\n" + "\n".join(line.rstrip("\n") for line in diff)
            )
    return problems


BLOCKS = [block for page in PAGES for block in parse(page)]


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[str]]:
    """The problems of every selected block that runs, the blocks run in parallel."""
    selected = [
        item.callspec.params["block"]
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_console_block"
        and hasattr(item, "callspec")
    ]
    sessions: list[list[Block]] = []
    for block in BLOCKS:  # a block the selected ones continue runs too
        if block.continues and sessions:
            sessions[-1].append(block)
        else:
            sessions.append([block])
    wanted = {block.id for block in selected}
    sessions = [
        session
        for session in sessions
        if any(block.id in wanted for block in session)
        and all(block.skip is None and block.commands for block in session)
    ]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        futures = [
            pool.submit(run_session, session, tmp_path_factory.mktemp("console"))
            for session in sessions
        ]
        return {name: problems for future in futures for name, problems in future.result().items()}


@pytest.mark.parametrize("block", BLOCKS, ids=[block.id for block in BLOCKS])
def test_console_block(block: Block, outcomes: dict[str, list[str]]) -> None:
    if block.skip is not None:
        pytest.skip(f"{block.id}: {block.skip}")
    assert block.commands, f"{block.id}: a console block without a '$ ' command"
    assert block.id in outcomes, f"{block.id}: continues a block that is skipped"
    problems = outcomes[block.id]
    assert not problems, f"{block.id}: the output differs from the docs\n\n" + "\n\n".join(problems)


def test_every_page_is_read() -> None:
    assert len(BLOCKS) >= 30, "the console blocks were not found"
    assert any(block.skip for block in BLOCKS)


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        (["a", "...", "d"], ["a", "b", "c", "d"], True),
        (["a", "...", "d"], ["a", "d"], True),
        (["a", "...", "d"], ["a", "b"], False),
        (["...", "x"], ["x"], True),
        (["3 passed in ...s"], ["3 passed in 1.25s"], True),
        (["3 passed in ...s"], ["2 passed in 1.25s"], False),
        (["a"], ["a", "b"], False),
        ([], [], True),
    ],
)
def test_matching(expected: list[str], actual: list[str], ok: bool) -> None:
    assert matches(expected, actual) is ok


def _mgovern(*args: str, epoch: str | None) -> subprocess.CompletedProcess[str]:
    env = _environment()
    if epoch is None:
        env.pop("SOURCE_DATE_EPOCH")
    else:
        env["SOURCE_DATE_EPOCH"] = epoch
    script = Path(sys.executable).parent / "mgovern"
    return subprocess.run(
        [str(script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


def test_source_date_epoch_sets_today(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mgovern import clock

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")
    assert str(clock.today()) == "2026-06-01"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1798761599")  # 2026-12-31T23:59:59Z
    assert str(clock.today()) == "2026-12-31"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert clock.today() == dt.date.today()
    done = _mgovern("calendars", "--out", str(tmp_path / "c"), epoch="1830297600")  # 2028-01
    assert "för 2028-01-01..2029-12-31" in done.stdout + done.stderr


@pytest.mark.parametrize("epoch", ["yesterday", "-5", "1.5", "9" * 30])
def test_a_bad_source_date_epoch_is_one_line(epoch: str, tmp_path: Path) -> None:
    done = _mgovern("calendars", "--out", str(tmp_path / "c"), epoch=epoch)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith("mgovern: error: SOURCE_DATE_EPOCH: ")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "c").exists()


PAGE = """\
Intro.

<!-- console: file org.toml -->
```toml
id = "x"
```

```console
$ cat org.toml
id = "x"
$ mgovern validate \\
    --org org.toml
...
```

<!-- console: needs no-such-program-here -->
```console
$ jq .
```

<!-- console: continue -->
```console
$ true
```

<!-- console: skip (needs a server) -->
```console
$ curl https://example.com/
```
"""


def test_parse_reads_commands_files_and_directives() -> None:
    blocks = _parse_text(PAGE, ROOT / "docs" / "example.md")
    assert [b.line for b in blocks] == [8, 17, 22, 27]
    first = blocks[0]
    assert [c.text for c in first.commands] == [
        "cat org.toml",
        "mgovern validate \\\n    --org org.toml",
    ]
    assert [c.expected for c in first.commands] == [['id = "x"'], ["..."]]
    assert first.files == {"org.toml": 'id = "x"\n'}
    assert first.skip is None
    assert blocks[1].skip == "needs no-such-program-here, which is not installed here"
    assert blocks[2].continues
    assert blocks[2].skip is not None
    assert blocks[2].skip.startswith("continues docs/example.md:17, which is skipped")
    assert blocks[3].skip == "needs a server"


def test_a_misspelt_directive_fails() -> None:
    with pytest.raises(AssertionError, match="not a console directive"):
        _parse_text("<!-- console: skipp (x) -->\n```console\n$ true\n```\n", ROOT / "x.md")
