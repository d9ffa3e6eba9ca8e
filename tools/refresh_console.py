"""Re-run the ``$ mgovern ...`` commands in the docs' console blocks and paste their output.

Usage: ``python tools/refresh_console.py docs/*.md``. Only read-only commands are run
(route, check, show, validate, plugins, agenda, report without --svg); a block is
rewritten only when its output changed.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

READ_ONLY = {"route", "check", "show", "validate", "plugins", "agenda", "report"}
BLOCK = re.compile(r"```console\n(?P<body>.*?)```", re.DOTALL)


def refresh(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        body = match["body"]
        commands = [line[2:] for line in body.splitlines() if line.startswith("$ mgovern ")]
        if len(commands) != 1 or body.count("$ ") != 1:
            return match.group(0)
        if any(mark in commands[0] for mark in ("|", ">", "\\", ";", "&&")):
            return match.group(0)  # pipes, redirections and continuations are pasted by hand
        try:
            words = shlex.split(commands[0])
        except ValueError:
            return match.group(0)
        if len(words) < 2 or words[1] not in READ_ONLY or {"--svg", "--org"} & set(words):
            return match.group(0)
        result = subprocess.run(words, capture_output=True, text=True, check=False)
        output = result.stderr + result.stdout
        return f"```console\n$ {commands[0]}\n{output}```"

    return BLOCK.sub(replace, text)


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        old = path.read_text(encoding="utf-8")
        new = refresh(old)
        if new != old:
            path.write_text(new, encoding="utf-8")
            print(f"refreshed {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
