"""One person across platforms, as the desk and the operators see them: the profile of a
requester, the card's line about their tickets, and the one-time codes that link
identities (only their hashes are stored)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from core.domain import ACTIVE_STATES, Person, Ticket
from core.events import (
    Event,
    PersonProfile,
    ProfileIdentity,
    ProfileQuestion,
    ProfileTicket,
    RequesterHistory,
    RequesterSummary,
    TicketCard,
)
from core.storage.db import Database
from core.storage.repository import Repository

# No 0/O, 1/I/L: a code is read on one screen and typed on another.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8  # 31**8: about 8.5e11 codes against 5 guesses per 10 minutes

PROFILE_TICKETS = 10
PROFILE_QUESTIONS = 5
PEOPLE_FOUND = 50  # identities a people search reads at most


def new_link_code() -> str:
    """A fresh code as shown to the person: `ABCD-EFGH`."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_code(typed: str) -> str:
    """What a person typed, as the code it means (`abcd efgh`, `ABCD-EFGH` -> `ABCDEFGH`)."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


def code_hash(typed: str) -> str:
    return hashlib.sha256(normalize_code(typed).encode()).hexdigest()


def month_start(at: datetime) -> datetime:
    """The first instant of `at`'s calendar month (UTC)."""
    return at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def requester_history(repo: Repository, ticket: Ticket) -> RequesterHistory:
    """The requester's count of tickets this month up to this one, and their previous one."""
    person = ticket.requester.canonical_id
    nth = await repo.tickets_in_month(person, ticket.number, month_start(ticket.created_at))
    last = await repo.previous_ticket(person, ticket.number)
    if last is None:
        return RequesterHistory(nth_this_month=max(nth, 1))
    return RequesterHistory(
        nth_this_month=max(nth, 1),
        last_number=last.number,
        last_subject=last.subject,
        last_state=last.state,
    )


async def cards_with_history(repo: Repository, events: list[Event]) -> list[Event]:
    """`events` with the requester's history line on every ticket card (one read per ticket)."""
    known: dict[int, RequesterHistory | None] = {}
    out: list[Event] = []
    for event in events:
        payload = event.payload
        if not isinstance(payload, TicketCard) or payload.ticket.history is not None:
            out.append(event)
            continue
        number = payload.ticket.number
        if number not in known:
            ticket = await repo.get_ticket(number)
            known[number] = await requester_history(repo, ticket) if ticket else None
        view = payload.ticket.model_copy(update={"history": known[number]})
        out.append(
            event.model_copy(update={"payload": payload.model_copy(update={"ticket": view})})
        )
    return out


def _ticket(ticket: Ticket) -> ProfileTicket:
    return ProfileTicket(
        number=ticket.number,
        platform=ticket.platform,
        subject=ticket.subject,
        state=ticket.state,
        created_at=ticket.created_at,
        rating=ticket.rating,
        assignee_name=ticket.assignee.display_name if ticket.assignee else None,
    )


async def build_profile(
    repo: Repository, person: Person, *, ticket_number: int | None = None
) -> PersonProfile:
    """The profile of `person` (any of their identities) as the agents see it."""
    canonical = person.canonical_id
    identities = await repo.identities(canonical) or [person]
    main = identities[0]
    tickets = await repo.list_tickets(requester_person=canonical, limit=1000)
    open_tickets = [t for t in tickets if t.state in ACTIVE_STATES]
    past_tickets = [t for t in tickets if t.state not in ACTIVE_STATES]
    questions = await repo.recent_questions(canonical, PROFILE_QUESTIONS)
    return PersonProfile(
        person_id=canonical,
        name=main.display_name,
        lang=main.lang,
        is_agent=any(identity.is_agent for identity in identities),
        identities=tuple(
            ProfileIdentity(platform=i.platform, user_id=i.user_id, name=i.display_name)
            for i in identities
        ),
        open_tickets=tuple(_ticket(t) for t in open_tickets[:PROFILE_TICKETS]),
        past_tickets=tuple(_ticket(t) for t in past_tickets[:PROFILE_TICKETS]),
        tickets_total=len(tickets),
        questions=tuple(
            ProfileQuestion(
                text=row["text"],
                lang=row["lang"],
                decision=row["decision"],
                entry_id=row["top_entry_id"],
                outcome=row["outcome"],
                ticket_number=row["ticket_id"],
                asked_at=row["created_at"],
            )
            for row in questions
        ),
        ratings=tuple(t.rating for t in reversed(tickets) if t.rating is not None),
        ticket_number=ticket_number,
    )


