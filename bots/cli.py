"""The `helpdesk` command line (also `python -m bots`)."""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import typer

from bots.cli_support import settings_or_exit
from bots.settings import Settings

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

    from bots.deploy_cli import db_app, service_app
    from bots.faq_cli import faq_app
    from bots.inbox_cli import inbox_app
    from bots.outbox_cli import outbox_app
    from bots.people_cli import people_app
    from bots.tickets_cli import tickets_app
    from bots.web_cli import web_app

    app.add_typer(faq_app(), name="faq")
    app.add_typer(outbox_app(), name="outbox")
    app.add_typer(inbox_app(), name="inbox")
    app.add_typer(tickets_app(), name="tickets")
    app.add_typer(people_app(), name="people")
    app.add_typer(service_app(), name="service")
    app.add_typer(db_app(), name="db")
    app.add_typer(web_app(), name="web")
    return app


def main() -> None:
    create_app()()
