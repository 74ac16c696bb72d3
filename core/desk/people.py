"""One person across platforms: linking identities with a one-time code, unlinking, and
the requester's profile for agents."""

from __future__ import annotations

from dataclasses import replace

from core import commands as c
from core import errors
from core.desk.checks import require_agent, ticket_of
from core.desk.scope import CommandScope
from core.domain import LINK_CODE_TTL, LINK_FAILURE_WINDOW, LINK_MAX_FAILURES, Person
from core.events import Notice
from core.people import build_profile, code_hash, join_people, new_link_code, normalize_code


async def link(scope: CommandScope, cmd: c.Link) -> None:
    if not normalize_code(cmd.code):
        await _give_code(scope)
        return
    await _take_code(scope, cmd.code)


async def _give_code(scope: CommandScope) -> None:
    code = new_link_code()
    await scope.repo.store_link_code(
        scope.actor.id, code_hash(code), scope.now, scope.now + LINK_CODE_TTL
    )
    minutes = int(LINK_CODE_TTL.total_seconds() // 60)
    scope.to_actor(Notice(key="link.code", params={"code": code, "minutes": minutes}))


async def _take_code(scope: CommandScope, typed: str) -> None:
    me = scope.actor
    since = scope.now - LINK_FAILURE_WINDOW
    if await scope.repo.link_failures_since(me.canonical_id, since) >= LINK_MAX_FAILURES:
        minutes = int(LINK_FAILURE_WINDOW.total_seconds() // 60)
        raise errors.TooManyLinkAttempts(minutes=minutes)
    hashed = code_hash(typed)
    stored = await scope.repo.link_code(hashed)
    if stored is None:
        # Counted, and answered without a refusal: a refusal would roll the count back.
        await scope.repo.record_link_failure(me.canonical_id, scope.now, since)
        scope.to_actor(Notice(key="error.link.wrong_code", error=True))
        return
    identity_id, expires_at, used_at = stored
    if used_at is not None:
        raise errors.LinkCodeUsed()
    if expires_at <= scope.now:
        raise errors.LinkCodeExpired()
    other = await scope.repo.person_by_id(identity_id)
    assert other is not None  # a code names an identity (foreign key)
    if other.canonical_id == me.canonical_id:
        await scope.repo.use_link_code(hashed, scope.now)
        scope.to_actor(Notice(key="link.already"))
        return
    if not await scope.repo.use_link_code(hashed, scope.now):
        raise errors.LinkCodeUsed()  # taken by someone else a moment ago
    await _join(scope, keep=other, join=me)


async def _join(scope: CommandScope, *, keep: Person, join: Person) -> None:
    """Make both identities one person; the language one of them chose holds for both."""
    lang = await join_people(scope.repo, keep, join, scope.now)
    await scope.repo.audit(
        "people.linked",
        scope.now,
        actor_id=join.id,
        identity=f"{keep.platform}:{keep.user_id}",
    )
    params: dict[str, str | int] = {"platform": keep.platform, "name": keep.display_name}
    scope.to_actor(Notice(key="link.done", params=params), lang)
    back: dict[str, str | int] = {"platform": join.platform, "name": join.display_name}
    scope.to_person(replace(keep, lang=lang or keep.lang), Notice(key="link.done", params=back))


async def unlink(scope: CommandScope, cmd: c.Unlink) -> None:
    if not await scope.repo.unlink_identity(scope.actor, scope.now):
        raise errors.NotLinked()
    await scope.repo.audit("people.unlinked", scope.now, actor_id=scope.actor.id)
    scope.to_actor(Notice(key="link.unlinked"))


async def show_person(scope: CommandScope, cmd: c.ShowPerson) -> None:
    require_agent(scope)
    ticket = await ticket_of(scope, cmd.number)
    scope.to_actor(await build_profile(scope.repo, ticket.requester, ticket_number=ticket.number))
