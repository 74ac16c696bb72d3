"""A withdrawn reply, where deleting is impossible (the console's printed lines), is a line
saying so, never the note it became."""

from __future__ import annotations

from adapters.console.translate import format_event
from core.events import Event, PersonTarget, RelayRetracted


def test_a_withdrawn_reply_is_a_line_saying_so() -> None:
    event = Event(
        target=PersonTarget(platform="console", user_id="alice"),
        lang="en",
        payload=RelayRetracted(
            ticket_number=1, message_id=7, author_name="bob", author_role="agent"
        ),
    )
    assert format_event(event) == "[to alice] bob withdrew a message (#1)."
    polish = event.model_copy(update={"lang": "pl"})
    assert format_event(polish) == "[to alice] Wiadomość od bob została wycofana (#1)."
