"""The service desk's rules: classifying tickets, moving them between teams, waiting
for the requester, and the triage before a ticket."""

from __future__ import annotations

from core import commands as c
from core import errors
from core.desk import clocks
from core.desk.checks import planned_state, reload, require_agent, ticket_of
from core.desk.scope import CommandScope, thread_events
from core.desk.tickets import Details, create_ticket, require_team
from core.domain import Level, Priority, Ticket, TicketAction, TicketKind
from core.events import (
    CardChange,
    FaqAnswer,
    Notice,
    TicketCard,
    TriageChoice,
    TriageStep,
)

_FAQ_OFFERED = 3  # entries of the chosen area offered before a person


async def classify(scope: CommandScope, cmd: c.Classify) -> None:
    """Kind, impact, urgency or team changed by an agent: audited, priority re-derived
    from the matrix when impact or urgency changed, the card moved with the team."""
    require_agent(scope)
    ticket = await ticket_of(scope, cmd.number)
    planned_state(ticket, TicketAction.PRIORITY)
    if cmd.kind is not None or cmd.impact is not None or cmd.urgency is not None:
        # How the team handles it is the team's call; any agent may pass a misrouted
        # ticket on to the team it belongs to.
        require_team(scope, ticket, change=True)
    values: dict[str, str] = {}
    if cmd.kind is not None:
        values["kind"] = cmd.kind.value
    if cmd.impact is not None or cmd.urgency is not None:
        # The one not given stays as it was (unknown counts as medium in the matrix).
        impact = cmd.impact or ticket.impact
        urgency = cmd.urgency or ticket.urgency
        values |= {
            name: level.value for name, level in (("impact", impact), ("urgency", urgency)) if level
        }
        values["priority"] = scope.service.priority_of(impact, urgency).value
    moved_from: str | None = None
    if cmd.team is not None:
        team = cmd.team.strip().lower()
        if team not in scope.service.teams:
            raise errors.UnknownTeam(value=team[:40], known=", ".join(scope.service.teams))
        current = ticket.team or scope.service.default_team
        if team != current:
            values["team"] = team
            moved_from = current
    if not values:
        raise errors.BadInput(detail="nothing to change")
    values["sla_policy"] = rematched_policy(scope, ticket, values)
    await scope.repo.update_ticket(ticket.number, scope.now, **values)
    await scope.repo.audit(
        "classified", scope.now, ticket_number=ticket.number, actor_id=scope.actor.id, **values
    )
    await show_classified(scope, ticket, CardChange.CLASSIFIED, moved=moved_from is not None)


async def show_classified(
    scope: CommandScope, before: Ticket, change: CardChange, *, moved: bool
) -> None:
    """The changed ticket on its card; `moved` to another team, on a new card in that team's
    place, while the old card (in the old team's place) says where it went."""
    updated = await reload(scope, before.number)
    if not moved:
        await scope.card(updated, change)
        return
    # The conversation continues in the new team's place.
    card = TicketCard(
        ticket=scope.view(updated), change=CardChange.MOVED, actor_name=scope.actor.display_name
    )
    scope.events += thread_events(before, scope.agents_lang, card, scope.service)
    await scope.card(updated, CardChange.OPENED)


def rematched_policy(scope: CommandScope, ticket: Ticket, changes: dict[str, str]) -> str:
    """The SLA policy matching the ticket as changed: its clocks keep counting from when
    it was opened, against the new targets."""
    kind = changes.get("kind") or (ticket.kind.value if ticket.kind else None)
    priority = Priority(changes.get("priority") or ticket.priority.value)
    team = changes.get("team") or ticket.team
    return scope.service.policy_for(TicketKind(kind) if kind else None, priority, team).name


async def wait_for_requester(scope: CommandScope, cmd: c.WaitForRequester) -> None:
    """The clocks pause until the requester writes; the waiting agent holds the ticket."""
    require_agent(scope)
    ticket = await ticket_of(scope, cmd.number)
    to = planned_state(ticket, TicketAction.WAIT)
    values = clocks.pause(scope.now)
    if ticket.assignee is None:
        values["assignee_id"] = scope.actor.id
        values["claimed_at"] = scope.now
    moved = await scope.repo.transition(
        ticket.number,
        allowed_from=(ticket.state,),
        to=to,
        now=scope.now,
        **values,
    )
    if not moved:
        raise errors.InvalidTransition(number=ticket.number, state=ticket.state.value)
    await scope.repo.audit(
        "waiting", scope.now, ticket_number=ticket.number, actor_id=scope.actor.id
    )
    await scope.card(await reload(scope, ticket.number), CardChange.WAITING)
    scope.to_person(
        ticket.requester, Notice(key="ticket.waiting", params={"number": ticket.number})
    )


