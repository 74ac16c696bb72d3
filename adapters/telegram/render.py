"""Core events -> Telegram messages: HTML chunks and inline keyboards. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adapters.common.triage import PERSON, SKIP
from adapters.telegram import PLATFORM
from adapters.telegram.buttons import (
    ButtonData,
    ClaimTicket,
    ClassifyTicket,
    FaqHelped,
    FaqHuman,
    FaqPick,
    HeldPlace,
    ImpactChoice,
    KindChoice,
    Language,
    PersonOfTicket,
    PriorityChoice,
    RateTicket,
    ReopenTicket,
    ResolveTicket,
    ResolveWithEntry,
    TeamChoice,
    TicketTriageChoice,
    TriageCancelChoice,
    TriagePickChoice,
    UrgencyChoice,
    WaitTicket,
    packed,
)
from adapters.telegram.markup import CAPTION_LIMIT, Rich, shorten
from adapters.telegram.reactions import CLAIM_EMOJI, RESOLVE_EMOJI
from core.domain import SUPPORTED_LANGUAGES, Level, Priority, TicketKind, TicketState
from core.events import (
    CardChange,
    FaqAnswer,
    FaqChoice,
    FaqNoMatch,
    FaqSuggestions,
    Notice,
    Payload,
    PersonProfile,
    Relay,
    RelayEdited,
    TicketCard,
    TicketList,
    TicketOpened,
    TicketResolved,
    TicketView,
    TriageStep,
    WhichTicket,
)
from core.i18n import t, t_first
from core.presenter import (
    card_change,
    card_fields,
    history_line,
    list_lines,
    no_match_key,
    notice_text,
    profile_lines,
    relay_author,
    ticket_opened_text,
    triage_question,
    triage_skip_key,
)

CARD_TEXT_LIMIT = 3000  # the card keeps room for its fields under the 4096 limit
TOPIC_NAME_LIMIT = 128
BUTTON_TEXT_LIMIT = 60  # an entry's button shows the start of its title
LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "ru": "Русский"}


@dataclass(frozen=True)
class Button:
    text: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class OutMessage:
    """One message to send: HTML pieces (each under the limit), buttons on the last."""

    chunks: tuple[str, ...]
    keyboard: Keyboard = ()


def _out(rich: Rich, keyboard: Keyboard = ()) -> OutMessage:
    return OutMessage(tuple(rich.chunks()), keyboard)


def plain(text: str, keyboard: Keyboard = ()) -> OutMessage:
    return _out(Rich().add(text), keyboard)


def faq_keyboard(lang: str, query_id: int) -> Keyboard:
    return (
        (
            Button(t(lang, "faq.button.helped"), FaqHelped(query_id=query_id).pack()),
            Button(t(lang, "faq.button.human"), FaqHuman(query_id=query_id).pack()),
        ),
    )


def render_payload(lang: str, payload: Payload) -> OutMessage:
    """Any event for a person or for the agents' thread, except the card."""
    if isinstance(payload, FaqAnswer):
        rich = Rich().add(payload.title, "bold").add("\n\n").markdown(payload.answer)
        rich.line().line(t(lang, "faq.did_it_help"), "italic")
        return _out(rich, faq_keyboard(lang, payload.query_id))
    if isinstance(payload, FaqSuggestions):
        rows = [
            (Button(shorten(option.title, BUTTON_TEXT_LIMIT), data),)
            for option in payload.options
            if (data := packed(FaqPick(query_id=payload.query_id, entry_id=option.entry_id)))
        ]
        human = FaqHuman(query_id=payload.query_id).pack()
        rows.append((Button(t(lang, "faq.button.human"), human),))
        return _out(Rich().add(t(lang, "faq.suggest_intro")), tuple(rows))
    if isinstance(payload, FaqNoMatch):
        button = Button(
            t(lang, "faq.button.open_ticket"), FaqHuman(query_id=payload.query_id).pack()
        )
        return _out(Rich().add(t(lang, no_match_key(payload))), ((button,),))
    if isinstance(payload, TicketOpened):
        return _out(Rich().add(ticket_opened_text(lang, payload.ticket)))
    if isinstance(payload, Relay):
        return _out(relay_rich(lang, payload))
    if isinstance(payload, RelayEdited):
        return _out(relay_edited_rich(lang, payload))
    if isinstance(payload, TicketResolved):
        rich = Rich().add(
            t(lang, "ticket.resolved", number=payload.ticket_number, agent=payload.agent_name or "")
        )
        rich.line(t(lang, "ticket.rate_prompt"))
        stars = tuple(
            Button(f"{score}⭐", RateTicket(number=payload.ticket_number, score=score).pack())
            for score in range(1, 6)
        )
        return _out(rich, (stars,))
    if isinstance(payload, TriageStep):
        return triage_step_message(lang, payload)
    if isinstance(payload, TicketList):
        rich = Rich().add(t(lang, payload.title_key), "bold")
        for line in list_lines(lang, payload.tickets, payload.as_of):
            rich.line(line)
        return _out(rich)
    if isinstance(payload, TicketCard):
        return render_card(lang, payload)
    if isinstance(payload, PersonProfile):
        return plain("\n".join(profile_lines(lang, payload)))
    if isinstance(payload, WhichTicket):
        return which_ticket(lang, payload)
    assert isinstance(payload, Notice)
    return _out(Rich().add(notice_rich_text(lang, payload)))


