"""Socket Mode: the same bot, with updates arriving as envelopes over Slack's websocket.

Each envelope must be acked over the socket with `{"envelope_id": ...}` (plus a
`payload` when the app answers in the ack); the work still goes out over the Web API.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.adapters.slack.conftest import (
    ALICE,
    GENERAL,
    Posted,
    SlackHarness,
    command_fields,
    event_callback,
    interaction_payload,
    running_slack,
)
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN


class SocketModeHarness(SlackHarness):
    """Sends the harness's updates as Socket Mode envelopes and waits for each ack.

    The `Posted` it returns stands for the ack, as the HTTP response does over HTTP:
    status 200 and the ack's payload, if any, as the body.
    """

    async def envelope(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int | None = None,
    ) -> Posted:
        envelope_id = await self.api.send_envelope(
            kind,
            payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason="timeout" if retry_attempt else None,
        )
        ack = await self.api.wait_ack(envelope_id)
        return Posted(200, json.dumps(ack["payload"]) if "payload" in ack else "")

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> Posted:
        return await self.envelope(
            "events_api", event_callback(event, event_id), retry_attempt=retry_num
        )

    async def command(self, user: str, text: str, channel: str = GENERAL) -> Posted:
        sent = self.api.typed(text, slash=True)
        return await self.envelope(
            "slash_commands", command_fields(user, sent, channel), accepts_response_payload=True
        )

    async def interaction(self, payload: dict[str, Any]) -> Posted:
        payload = interaction_payload(payload)
        # Only modal submissions can answer in the ack (response_action).
        accepts = payload.get("type") == "view_submission"
        return await self.envelope("interactive", payload, accepts_response_payload=accepts)


@pytest.fixture
async def socket_slack(tmp_path: Path, small_kb: Path) -> AsyncIterator[SocketModeHarness]:
    async with running_slack(tmp_path, small_kb, app_token=APP_TOKEN) as h:
        yield SocketModeHarness(h.api, h.core, h.clock, h.url, h.session, h.runtime)


def _acks_match_envelopes(slack: SlackHarness) -> None:
    """Every envelope pushed so far was acked exactly once, with nothing but its id."""
    sent = [e["envelope_id"] for e in slack.api.envelopes]
    assert slack.api.acks == [{"envelope_id": envelope_id} for envelope_id in sent]
    assert slack.api.socket_texts == []


async def test_the_socket_is_opened_with_the_app_token_through_our_api_url(
    socket_slack: SocketModeHarness,
) -> None:
    opened = socket_slack.api.calls_of("apps.connections.open")
    assert opened  # once to check the token at start, then by the socket client
    assert {call.headers["Authorization"] for call in opened} == {f"Bearer {APP_TOKEN}"}
    await socket_slack.api.wait_socket()
    assert len(socket_slack.api.sockets) == 1


async def test_a_dm_over_the_socket_is_acked_and_answered_from_the_faq(
    socket_slack: SocketModeHarness,
) -> None:
    await socket_slack.dm(ALICE, "How do I connect to the VPN?")
    _acks_match_envelopes(socket_slack)
    # acked only once stored, and the answer is not sent in the ack
    assert await socket_slack.core.inbox.depth() == {"pending": 1}
    assert socket_slack.api.calls_of("chat.postMessage") == []

    await socket_slack.deliver()
    [post] = socket_slack.api.calls_of("chat.postMessage")
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    [answer] = socket_slack.api.posted(socket_slack.api.dms[ALICE])
    assert "Connecting to the VPN" in answer.text

    # the answer's button comes back as an `interactive` envelope
    helped = next(e for b in answer.blocks or [] if b["type"] == "actions" for e in b["elements"])
    assert helped["action_id"] == "faq_helped"
    await socket_slack.click(ALICE, socket_slack.api.dms[ALICE], answer.ts, helped)
    _acks_match_envelopes(socket_slack)
    await socket_slack.deliver()
    assert socket_slack.api.dm_texts(ALICE)[-1] == "Glad it helped!"


async def test_a_slash_command_over_the_socket_opens_a_ticket(
    socket_slack: SocketModeHarness,
) -> None:
    await socket_slack.command(ALICE, "My laptop screen flickers")
    _acks_match_envelopes(socket_slack)
    await socket_slack.deliver()
    assert socket_slack.api.dm_texts(ALICE) == [
        "Ticket #1 opened: “My laptop screen flickers”. An agent will reply here.",
        "To help the agents with ticket #1 (optional):\nWhat is it?",
    ]
    card = socket_slack.card(1)  # the card in the agents' channel
    assert "<@UALICE>" in str(card.blocks) and "My laptop screen flickers" in str(card.blocks)


async def test_a_refused_slash_command_is_answered_in_the_ack(
    socket_slack: SocketModeHarness,
) -> None:
    await socket_slack.command(ALICE, "claim")
    [envelope] = socket_slack.api.envelopes
    assert socket_slack.api.acks == [
        {"envelope_id": envelope["envelope_id"], "payload": {"text": "Usage: /ticket claim N"}}
    ]
    assert await socket_slack.core.inbox.depth() == {}


async def test_a_redelivered_envelope_is_acked_again_but_answered_once(
    socket_slack: SocketModeHarness,
) -> None:
    api = socket_slack.api
    event = socket_slack.dm_event(ALICE, "How do I connect to the VPN?")
    # Slack redelivers an unacked event in a new envelope with the same event_id.
    await socket_slack.event(event, event_id="Ev1")
    await socket_slack.event(event, event_id="Ev1", retry_num=1)
    assert len(api.envelopes) == 2
    _acks_match_envelopes(socket_slack)
    await socket_slack.deliver()
    assert len(api.dm_texts(ALICE)) == 1


async def test_after_slack_asks_to_reconnect_envelopes_arrive_on_the_new_socket(
    socket_slack: SocketModeHarness,
) -> None:
    api = socket_slack.api
    first = await api.wait_socket()
    opened = len(api.calls_of("apps.connections.open"))
    await api.send_disconnect()
    await api.wait_replaced(first)
    assert len(api.calls_of("apps.connections.open")) == opened + 1
    await socket_slack.command(ALICE, "Printer on floor two is jammed")
    _acks_match_envelopes(socket_slack)
    await socket_slack.deliver()
    assert "Printer on floor two is jammed" in socket_slack.card(1).text


async def test_the_http_events_route_is_not_mounted(socket_slack: SocketModeHarness) -> None:
    body = json.dumps(event_callback({"type": "app_mention", "user": ALICE, "text": "hi"}))
    response = await socket_slack.post(body, "application/json")
    assert response.status == 404
    assert await socket_slack.core.inbox.depth() == {}


@pytest.mark.parametrize(
    ("app_token", "reason"),
    [
        (BOT_TOKEN, "must be the app-level token"),  # the bot token pasted in
        ("xapp-1-A0001-1-revoked", "invalid_auth"),
    ],
)
async def test_a_wrong_app_token_stops_the_start_with_its_reason(
    tmp_path: Path, small_kb: Path, app_token: str, reason: str
) -> None:
    with pytest.raises(SystemExit, match=reason):
        async with running_slack(tmp_path, small_kb, app_token=app_token):
            pass
