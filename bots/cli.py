"""The `helpdesk` command line (also `python -m bots`)."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from bots.cli_support import plain_console, settings_or_exit
from bots.progress import Advance, progress_bar
from bots.settings import Settings
from bots.ticket_text import age_text, ticket_lines
from bots.wording import counted
from core.domain import TicketState
from core.faq.model import SearchResult

WITH_LEARNED_HELP = "also match the phrasings learned from use (HELPDESK_DATABASE_URL)"
STDIN_BATCH = 64  # questions embedded together by `faq search -` (see bots/line_batches.py)

log = logging.getLogger("helpdesk")


class AdapterChoice(StrEnum):
    console = "console"
    slack = "slack"
    telegram = "telegram"
    all = "all"


class TrendStep(StrEnum):
    day = "day"
    week = "week"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    html = "html"


def _parse_since(value: str) -> datetime:
    """`7d`, `24h`, `30m` ago, or an ISO date/time (UTC when no zone is given)."""
    value = value.strip()
    units = {"d": "days", "h": "hours", "m": "minutes"}
    if value[:-1].isdigit() and value[-1:] in units:
        return datetime.now(UTC) - timedelta(**{units[value[-1]]: int(value[:-1])})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter("use e.g. 7d, 24h or 2026-01-31") from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _setup_logging(settings: Settings) -> None:
    from bots.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format, log_content=settings.log_content)


def search_json(result: SearchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "lang": result.lang,
        "decision": result.decision,
        "results": [
            {"id": m.entry_id, "title": m.title, "score": round(m.score, 4)} for m in result.results
        ],
    }


def _run(settings: Settings, adapter: AdapterChoice | None, user: str | None) -> None:
    from bots.runner import run_adapters, run_with_terminal

    names = (
        settings.configured_adapters() if adapter in (None, AdapterChoice.all) else [adapter.value]
    )
    if adapter is AdapterChoice.all and names == ["console"]:
        typer.secho("no platform credentials are set; starting the console", err=True)
    if "console" in names and sys.stdin.isatty():
        run_with_terminal(settings, names, user)
        return
    asyncio.run(run_adapters(settings, names, console_user=user))


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


def _tickets_app() -> typer.Typer:
    app = typer.Typer(help="Look at tickets.", no_args_is_help=True)

    @app.command("list")
    def list_(
        state: Annotated[TicketState | None, typer.Option(help="only this state")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
        breaching: Annotated[
            bool, typer.Option("--breaching", help="only active tickets breached or near a target")
        ] = False,
        limit: int = 100,
    ) -> None:
        """List tickets, newest first."""
        from bots.wiring import checked_service, open_database
        from core.queries import TicketSummary, list_tickets

        settings = settings_or_exit()
        service = checked_service(settings)

        async def fetch() -> list[TicketSummary]:
            async with open_database(settings) as db:
                return await list_tickets(
                    db, state=state, limit=limit, service=service, breaching=breaching
                )

        rows = asyncio.run(fetch())
        if as_json:
            print(json.dumps([row.to_json() for row in rows], ensure_ascii=False, indent=2))
            return
        now = datetime.now(UTC)
        table = Table()
        for column in ("#", "state", "priority", "team", "age", "requester", "assignee", "subject"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                str(row.number),
                row.state.value,
                row.priority.value,
                row.team or "-",
                age_text(now - row.created_at),
                row.requester.name,
                row.assignee.name if row.assignee else "-",
                row.subject,
            )
        plain_console().print(table)

    @app.command("show")
    def show(
        number: int,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    ) -> None:
        """One ticket with its whole conversation (internal notes marked)."""
        from bots.wiring import checked_service, open_database
        from core.queries import TicketDetail, ticket_detail

        settings = settings_or_exit()
        service = checked_service(settings)

        async def fetch() -> TicketDetail | None:
            async with open_database(settings) as db:
                return await ticket_detail(db, number, service)

        detail = asyncio.run(fetch())
        if detail is None:
            typer.secho(f"no ticket #{number}", err=True, fg="red")
            raise typer.Exit(1)
        if as_json:
            print(json.dumps(detail.to_json(), ensure_ascii=False, indent=2))
            return
        for line in ticket_lines(detail):
            plain_console().print(line)

    return app


def _service_app() -> typer.Typer:
    app = typer.Typer(help="The service desk's configuration.", no_args_is_help=True)

    @app.command("check")
    def check(
        path: Annotated[
            Path | None, typer.Argument(help="the file; HELPDESK_SERVICE_FILE when omitted")
        ] = None,
    ) -> None:
        """Validate the service file: every problem as FILE:LINE: what is wrong (exit 1)."""
        from core.service.loader import ServiceFileError, read_service_file

        target = path or settings_or_exit().service_file
        if not target.is_file():
            typer.secho(f"{target}: no such file (the built-in defaults apply)", err=True)
            raise typer.Exit(1)
        try:
            config = read_service_file(target)
        except ServiceFileError as error:
            typer.secho(str(error), err=True, fg="red")
            raise typer.Exit(1) from None
        print(
            f"{target}: ok ({len(config.calendars)} calendars, {len(config.teams)} teams, "
            f"{len(config.slas)} SLA policies)"
        )

    return app


def _faq_app() -> typer.Typer:
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

        root = directory or settings_or_exit().faq_dir
        labelled = None
        if queries is not None:
            try:
                labelled = read_labelled_queries(queries)
            except QueriesFileError as error:
                typer.secho(str(error), err=True, fg="red")
                raise typer.Exit(1) from None
        embedder = load_embedder() if semantic else None
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
        from core.faq.embedder import load_embedder
        from core.faq.kb import load_knowledge_base
        from core.faq.train import save_model, train

        root = directory or settings_or_exit().faq_dir
        embedder = load_embedder()
        if embedder is None:
            typer.secho("the embedder cannot load: the matcher stays lexical", err=True)
            raise typer.Exit(2)
        kb = load_knowledge_base(root)
        with progress_bar("training") as advance:
            trained = train(kb, embedder, advance)
        if trained is None:
            typer.secho("cannot train: too few example questions", err=True, fg="red")
            raise typer.Exit(1)
        path = save_model(root, trained, kb, embedder)
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


def _db_app() -> typer.Typer:
    app = typer.Typer(help="The database.", no_args_is_help=True)

    @app.command()
    def upgrade() -> None:
        """Apply every pending migration (safe to run again)."""
        from bots.wiring import open_database

        settings = settings_or_exit()

        async def go(advance: Advance) -> None:
            async with open_database(settings, advance):
                pass

        with progress_bar("upgrading the database") as advance:  # migrations applied
            asyncio.run(go(advance))
        typer.echo("database is up to date")

    return app


def create_app() -> typer.Typer:
    app = typer.Typer(
        help="A help desk inside Slack, Telegram and your terminal.", no_args_is_help=True
    )

    @app.callback()
    def main_options() -> None:
        _setup_logging(settings_or_exit())

    @app.command()
    def run(
        adapter: Annotated[
            AdapterChoice | None,
            typer.Option(help="default: every adapter with credentials; the console when none has"),
        ] = None,
        user: Annotated[str | None, typer.Option(help="console: who you are at start")] = None,
    ) -> None:
        """Run the bot."""
        _run(settings_or_exit(), adapter, user)

    @app.command()
    def report(
        since: Annotated[str, typer.Option(help="7d, 24h or an ISO date (UTC)")] = "30d",
        until: Annotated[
            str | None, typer.Option(help="end of the period, ISO date (UTC); default now")
        ] = None,
        by: Annotated[TrendStep, typer.Option(help="trend buckets")] = TrendStep.day,
        output_format: Annotated[ReportFormat, typer.Option("--format")] = ReportFormat.text,
        explain: Annotated[bool, typer.Option(help="print what every number means")] = False,
        sla_minutes: Annotated[
            int | None,
            typer.Option(
                help="first-response target without a service file; default "
                "HELPDESK_SLA_REPLY_MINUTES"
            ),
        ] = None,
    ) -> None:
        """Questions, deflection, tickets, response times, SLA, CSAT, FAQ entries; per day or week."""
        from dataclasses import replace

        from bots.report_render import RENDERERS, as_html
        from bots.wiring import open_database, report_policy
        from core.reporting import Report, build_report
        from core.reporting.definitions import explain as definitions

        if explain:
            print(definitions())
            return
        now = datetime.now(UTC)
        start = _parse_since(since)
        end = _parse_since(until) if until else now
        if end <= start:
            raise typer.BadParameter("--until must be after --since")
        settings = settings_or_exit()

        async def fetch() -> Report:
            async with open_database(settings) as db:
                policy = report_policy(settings)
                if sla_minutes:
                    policy = replace(policy, first_response_minutes=sla_minutes)
                return await build_report(db, start, end, policy=policy, by=by.value, now=now)

        built = asyncio.run(fetch())
        if output_format is ReportFormat.html:
            print(as_html(built, settings.lang))  # read by people: in the desk's language
        else:
            print(RENDERERS[output_format.value](built))

    from bots.inbox_cli import inbox_app
    from bots.outbox_cli import outbox_app
    from bots.people_cli import people_app
    from bots.web_cli import web_app

    app.add_typer(_faq_app(), name="faq")
    app.add_typer(outbox_app(), name="outbox")
    app.add_typer(inbox_app(), name="inbox")
    app.add_typer(_tickets_app(), name="tickets")
    app.add_typer(people_app(), name="people")
    app.add_typer(_service_app(), name="service")
    app.add_typer(_db_app(), name="db")
    app.add_typer(web_app(), name="web")
    return app


def main() -> None:
    create_app()()
