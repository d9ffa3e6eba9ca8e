"""How commands print: JSON documents, matters, tables, progress and change lists.

Text for people goes to stdout line by line; ``--json`` prints one JSON document and
nothing else on stdout, so ``mgovern X --json | jq`` always works. Warnings and notes go
to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from mgovern.cli.app import QUIET


def emit_json(data: Any) -> None:
    """One JSON document on stdout (non-ASCII kept, dates and Decimals as strings)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str))


def warn(message: str) -> None:
    """One warning line on stderr."""
    click.echo(f"mgovern: warning: {message}", err=True)


def matter_text(matter: Any) -> str:
    """A matter as ``category=… amount=… units=… flags=… year=…``."""
    parts = [f"category={matter.category}"]
    parts.append(f"amount={matter.amount:f}" if matter.amount is not None else "amount=none")
    if matter.units:
        parts.append("units=" + ",".join(matter.units))
    if matter.flags:
        parts.append("flags=" + ",".join(sorted(matter.flags)))
    if matter.year is not None:
        parts.append(f"year={matter.year}")
    return " ".join(parts)


def table(header: Sequence[str], rows: Sequence[Sequence[object]], *, left: int = 1) -> list[str]:
    """Lines of a plain-text table whose columns are as wide as their widest cell.

    The first ``left`` columns are left-aligned (names), the rest right-aligned (numbers).
    """
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return [
        " ".join(
            (cell.ljust(width) if i < left else cell.rjust(width))
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in cells
    ]


def progress() -> Callable[[str, int, int], None] | None:
    """A progress bar on stderr for a long run, drawn only on a terminal and not under
    ``--quiet``; None otherwise (so callers skip the bookkeeping).

    The callback takes ``(label, done, total)``: a new label starts a new bar, and a bar
    is finished when ``done`` reaches ``total``.
    """
    ctx = click.get_current_context(silent=True)
    if (ctx is not None and ctx.meta.get(QUIET)) or not sys.stderr.isatty():
        return None
    state: dict[str, Any] = {}

    def show(label: str, done: int, total: int) -> None:
        bar = state.get("bar")
        if bar is None or state.get("label") != label:
            if bar is not None:
                bar.render_finish()
            bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr)
            bar.render_progress()
            state.update(bar=bar, label=label, done=0)
        bar.update(done - state["done"])
        state["done"] = done
        if done >= total:
            bar.render_finish()
            state.pop("bar")

    return show


def governance_json(events: Any) -> list[dict[str, Any]]:
    """Governance events (:mod:`mgovern.governance`) as JSON, the same in ``mgovern
    governance --json`` and ``mgovern check --json``."""
    return [
        {
            "date": e.date.isoformat(),
            "kind": e.kind,
            "group": e.group,
            "subject": e.subject,
            "message": e.message,
            "clauses": list(e.clauses),
        }
        for e in events
    ]


def change_data(report: Any, dry_run: bool) -> dict[str, Any]:
    """A publishing report as JSON: every change by name, and the summary line."""
    return {
        "dry_run": dry_run,
        "changes": [{"name": name, "change": change.value} for name, change in report.changes],
        "conflicts": len(report.conflicts),
        "summary": report.summary(),
    }


def change_summary(org: Any, report: Any, dry_run: bool = False) -> str:
    """A publishing report's counts in the organisation's language: "2 created, ..."."""
    from mgovern.calendars.publish import Change
    from mgovern.i18n import gettext_for

    _ = gettext_for(org)
    words = {
        Change.CREATED: _("{n} created"),
        Change.UPDATED: _("{n} updated"),
        Change.DELETED: _("{n} deleted"),
        Change.KEPT: _("{n} kept"),
        Change.CONFLICT: _("{n} conflict"),
    }
    text = ", ".join(words[c].format(n=len(report.of(c))) for c in Change)
    return _("dry run: {summary}").format(summary=text) if dry_run else text


def print_changes(report: Any, dry_run: bool, *, org: Any) -> None:
    """What a publisher did (or would do), one line per change, then its summary, in the
    organisation's language."""
    from mgovern.calendars.publish import Change
    from mgovern.i18n import gettext_for

    _ = gettext_for(org)
    verbs = {
        Change.CREATED: _("would create") if dry_run else _("created"),
        Change.UPDATED: _("would update") if dry_run else _("updated"),
        Change.DELETED: _("would delete") if dry_run else _("deleted"),
        Change.CONFLICT: _("CONFLICT (changed there; not overwritten, use --force)"),
    }
    for name, change in report.changes:
        if change in verbs:
            click.echo(f"{verbs[change]}: {name}")
    click.echo(change_summary(org, report, dry_run))
