"""A card says what just happened through CardChange; the outbox keeps old rows readable."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from core.domain import Priority, TicketState
from core.events import (
    CardChange,
    Event,
    TicketCard,
    TicketThreadTarget,
    TicketView,
    event_from_json,
    event_to_json,
)
from core.i18n import has_key, t
from core.presenter import card_change, card_change_key, render_text

VIEW = TicketView(
    number=7,
    platform="slack",
    requester_user_id="U1",
    requester_name="Alice",
    assignee_user_id=None,
    assignee_name=None,
    subject="VPN",
    text="VPN drops",
    category="it",
    priority=Priority.NORMAL,
    state=TicketState.CLAIMED,
    created_at=datetime(2024, 5, 1, 9, 0, tzinfo=UTC),
)


def card_event(change: CardChange) -> Event:
    return Event(
        target=TicketThreadTarget(platform="slack", ticket_number=7),
        lang="en",
        payload=TicketCard(ticket=VIEW, change=change, actor_name="Bob"),
    )


@pytest.mark.parametrize("change", list(CardChange))
def test_every_change_has_words_in_the_catalog(change: CardChange) -> None:
    assert has_key(card_change_key(change))


@pytest.mark.parametrize("change", list(CardChange))
def test_a_card_survives_the_outbox(change: CardChange) -> None:
    event = card_event(change)
    assert event_from_json(event_to_json(event)) == event


def test_a_card_stored_with_its_catalog_key_still_loads() -> None:
    stored = json.loads(event_to_json(card_event(CardChange.CLAIMED)))
    stored["payload"]["change"] = "card.change.claimed"  # as rows were written before CardChange

    loaded = event_from_json(json.dumps(stored))

    assert isinstance(loaded.payload, TicketCard)
    assert loaded.payload.change is CardChange.CLAIMED
    assert card_change("en", loaded.payload) == t("en", "card.change.claimed", actor="Bob")
    assert render_text(loaded) == render_text(card_event(CardChange.CLAIMED))
