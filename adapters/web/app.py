"""The web console's routes on the shared aiohttp server: sign-in, queue, ticket, reports,
knowledge base. Every action is a desk command applied at once, like the console's lines (`Desk.handle`: one
transaction, the form's one-time key recorded with the platforms' update ids, the replies
queued in the outbox), so the page that follows shows its outcome."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from urllib.parse import quote, unquote

from aiohttp import web

from adapters.web import forms
from adapters.web.auth import LOCK_FOR, SignIn, same, session_of, sign_in, token_hash
from adapters.web.report_view import duration, page_context, when
from adapters.web.sender import PLATFORM
from adapters.web.templating import environment
from core.desk import Desk, InboundKey
from core.domain import Actor, Priority
from core.events import PersonTarget
from core.faq.service import FaqService
from core.i18n import t
from core.i18n.numbers import plural
from core.people import PersonNotFound, person_profile, search_people
from core.presenter import platform_name, profile_question_parts, render_text
from core.queries import ticket_detail
from core.reporting import ReportPolicy, build_report
from core.reporting.queue import load_queue, ticket_clocks
from core.reporting.trends import Step
from core.storage.db import Database
from core.storage.web_accounts import WebAccounts, WebSession

PREFIX = "/console"
SESSION_COOKIE = "helpdesk_session"
LOGIN_COOKIE = "helpdesk_login"  # the sign-in form's CSRF token (no session yet)
FLASH_COOKIE = "helpdesk_flash"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass(frozen=True)
class WebConfig:
    secure_cookies: bool  # cookies only over HTTPS (a public https:// URL is set)
    lang: str = "en"


Handler = Callable[[web.Request, WebSession], Awaitable[web.StreamResponse]]


class WebConsole:
    def __init__(
        self,
        *,
        db: Database,
        desk: Desk,
        faq: FaqService,
        policy: ReportPolicy,
        config: WebConfig,
        clock: Callable[[], datetime],
    ) -> None:
        self.db = db
        self.desk = desk
        self.faq = faq
        self.policy = policy
        self.config = config
        self.clock = clock
        self.accounts = WebAccounts(db)

    def mount(self, http: web.Application) -> None:
        r = http.router
        r.add_get(PREFIX, self._home)
        r.add_get(f"{PREFIX}/", self._home)
        r.add_get(f"{PREFIX}/login", self.login_page)
        r.add_post(f"{PREFIX}/login", self.login)
        r.add_post(f"{PREFIX}/logout", self._signed(self.logout))
        r.add_get(f"{PREFIX}/queue", self._signed(self.queue))
        r.add_get(PREFIX + "/tickets/{number:[0-9]{1,9}}", self._signed(self.ticket))
        r.add_post(
            PREFIX + "/tickets/{number:[0-9]{1,9}}/{action:claim|reply|note|priority|resolve}",
            self._signed(self.act),
        )
        r.add_get(f"{PREFIX}/people", self._signed(self.people))
        r.add_get(PREFIX + "/people/{id:[0-9]{1,9}}", self._signed(self.person))
        r.add_get(f"{PREFIX}/reports", self._signed(self.reports, lead=True))
        r.add_get(f"{PREFIX}/kb", self._signed(self.kb, lead=True))

    # --- pages -------------------------------------------------------------------------

    def _page(
        self, name: str, status: int = 200, session: WebSession | None = None, **context: object
    ) -> web.Response:
        values: dict[str, object] = {
            "prefix": PREFIX,
            "lang": self.config.lang,
            "t": self.t,
            "user": session.account if session else None,
            "csrf_token": session.csrf_token if session else "",
        }
        values.update(context)
        html = environment().get_template(name).render(values)
        return web.Response(
            text=html, status=status, content_type="text/html", headers=SECURITY_HEADERS
        )

    def t(self, key: str, /, **params: object) -> str:
        return t(self.config.lang, key, **params)

    def _cookie(self, response: web.StreamResponse, name: str, value: str, **extra: Any) -> None:
        response.set_cookie(
            name,
            value,
            path=f"{PREFIX}/",
            httponly=True,
            secure=self.config.secure_cookies,
            samesite="Strict",
            **extra,
        )

    def _redirect(self, location: str, flash: str | None = None) -> web.HTTPSeeOther:
        found = web.HTTPSeeOther(location, headers=SECURITY_HEADERS)
        if flash:
            self._cookie(found, FLASH_COOKIE, quote(flash[:500]), max_age=60)
        return found

    def _signed(
        self, handler: Handler, *, lead: bool = False
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def checked(request: web.Request) -> web.StreamResponse:
            session = await session_of(
                self.accounts, request.cookies.get(SESSION_COOKIE), self.clock()
            )
            if session is None:
                raise self._redirect(f"{PREFIX}/login")
            if request.method == "POST":
                form = await request.post()
                if not same(str(form.get("csrf", "")), session.csrf_token):
                    message = self.t("web.error.form_expired")
                    return self._page("error.html", 403, session, message=message)
            if lead and session.account.role != "lead":
                message = self.t("web.error.leads_only")
                return self._page("error.html", 403, session, message=message)
            return await handler(request, session)

        return checked

    async def _home(self, request: web.Request) -> web.StreamResponse:
        raise self._redirect(f"{PREFIX}/queue")

    async def login_page(self, request: web.Request, problem: str = "") -> web.Response:
        token = secrets.token_urlsafe(24)
        response = self._page("login.html", 401 if problem else 200, csrf=token, problem=problem)
        self._cookie(response, LOGIN_COOKIE, token, max_age=3600)
        return response

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not same(str(form.get("csrf", "")), expected):
            return await self.login_page(request, self.t("web.login.expired"))
        username = str(form.get("username", ""))[:64]
        password = str(form.get("password", ""))[:1024]
        result = await sign_in(self.accounts, username, password, self.clock())
        if result.outcome is SignIn.LOCKED:
            minutes = int(LOCK_FOR.total_seconds() // 60)
            return await self.login_page(request, self.t("web.login.locked", minutes=minutes))
        if result.outcome is not SignIn.OK or result.token is None:
            return await self.login_page(request, self.t("web.login.wrong"))
        found = self._redirect(f"{PREFIX}/queue")
        self._cookie(found, SESSION_COOKIE, result.token)
        found.del_cookie(LOGIN_COOKIE, path=f"{PREFIX}/")
        raise found

    async def logout(self, request: web.Request, session: WebSession) -> web.StreamResponse:
        token = request.cookies.get(SESSION_COOKIE, "")
        await self.accounts.sign_out(token_hash(token))
        found = self._redirect(f"{PREFIX}/login")
        found.del_cookie(SESSION_COOKIE, path=f"{PREFIX}/")
        raise found

    def _flash(self, request: web.Request) -> str:
        return unquote(request.cookies.get(FLASH_COOKIE, ""))[:500]

    def _with_flash_read(self, request: web.Request, response: web.Response) -> web.Response:
        if FLASH_COOKIE in request.cookies:
            response.del_cookie(FLASH_COOKIE, path=f"{PREFIX}/")
        return response

    async def queue(self, request: web.Request, session: WebSession) -> web.StreamResponse:
        wanted = forms.queue_filter(request.query, self.policy.teams())
        now = self.clock()
        rows = await load_queue(self.db, self.policy, now, wanted)
        page = self._page(
            "queue.html",
            session=session,
            rows=rows,
            wanted=wanted,
            choices=forms.queue_choices(self.policy.teams()),
            choice=self._choice_label,
            age=lambda d: duration(int(d.total_seconds()), self.config.lang),
            flash=self._flash(request),
        )
        return self._with_flash_read(request, page)

    def _choice_label(self, name: str, value: str) -> str:
        if not value:
            return self.t("web.any")
        key = {
            "state": f"web.state.{value}" if value in ("active", "all") else f"state.{value}",
            "priority": f"priority.{value}",
            "sla": f"web.sla.{value}",
        }.get(name)
        return self.t(key) if key else value

    async def ticket(self, request: web.Request, session: WebSession) -> web.StreamResponse:
        number = int(request.match_info["number"])
        detail = await ticket_detail(self.db, number)
        if detail is None:
            message = self.t("web.error.no_ticket", number=number)
            return self._page("error.html", 404, session, message=message)
        now = self.clock()
        page = self._page(
            "ticket.html",
            session=session,
            tk=detail.ticket,
            detail=detail,
            clocks=await ticket_clocks(self.db, self.policy, now, number),
            priorities=[p.value for p in Priority],
            key=secrets.token_urlsafe(12),
            csrf=session.csrf_token,
            when=lambda moment: when(moment, self.config.lang),
            stored_when=lambda iso: when(datetime.fromisoformat(iso), self.config.lang),
            flash=self._flash(request),
        )
        return self._with_flash_read(request, page)

    async def people(self, request: web.Request, session: WebSession) -> web.StreamResponse:
        """The people search: a part of a name or platform user id, or an id."""
        query = request.query.get("q", "").strip()[:100]
        found = await search_people(self.db, query, self.config.lang) if query else []
        if len(found) == 1:
            raise self._redirect(f"{PREFIX}/people/{found[0].canonical_id}")
        return self._page(
            "people.html",
            session=session,
            query=query,
            found=found,
            platform=lambda name: platform_name(self.config.lang, name),
        )

    async def person(self, request: web.Request, session: WebSession) -> web.StreamResponse:
        """A requester's profile: who, where, tickets, questions, ratings."""
        wanted = request.match_info["id"]
        try:
            profile = await person_profile(self.db, wanted, self.config.lang)
        except PersonNotFound:
            message = self.t("web.error.no_person", id=wanted)
            return self._page("error.html", 404, session, message=message)
        if str(profile.person_id) != wanted:  # one of their other accounts: one address each
            raise self._redirect(f"{PREFIX}/people/{profile.person_id}")
        return self._page(
            "person.html",
            session=session,
            profile=profile,
            platform=lambda name: platform_name(self.config.lang, name),
            question_parts=lambda q: profile_question_parts(self.config.lang, q),
            plural=lambda key, n, **params: plural(self.config.lang, key, n, **params),
            when=lambda moment: when(moment, self.config.lang),
        )

    async def act(self, request: web.Request, session: WebSession) -> web.StreamResponse:
        number = int(request.match_info["number"])
        form = await request.post()
        actor = Actor(
            platform=PLATFORM,
            user_id=session.account.username,
            display_name=session.account.username,
            is_agent=True,
        )
        command = forms.ticket_command(request.match_info["action"], number, actor, form)
        here = f"{PREFIX}/tickets/{number}"
        if isinstance(command, forms.FormProblem):
            raise self._redirect(here, self.t(command.key, **command.params))
        # The form's one-time key is the update id: a repeated submit changes nothing.
        update = forms.update_key(form)
        outcome = await self.desk.handle(command, InboundKey(PLATFORM, update))
        said = [
            render_text(event)
            for event in outcome.events
            if isinstance(event.target, PersonTarget) and event.target.user_id == actor.user_id
        ]
        if outcome.duplicate:
            message = self.t("web.done.repeated")
        else:
            action = request.match_info["action"]
            message = " ".join(said) or self.t(f"web.done.{action}", number=number)
        raise self._redirect(here, message)

    async def reports(self, request: web.Request, session: WebSession) -> web.StreamResponse:
        now = self.clock()
        today = datetime.combine(now.date(), time(), tzinfo=UTC)
        since = forms.day(request.query.get("since"), today - timedelta(days=13))
        until = forms.day(request.query.get("until"), today) + timedelta(days=1)
        by: Step = "week" if request.query.get("by") == "week" else "day"
        if until <= since:
            until = since + timedelta(days=1)
        report = await build_report(self.db, since, until, policy=self.policy, by=by, now=now)
        context = page_context(report, self.config.lang)
        context.update(
            since=since.date().isoformat(),
            until=(until - timedelta(days=1)).date().isoformat(),
            by=by,
            link_tickets=True,
        )
        return self._page("report.html", 200, session, **context)

    async def kb(self, request: web.Request, session: WebSession) -> web.StreamResponse:
        query = request.query.get("q", "").strip()[:500]
        lang = request.query.get("lang", "")
        result = None
        if query:
            result = await self.faq.search_async(
                query, lang if lang in self.faq.kb.languages else None
            )
        entries = sorted(self.faq.kb.all_entries(), key=lambda e: (e.lang, e.id))
        return self._page(
            "kb.html",
            session=session,
            query=query,
            chosen_lang=lang,
            languages=self.faq.kb.languages,
            result=result,
            entries=entries,
        )