def which_ticket(lang: str, payload: WhichTicket) -> OutMessage:
    """One button per open ticket, and one to make the message a new question."""
    rows = [
        (Button(shorten(f"#{view.number} {view.subject}", 60), data),)
        for view in payload.tickets
        if (data := packed(HeldPlace(held_id=payload.held_id, number=view.number)))
    ]
    new = HeldPlace(held_id=payload.held_id, number=0).pack()
    rows.append((Button(t(lang, "ticket.which.new"), new),))
    return _out(Rich().add(t(lang, "ticket.which")), tuple(rows))


def notice_rich_text(lang: str, notice: Notice) -> str:
    if notice.key.startswith("help."):
        role = notice.key.rsplit(".", 1)[-1]
        linking = t(lang, "link.help")
        return t_first(lang, [f"help.{PLATFORM}.{role}", f"help.{role}"]) + "\n" + linking
    return notice_text(lang, notice, PLATFORM)


def _relay_head(lang: str, relay: Relay | RelayEdited) -> str:
    """Who wrote it; a copy from another platform's agents names theirs, a note says so."""
    number = relay.ticket_number
    if relay.author_role == "agent":
        agent = relay_author(lang, relay.author_name, relay.mirrored_from)
        key = "telegram.relay.note_head" if relay.internal else "telegram.relay.agent_head"
        return t(lang, key, agent=agent, number=number)
    return t(lang, "telegram.relay.requester_head", name=relay.author_name, number=number)


def relay_rich(lang: str, relay: Relay) -> Rich:
    rich = Rich().add(_relay_head(lang, relay), "bold")
    if relay.text:
        rich.line(relay.text)
    return rich


def relay_edited_rich(lang: str, edited: RelayEdited) -> Rich:
    rich = Rich().add(_relay_head(lang, edited), "bold")
    if edited.deleted:
        return rich.line(t(lang, "relay.deleted_mark"), "italic")
    return rich.line(edited.text).add(" ").add(t(lang, "relay.edited_mark"), "italic")


def relay_caption(lang: str, relay: Relay) -> str | None:
    """The relay as a file's caption, when it fits Telegram's caption limit."""
    rich = relay_rich(lang, relay)
    return rich.html() if rich.visible_length() <= CAPTION_LIMIT else None


def topic_name(view: TicketView) -> str:
    return shorten(f"#{view.number} · {view.subject or '…'}", TOPIC_NAME_LIMIT)


def card_keyboard(lang: str, view: TicketView, faq_choices: Sequence[FaqChoice] = ()) -> Keyboard:
    """Claim and resolve while open, resolve (and wait) while claimed, reopen afterwards;
    while active, one row per FAQ entry to resolve with (the plain resolve button is "no
    entry") and the Classify button; the Person button last."""
    person_button = Button(t(lang, "button.person"), PersonOfTicket(number=view.number).pack())
    person = (person_button,)
    resolve = Button(t(lang, "button.resolve"), ResolveTicket(number=view.number).pack())
    entries = _entry_rows(lang, view.number, faq_choices)
    classify = Button(t(lang, "button.classify"), ClassifyTicket(number=view.number).pack())
    last = (classify, person_button)
    if view.state is TicketState.OPEN:
        claim = Button(t(lang, "button.claim"), ClaimTicket(number=view.number).pack())
        return ((claim, resolve), *entries, last)
    if view.state is TicketState.CLAIMED:
        wait = Button(t(lang, "button.wait"), WaitTicket(number=view.number).pack())
        return ((resolve, wait), *entries, last)
    if view.state is TicketState.WAITING:
        return ((resolve,), *entries, last)
    return ((Button(t(lang, "button.reopen"), ReopenTicket(number=view.number).pack()),), person)


TEAMS_PER_ROW = 3


