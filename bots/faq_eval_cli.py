"""`helpdesk faq eval`: the matcher scored on labelled questions, one row per file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from bots.cli_support import plain_console, settings_or_exit
from core.faq.evaluate import EvalFileError, EvalReport, eval_files, evaluate, load_eval_file
from core.faq.kb import KnowledgeBase


def register_eval(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_(
        files: Annotated[
            list[Path] | None,
            typer.Argument(help="JSON lines files; default <faq dir>/eval/*.jsonl"),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
        database: Annotated[
            bool,
            typer.Option(
                "--database",
                help="also match the phrasings learned from use (HELPDESK_DATABASE_URL)",
            ),
        ] = False,
    ) -> None:
        """Score the FAQ on labelled questions, asked with no language hint."""
        from bots.wiring import build_faq, faq_with_learned

        settings = settings_or_exit()
        paths = files or eval_files(settings.faq_dir)
        if not paths:
            typer.secho(f"no evaluation files in {settings.faq_dir / 'eval'}", err=True, fg="red")
            raise typer.Exit(1)
        faq = faq_with_learned(settings) if database else build_faq(settings)
        try:
            loaded = [(p, load_eval_file(p, _known_ids(faq.kb, p.stem))) for p in paths]
        except EvalFileError as error:
            typer.secho(str(error), err=True, fg="red")
            raise typer.Exit(1) from error
        reports = [evaluate(path.stem, cases, faq.search) for path, cases in loaded]
        if as_json:
            payload = {"scorer": faq.scorer, "results": [r.as_dict() for r in reports]}
            print(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        plain_console().print(_table(reports, faq.scorer))


def _known_ids(kb: KnowledgeBase, name: str) -> frozenset[str]:
    """A file named after a language may name that language's entries; any other, any entry."""
    in_lang = frozenset(entry.id for entry in kb.entries(name))
    return in_lang or kb.ids()


def _table(reports: list[EvalReport], scorer: str) -> Table:
    table = Table(title=f"FAQ evaluation ({scorer} scorer, no language hint)")
    columns = ("file", "in/OOS", "precision", "answered right", "OOS answered")
    for column in (*columns, "top-1", "top-3", "p50 ms", "p95 ms"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for r in reports:
        table.add_row(
            r.name,
            f"{r.in_scope}/{r.out_of_scope}",
            _percent(r.precision),
            _percent(r.answered_correct),
            _percent(r.oos_answered_rate),
            _percent(r.top1_rate),
            _percent(r.top3_rate),
            f"{r.latency_p50_ms:.1f}",
            f"{r.latency_p95_ms:.1f}",
        )
    return table


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1%}"
