"""Delivers core events to Slack through the Web API (called by the outbox dispatcher)."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.codecs import decode_place, message_ref, split_ref
from adapters.slack.errors import ErrorKind, delivery_error, is_kind
from adapters.slack.render import SlackMessage, message_for
from adapters.slack.views import home_view
from core.events import Event, PersonTarget, Relay, RelayEdited, TicketCard, TicketList
from core.storage.refs import RefStore

KIND_CARD = "card"  # ticket number -> card ts in the agents' channel
KIND_RELAY = "relay"  # core message id -> "channel:ts" of the relayed copy
KIND_DM = "dm"  # user id -> their DM channel with the bot


class SlackSender:
    def __init__(self, client: AsyncWebClient, refs: RefStore, agents_channel: str) -> None:
        self.client = client
        self.refs = refs
        self.agents_channel = agents_channel
        self._dm_channels: dict[str, str] = {}  # a person's DM channel id never changes

    async def send(self, event: Event) -> None:
        try:
            if isinstance(event.target, PersonTarget):
                await self._to_person(event, event.target)
            else:
                await self._to_thread(event, event.target.ticket_number)
        except SlackApiError as error:
            raise delivery_error(error) from error

    # the agents' side

    async def _to_thread(self, event: Event, number: int) -> None:
        message = message_for(event)
        payload = event.payload
        card_ts = await self.refs.get(KIND_CARD, str(number))
        if isinstance(payload, TicketCard):
            if card_ts is not None and await self._update(self.agents_channel, card_ts, message):
                return
            response = await self.client.chat_postMessage(
                channel=self.agents_channel, unfurl_links=False, **message.kwargs()
            )
            await self.refs.put(KIND_CARD, str(number), str(response["ts"]))
            return
        if isinstance(payload, RelayEdited) and await self._update_copy(
            payload.message_id, message
        ):
            return
        response = await self.client.chat_postMessage(
            channel=self.agents_channel, thread_ts=card_ts, **message.kwargs()
        )
        if isinstance(payload, Relay):
            await self.refs.put(
                KIND_RELAY,
                str(payload.message_id),
                message_ref(self.agents_channel, str(response["ts"])),
            )

    # the person's side

    async def _to_person(self, event: Event, target: PersonTarget) -> None:
        message = message_for(event)
        payload = event.payload
        place = decode_place(target.context)
        if place.home and isinstance(payload, TicketList):
            await self.client.views_publish(
                user_id=target.user_id, view=home_view(event.lang, payload.tickets)
            )
            return
        if isinstance(payload, RelayEdited) and await self._update_copy(
            payload.message_id, message
        ):
            return
        if place.ephemeral and place.channel:
            await self.client.chat_postEphemeral(
                channel=place.channel,
                user=target.user_id,
                thread_ts=place.thread_ts,
                **message.kwargs(),
            )
            return
        channel = place.channel or await self._dm_channel(target.user_id)
        response = await self.client.chat_postMessage(
            channel=channel, thread_ts=place.thread_ts, unfurl_links=False, **message.kwargs()
        )
        if isinstance(payload, Relay):
            await self.refs.put(
                KIND_RELAY, str(payload.message_id), message_ref(channel, str(response["ts"]))
            )

    async def _dm_channel(self, user_id: str) -> str:
        channel = self._dm_channels.get(user_id) or await self.refs.get(KIND_DM, user_id)
        if channel is None:
            response = await self.client.conversations_open(users=user_id)
            channel = str(response["channel"]["id"])
            await self.refs.put(KIND_DM, user_id, channel)
        self._dm_channels[user_id] = channel
        return channel

    # in-place updates

    async def _update_copy(self, message_id: int, message: SlackMessage) -> bool:
        ref = await self.refs.get(KIND_RELAY, str(message_id))
        if ref is None:
            return False
        channel, ts = split_ref(ref)
        return await self._update(channel, ts, message)

    async def _update(self, channel: str, ts: str, message: SlackMessage) -> bool:
        """chat.update; False when the message is gone (then the caller posts anew)."""
        try:
            await self.client.chat_update(channel=channel, ts=ts, **message.kwargs())
        except SlackApiError as error:
            if is_kind(error, ErrorKind.MESSAGE_GONE):
                return False
            raise
        return True