def classify_menu(lang: str, number: int, teams: Sequence[str] = ()) -> OutMessage:
    """The card's Classify menu: kinds, impact and urgency side by side, priorities, and
    the teams when there is more than one. Each press is the same command as the text one
    (/kind, /impact, /urgency, /priority, /team)."""
    kinds = tuple(
        Button(t(lang, f"kind.{kind.value}"), KindChoice(number=number, kind=kind).pack())
        for kind in TicketKind
    )
    levels = tuple(
        (
            Button(
                t(lang, f"telegram.classify.impact.{level.value}"),
                ImpactChoice(number=number, level=level).pack(),
            ),
            Button(
                t(lang, f"telegram.classify.urgency.{level.value}"),
                UrgencyChoice(number=number, level=level).pack(),
            ),
        )
        for level in Level
    )
    priorities = [
        Button(t(lang, f"priority.{p.value}"), PriorityChoice(number=number, priority=p).pack())
        for p in Priority
    ]
    rows: list[tuple[Button, ...]] = [kinds, *levels, tuple(priorities[:2]), tuple(priorities[2:])]
    # A name that cannot be button data (too long, a `:`) is still reachable by /team N NAME.
    team_buttons = [
        Button(shorten(team, BUTTON_TEXT_LIMIT), data)
        for team in teams
        if (data := packed(TeamChoice(number=number, team=team)))
    ]
    if len(teams) > 1:
        rows.extend(
            tuple(team_buttons[i : i + TEAMS_PER_ROW])
            for i in range(0, len(team_buttons), TEAMS_PER_ROW)
        )
    return plain(t(lang, "telegram.classify.title", number=number), tuple(rows))


def _entry_rows(
    lang: str, number: int, choices: Sequence[FaqChoice]
) -> tuple[tuple[Button, ...], ...]:
    rows: list[tuple[Button, ...]] = []
    for choice in choices:
        data = packed(ResolveWithEntry(number=number, entry_id=choice.entry_id))
        if data is not None:  # an id too long for 64 bytes of data: /resolve N faq:ID still works
            label = shorten(t(lang, "button.resolve_with", title=choice.title), BUTTON_TEXT_LIMIT)
            rows.append((Button(label, data),))
    return tuple(rows)


def render_card(lang: str, card: TicketCard) -> OutMessage:
    """The agents' card: one message, edited in place on every change."""
    view = card.ticket
    rich = Rich().add(t(lang, "card.title", number=view.number, subject=view.subject), "bold")
    rich.line(card_change(lang, card), "italic")
    for name, value in card_fields(lang, view, PLATFORM):
        rich.line(f"{name}: ", "bold").add(value)
    if view.delivery_problem:
        rich.line("⚠️ " + t(lang, "card.delivery_problem", reason=view.delivery_problem), "bold")
    history = history_line(lang, view)
    if history:
        rich.line(history, "italic")
    rich.line().line(shorten(view.text, CARD_TEXT_LIMIT), "blockquote")
    rich.line(t(lang, "telegram.card.hint", claim=CLAIM_EMOJI, resolve=RESOLVE_EMOJI), "italic")
    chunks = rich.chunks()
    return OutMessage((chunks[0],), card_keyboard(lang, view, card.faq_choices))


def card_overflow(lang: str, view: TicketView) -> OutMessage | None:
    """The ticket's whole text when the card had to cut it."""
    if len(view.text) <= CARD_TEXT_LIMIT:
        return None
    title = t(lang, "card.title", number=view.number, subject=view.subject)
    return _out(Rich().add(title, "bold").line(view.text))


def change_line(lang: str, card: TicketCard) -> OutMessage:
    """A short line in the ticket's thread saying what changed on the card."""
    text = f"#{card.ticket.number}: {card_change(lang, card)}"
    if card.change is CardChange.DELIVERY_FAILED and card.ticket.delivery_problem:
        text += " — " + t(lang, "card.delivery_problem", reason=card.ticket.delivery_problem)
    return _out(Rich().add(text, "italic"))


# the adapter's own prompts


def greeting(lang: str) -> OutMessage:
    return plain(t(lang, "telegram.start"), language_keyboard())


def language_prompt(lang: str) -> OutMessage:
    return plain(t(lang, "telegram.lang.choose"), language_keyboard())


def language_keyboard() -> Keyboard:
    return (
        tuple(
            Button(LANGUAGE_NAMES[code], Language(lang=code).pack()) for code in SUPPORTED_LANGUAGES
        ),
    )


def triage_step_message(lang: str, step: TriageStep) -> OutMessage:
    """A triage question with one button per choice, then skip (or "I want a person" after
    the area's FAQ entries) and cancel; the description step is answered by a message.
    A question about a ticket opened already has no cancel: its skip ends the questions."""

    def choice(index: int) -> ButtonData:
        if step.ticket_number is not None:
            return TicketTriageChoice(number=step.ticket_number, step=step.step, index=index)
        return TriagePickChoice(step=step.step, index=index)

    rows: list[tuple[Button, ...]] = []
    for index, option in enumerate(step.choices):
        label = t(lang, option.label_key) if option.label_key else option.label
        data = packed(choice(index))
        if data:
            rows.append((Button(shorten(label, 60), data),))
    if step.step == "faq":
        rows.append((Button(t(lang, "triage.faq.human"), choice(PERSON).pack()),))
    elif step.step != "text":
        rows.append((Button(t(lang, triage_skip_key(step)), choice(SKIP).pack()),))
    if step.ticket_number is None:
        cancel = TriageCancelChoice().pack()
        rows.append((Button(t(lang, "telegram.triage.cancel_button"), cancel),))
    return plain(triage_question(lang, step), tuple(rows))