async def requester_summary(repo: Repository, person: Person) -> RequesterSummary:
    """`person` (any of their identities) in one line: the profile's counts, no lists."""
    canonical = person.canonical_id
    identities = await repo.identities(canonical) or [person]
    tickets = await repo.list_tickets(requester_person=canonical, limit=1000)
    ratings = [t.rating for t in tickets if t.rating is not None]
    return RequesterSummary(
        person_id=canonical,
        name=identities[0].display_name,
        platforms=tuple(dict.fromkeys(i.platform for i in identities)),
        tickets_total=len(tickets),
        open_count=sum(1 for t in tickets if t.state in ACTIVE_STATES),
        ratings=len(ratings),
        rating_average=round(sum(ratings) / len(ratings), 2) if ratings else None,
    )


def profile_json(profile: PersonProfile) -> dict[str, object]:
    """The shape `helpdesk people show --json` prints."""
    data = profile.model_dump(mode="json", exclude={"kind", "ticket_number"})
    data["platforms"] = list(profile.platforms)
    data["rating_average"] = profile.rating_average
    return data


async def join_people(repo: Repository, keep: Person, join: Person, now: datetime) -> str | None:
    """Make `join`'s person part of `keep`'s. The language one of them chose holds for
    both (`join`'s first: they are the one acting now); returns it, if any was chosen."""
    lang = await repo.chosen_language(join.id) or await repo.chosen_language(keep.id)
    await repo.link_people(keep, join, now)
    if lang is not None:
        await repo.set_person_language(keep.canonical_id, lang, now)
    return lang


class PersonNotFound(LookupError):
    """No person, or more than one, answers to what an operator typed."""


async def find_person(repo: Repository, who: str) -> Person:
    """A person named by an operator: an id, `platform:user_id`, a user id or a name."""
    text = who.strip()
    if text.isdigit():
        found = await repo.person_by_id(int(text))
        if found is None:
            raise PersonNotFound(f"no person with id {text}")
        return found
    platform, sep, user_id = text.partition(":")
    if sep:
        matches = [p for p in await repo.people_named(user_id) if p.platform == platform]
    else:
        matches = await repo.people_named(text)
    people = {p.canonical_id: p for p in matches}
    if not people:
        raise PersonNotFound(f"nobody is called {text!r}")
    if len(people) > 1:
        choices = ", ".join(f"{p.platform}:{p.user_id} (id {p.id})" for p in matches)
        raise PersonNotFound(f"{text!r} is more than one person: {choices}")
    return matches[0]


async def link_by_operator(db: Database, first: str, second: str, now: datetime) -> Person:
    """`helpdesk people link A B`: B's identities join A's person; A's person comes back."""
    async with db.transaction() as conn:
        repo = Repository(conn, "en")
        keep = await find_person(repo, first)
        join = await find_person(repo, second)
        if keep.canonical_id == join.canonical_id:
            raise PersonNotFound(f"{first!r} and {second!r} are already one person")
        await join_people(repo, keep, join, now)
        await repo.audit(
            "people.linked", now, actor_id=join.id, identity=f"{keep.platform}:{keep.user_id}"
        )
        return keep


async def unlink_by_operator(db: Database, who: str, now: datetime) -> Person:
    """`helpdesk people unlink X`: identity X becomes a person of its own again."""
    async with db.transaction() as conn:
        repo = Repository(conn, "en")
        identity = await find_person(repo, who)
        if not await repo.unlink_identity(identity, now):
            raise PersonNotFound(f"{who!r} is not linked to anyone")
        await repo.audit("people.unlinked", now, actor_id=identity.id)
        return identity


async def search_people(db: Database, text: str, default_lang: str) -> list[Person]:
    """People an operator looks for: by id, or a part of a name or platform user id; one
    identity per person (the first that matched), the one with that id first."""
    wanted = text.strip()[:100]
    if not wanted:
        return []
    async with db.transaction() as conn:
        repo = Repository(conn, default_lang)
        found = await repo.people_matching(wanted, PEOPLE_FOUND)
        if wanted.isdigit() and len(wanted) <= 18:
            by_id = await repo.person_by_id(int(wanted))
            found = [by_id, *found] if by_id is not None else found
    people: dict[int, Person] = {}
    for identity in found:
        people.setdefault(identity.canonical_id, identity)
    return list(people.values())


async def person_profile(db: Database, who: str, default_lang: str) -> PersonProfile:
    """`helpdesk people show NAME|ID`."""
    async with db.transaction() as conn:
        repo = Repository(conn, default_lang)
        return await build_profile(repo, await find_person(repo, who))
