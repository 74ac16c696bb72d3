"""`helpdesk faq ...`: search, check, calibrate and train the FAQ, draft entries from tickets."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from bots.cli_support import plain_console, settings_or_exit
from bots.progress import progress_bar
from bots.wording import counted
from core.faq.model import SearchResult

WITH_LEARNED_HELP = "also match the phrasings learned from use (HELPDESK_DATABASE_URL)"
STDIN_BATCH = 64  # questions embedded together by `faq search -` (see bots/line_batches.py)


def search_json(result: SearchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "lang": result.lang,
        "decision": result.decision,
        "results": [
            {"id": m.entry_id, "title": m.title, "score": round(m.score, 4)} for m in result.results
        ],
    }


def _print_search(result: SearchResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps(search_json(result), ensure_ascii=False), flush=True)
        return
    table = Table(title=f"{result.decision} ({result.lang})")
    for column in ("id", "title", "score"):
        table.add_column(column)
    for match in result.results:
        table.add_row(match.entry_id, match.title, f"{match.score:.3f}")
    plain_console().print(table)


def faq_app() -> typer.Typer:
    app = typer.Typer(help="The FAQ knowledge base.", no_args_is_help=True)

    @app.command()
    def search(
        query: Annotated[
            str, typer.Argument(help="the question, or - to read one per line from stdin")
        ],
        lang: Annotated[
            str | None, typer.Option(help="en, pl or ru; detected when omitted")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="one JSON object per query")] = False,
        database: Annotated[bool, typer.Option("--database", help=WITH_LEARNED_HELP)] = False,
    ) -> None:
        """Search the FAQ as the bot would."""
        from bots.wiring import build_faq, faq_with_learned

        settings = settings_or_exit()
        faq = faq_with_learned(settings) if database else build_faq(settings)
        if query != "-":
            _print_search(faq.search(query, lang), as_json)
            return
        from bots.line_batches import line_batches

        for batch in line_batches(sys.stdin, STDIN_BATCH):
            for result in faq.search_many(batch, lang):
                print(json.dumps(search_json(result), ensure_ascii=False))
            sys.stdout.flush()

    @app.command()
    def check(
        directory: Annotated[
            Path | None, typer.Option("--dir", help="defaults to HELPDESK_FAQ_DIR")
        ] = None,
    ) -> None:
        """Validate the knowledge base; exits 1 when it has errors."""
        from core.faq.check import check_knowledge_base

        root = directory or settings_or_exit().faq_dir
        problems = check_knowledge_base(root)
        for problem in problems:
            where = f"{problem.path}:{problem.line}" if problem.line else str(problem.path)
            typer.echo(f"{where}: {problem.severity}: {problem.message}")
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = len(problems) - errors
        typer.echo(f"{counted(errors, 'error')}, {counted(warnings, 'warning')} in {root}")
        if errors:
            raise typer.Exit(1)

    @app.command()
    def calibrate(
        directory: Annotated[
            Path | None, typer.Option("--dir", help="defaults to HELPDESK_FAQ_DIR")
        ] = None,
        queries: Annotated[
            Path | None,
            typer.Option(help='JSON lines {"text": ..., "id": entry id or null for out of scope}'),
        ] = None,
        semantic: Annotated[
            bool,
            typer.Option(
                help="calibrate the default matcher: with --queries, its trained model's "
                "confidences (the thresholds it answers with); without, the untrained "
                "semantic scores"
            ),
        ] = False,
    ) -> None:
        """Choose the answer/suggest thresholds from data; writes <faq dir>/thresholds.json."""
        from bots.queries_file import QueriesFileError, read_labelled_queries
        from core.faq.calibrate import CalibrationError, calibrate_knowledge_base
        from core.faq.embedder import load_embedder
        from core.faq.kb import load_knowledge_base
        from core.faq.train import load_or_train

        settings = settings_or_exit()
        root = directory or settings.faq_dir
        labelled = None
        if queries is not None:
            try:
                labelled = read_labelled_queries(queries)
            except QueriesFileError as error:
                typer.secho(str(error), err=True, fg="red")
                raise typer.Exit(1) from None
        embedder = load_embedder(settings.faq_english_model) if semantic else None
        if semantic and embedder is None:
            typer.secho("the semantic extra is not installed: pip install '.[semantic]'", err=True)
            raise typer.Exit(2)
        trained = (
            load_or_train(root, load_knowledge_base(root), embedder)
            if embedder is not None and labelled
            else None
        )
        try:
            with progress_bar("calibrating") as advance:
                result = calibrate_knowledge_base(
                    root, labelled, embedder=embedder, trained=trained, progress=advance
                )
        except CalibrationError as error:
            typer.secho(f"cannot calibrate: {error}", err=True, fg="red")
            raise typer.Exit(1) from error
        t = result.thresholds
        typer.echo(
            f"answer >= {t.answer:.3f}, suggest >= {t.suggest:.3f} ({result.source}); "
            f"answered correctly {result.answered_accuracy:.1%}, "
            f"out of scope kept quiet {result.oos_recall:.1%}; written to {root / 'thresholds.json'}"
        )

    @app.command()
    def train(
        directory: Annotated[
            Path | None, typer.Option("--dir", help="defaults to HELPDESK_FAQ_DIR")
        ] = None,
    ) -> None:
        """Fit the confidence model on the knowledge base's own questions (the bot also does
        this on start and on reload); writes <faq dir>/faq-model.npz."""
        from core.faq.classifier import FittedClassifiers
        from core.faq.embedder import load_embedder
        from core.faq.kb import load_knowledge_base
        from core.faq.train import save_model, train

        settings = settings_or_exit()
        root = directory or settings.faq_dir
        embedder = load_embedder(settings.faq_english_model)
        if embedder is None:
            typer.secho("the embedder cannot load: the matcher stays lexical", err=True)
            raise typer.Exit(2)
        kb = load_knowledge_base(root)
        classifiers = FittedClassifiers()
        with progress_bar("training") as advance:
            trained = train(kb, embedder, advance, classifiers)
        if trained is None:
            typer.secho("cannot train: too few example questions", err=True, fg="red")
            raise typer.Exit(1)
        path = save_model(root, trained, kb, embedder, classifiers)
        t = trained.thresholds
        typer.echo(
            f"answer >= {t.answer:.3f}, suggest >= {t.suggest:.3f} ({trained.info}); written to {path}"
        )

    @app.command()
    def draft(
        number: int,
        write: Annotated[
            bool, typer.Option(help="write faq/<lang>/<id>.md instead of printing")
        ] = False,
        lang: Annotated[
            str | None, typer.Option(help="language folder; default HELPDESK_LANG")
        ] = None,
    ) -> None:
        """Draft an FAQ entry from a resolved ticket (edit it, add questions, then commit)."""
        from bots.wiring import open_database
        from core.faq_draft import agent_answer, draft_entry
        from core.queries import TicketDetail, ticket_detail

        settings = settings_or_exit()

        async def fetch() -> TicketDetail | None:
            async with open_database(settings) as db:
                return await ticket_detail(db, number)

        detail = asyncio.run(fetch())
        if detail is None:
            typer.secho(f"no ticket #{number}", err=True, fg="red")
            raise typer.Exit(1)
        entry_id, text = draft_entry(detail)
        if not write:
            print(text, end="")
            return
        if not agent_answer(detail):
            typer.secho(
                f"ticket #{number} has no agent reply to use as the answer; nothing written",
                err=True,
                fg="red",
            )
            raise typer.Exit(1)
        path = settings.faq_dir / (lang or settings.lang) / f"{entry_id}.md"
        if path.exists():
            typer.secho(f"{path} exists; not overwritten", err=True, fg="red")
            raise typer.Exit(1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {path}")

    from bots.faq_eval_cli import register_eval
    from bots.faq_learned_cli import learned_app

    register_eval(app)
    app.add_typer(learned_app(), name="learned")
    return app