async def resume_if_waiting(scope: CommandScope, ticket: Ticket) -> Ticket:
    """The requester wrote on a ticket waiting for them: the clocks run again, the agents hear."""
    to = planned_state(ticket, TicketAction.RESUME)
    moved = await scope.repo.transition(
        ticket.number,
        allowed_from=(ticket.state,),
        to=to,
        now=scope.now,
        **clocks.resume(scope.service, ticket, scope.now),
    )
    if not moved:
        return ticket
    await scope.repo.audit(
        "resumed", scope.now, ticket_number=ticket.number, actor_id=scope.actor.id
    )
    current = await reload(scope, ticket.number)
    await scope.card(current, CardChange.RESUMED)
    return current


# The triage's steps in order, each with the command field it fills.
_LEVELS = tuple(level.value for level in Level)


async def triage(scope: CommandScope, cmd: c.Triage) -> None:
    """Ask the first step not answered yet; open the ticket when every step is."""
    answers: dict[str, str | bool] = {
        key: value
        for key, value in (
            ("text", cmd.text.strip()),
            ("kind", cmd.kind),
            ("category", cmd.category),
            ("faq_seen", cmd.faq_seen),
            ("impact", cmd.impact),
            ("urgency", cmd.urgency),
        )
        if value not in (None, "", False)
    }
    if cmd.entry_id:
        await _answer_with_entry(scope, cmd.entry_id, cmd.text)
        return
    kind = _known(cmd.kind, tuple(k.value for k in TicketKind))
    category = _known(cmd.category, scope.service.areas())
    impact, urgency = _known(cmd.impact, _LEVELS), _known(cmd.urgency, _LEVELS)
    if cmd.kind is None:
        choices = tuple(
            TriageChoice(value=k.value, label_key=f"triage.kind.{k.value}") for k in TicketKind
        )
        scope.to_actor(TriageStep(step="kind", choices=choices, answers=answers))
        return
    if cmd.category is None:
        choices = tuple(
            TriageChoice(value=area, label_key=f"category.{area}") for area in scope.service.areas()
        )
        scope.to_actor(TriageStep(step="category", choices=choices, answers=answers))
        return
    if category is not None and not cmd.faq_seen:
        offered = await _area_entries(scope, category, cmd.text)
        if offered:
            scope.to_actor(TriageStep(step="faq", choices=offered, answers=answers))
            return
    for step, value in (("impact", cmd.impact), ("urgency", cmd.urgency)):
        if value is None:
            choices = tuple(
                TriageChoice(value=level, label_key=f"triage.{step}.{level}") for level in _LEVELS
            )
            scope.to_actor(TriageStep(step=step, choices=choices, answers=answers))
            return
    if not cmd.text.strip() and not cmd.attachments:
        scope.to_actor(TriageStep(step="text", answers=answers))
        return
    await create_ticket(
        scope,
        cmd.text.strip(),
        category=category,
        priority=None,
        source_link=None,
        query_id=None,
        details=Details(
            kind=TicketKind(kind) if kind else None,
            impact=Level(impact) if impact else None,
            urgency=Level(urgency) if urgency else None,
        ),
        attachments=cmd.attachments,
    )


async def _answer_with_entry(scope: CommandScope, entry_id: str, text: str) -> None:
    """The entry's answer, as a question answered: "That helped" and "Talk to a human" work."""
    lang = scope.actor.lang
    entry = scope.faq.entry(entry_id, lang)
    if entry is None:
        raise errors.UnknownFaqEntry(entry_id=entry_id[:80])
    question = text.strip() or entry.title
    query_id = await scope.repo.record_faq_query(
        person=scope.actor,
        platform=scope.actor.platform,
        lang=lang,
        text=question,
        decision="answer",
        results=[{"id": entry.id, "title": entry.title, "score": 1.0}],
        now=scope.now,
    )
    answer = FaqAnswer(
        query_id=query_id, entry_id=entry.id, title=entry.title, answer=entry.answer, score=1.0
    )
    scope.to_actor(answer, lang)


def _known(value: str | None, allowed: tuple[str, ...]) -> str | None:
    """An answer the step offered; a skip is None, anything else is refused."""
    if value is None or value == c.SKIPPED:
        return None
    word = value.strip().lower()
    if word not in allowed:
        raise errors.BadInput(detail=word[:40])
    return word


async def _area_entries(scope: CommandScope, category: str, text: str) -> tuple[TriageChoice, ...]:
    """The area's FAQ entries that match what the person wrote (all of them, best known
    first, when they wrote nothing yet)."""
    lang = scope.actor.lang
    if text.strip():
        result = await scope.faq.search_async(text, None)
        found = [scope.faq.entry(m.entry_id, result.lang) for m in result.results]
    else:
        found = [e for e in scope.faq.entries(lang) if e.category == category]
    entries = [e for e in found if e is not None and e.category == category]
    return tuple(
        TriageChoice(value=entry.id, label=entry.title) for entry in entries[:_FAQ_OFFERED]
    )
