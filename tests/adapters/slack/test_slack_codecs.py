"""Button data, block ids and the error taxonomy: what we post is what we parse back."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from adapters.slack import codecs, errors
from core.delivery import PermanentFailure, RetryLater
from core.domain import Priority

BUTTONS = [
    codecs.FaqFeedbackButton(12, helped=True),
    codecs.FaqFeedbackButton(12, helped=False),
    codecs.FaqPickButton(12, "vpn-access", index=2),
    codecs.RatingButton(3, 5),
    codecs.CardButton(codecs.CardAction.CLAIM, 3),
    codecs.CardButton(codecs.CardAction.RESOLVE, 3),
    codecs.CardButton(codecs.CardAction.REOPEN, 3),
    codecs.TriageButton("kind", 1),
    codecs.TriageButton("impact", -1, ticket=2147483647),  # a question after ticket opened
]


@pytest.mark.parametrize("button", BUTTONS, ids=repr)
def test_every_button_parses_back_to_itself(button: Any) -> None:
    parsed = codecs.parse_action({"action_id": button.action_id, "value": button.value})
    # the pick's index only keeps action ids unique in a block; it is not read back
    expected = codecs.FaqPickButton(12, "vpn-access") if button == BUTTONS[2] else button
    assert parsed == expected
    assert codecs.ACTION_PATTERN.match(button.action_id)


def test_selects_on_a_card_parse_back() -> None:
    option = codecs.PriorityOption(4, Priority.HIGH)
    assert (
        codecs.parse_action(
            {"action_id": option.action_id, "selected_option": {"value": option.value}}
        )
        == option
    )
    assert codecs.parse_action(
        {
            "action_id": codecs.AssignSelect.action_id,
            "block_id": codecs.card_block_id(4),
            "selected_user": "UBOB",
        }
    ) == codecs.AssignSelect(4, "UBOB")


def test_buttons_already_posted_still_parse() -> None:
    posted: list[tuple[dict[str, Any], Any]] = [
        ({"action_id": "faq_helped", "value": "7"}, codecs.FaqFeedbackButton(7, True)),
        ({"action_id": "faq_human", "value": "7"}, codecs.FaqFeedbackButton(7, False)),
        ({"action_id": "faq_pick:1", "value": "7:wifi"}, codecs.FaqPickButton(7, "wifi")),
        ({"action_id": "rate:4", "value": "9:4"}, codecs.RatingButton(9, 4)),
        ({"action_id": "card_claim", "value": "9"}, codecs.CardButton(codecs.CardAction.CLAIM, 9)),
        (
            {"action_id": "card_priority", "selected_option": {"value": "9:urgent"}},
            codecs.PriorityOption(9, Priority.URGENT),
        ),
        (
            {"action_id": "card_assign", "block_id": "card:9", "selected_user": "U1"},
            codecs.AssignSelect(9, "U1"),
        ),
        (
            {"action_id": "card_resolve_faq", "selected_option": {"value": "9:vpn-access"}},
            codecs.ResolveEntryOption(9, "vpn-access"),
        ),
        (
            {"action_id": "card_resolve_faq", "selected_option": {"value": "9:"}},
            codecs.ResolveEntryOption(9, None),
        ),
    ]
    for action, expected in posted:
        assert codecs.parse_action(action) == expected


def test_foreign_or_broken_actions_are_not_ours() -> None:
    assert codecs.parse_action({"action_id": "someone_else", "value": "1"}) is None
    assert codecs.parse_action({"action_id": "card_claim", "value": "x"}) is None
    assert codecs.parse_action({"action_id": "card_assign", "block_id": "card:1"}) is None


def _api_error(code: str, status: int = 200, headers: dict[str, Any] | None = None) -> Any:
    response = AsyncSlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.test/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": code},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError(code, response)


def test_one_taxonomy_sorts_delivery_and_token_errors() -> None:
    assert isinstance(errors.delivery_error(_api_error("channel_not_found")), PermanentFailure)
    later = errors.delivery_error(_api_error("ratelimited", 429, {"Retry-After": "7"}))
    assert isinstance(later, RetryLater) and later.seconds == 7.0
    assert errors.is_kind(_api_error("message_not_found"), errors.ErrorKind.MESSAGE_GONE)
    assert errors.refused_token_code(_api_error("invalid_auth")) == "invalid_auth"
    assert errors.refused_token_code(_api_error("channel_not_found")) is None
    account = _api_error("account_inactive")
    assert isinstance(errors.delivery_error(account), PermanentFailure)
    assert errors.refused_token_code(account) == "account_inactive"
