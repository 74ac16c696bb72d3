"""Delivers core events to Slack through the Web API (called by the outbox dispatcher).

Every post carries its delivery's mark (adapters.slack.marks); a post whose
answer was lost raises MaybeSent, and `verify` then looks for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.common.triage import PendingTriage
from adapters.slack import marks
from adapters.slack.codecs import PLATFORM, decode_place, message_ref, split_ref
from adapters.slack.errors import ErrorKind, delivery_error, error_code, is_kind
from adapters.slack.files import FilePasser, RelayedFiles
from adapters.slack.foreign_files import CrossingFiles
from adapters.slack.home import show_on_surface
from adapters.slack.render import SlackMessage, message_for
from core.events import (
    AgentsTarget,
    Event,
    PersonTarget,
    Relay,
    RelayEdited,
    RelayRetracted,
    TicketCard,
    TicketOpened,
    TriageStep,
    ticket_number_of,
)
from core.files import FileSources, ForeignFiles
from core.storage.refs import RefStore
from core.unknown_outcome import MaybeSent

KIND_CARD = "card"  # ticket number -> card ts in the agents' channel


def card_kind(channel: str, agents_channel: str) -> str:
    """The ref kind of cards in `channel`: a team's own channel keeps its cards apart
    (a ticket moved to another team gets a new card there, the old one stays)."""
    return KIND_CARD if channel == agents_channel else f"{KIND_CARD}:{channel}"


KIND_RELAY = "relay"  # core message id -> "channel:ts" of the relayed copy
# core message id -> "channel:ts" of the copy of another platform's agent's message in a
# ticket's thread (apart from the requester's copy of the same message, in their DM)
KIND_MIRROR = "mirror"


def copy_kind(payload: Relay | RelayEdited) -> str:
    return KIND_MIRROR if payload.mirrored_from is not None else KIND_RELAY


KIND_DM = "dm"  # user id -> their DM channel with the bot
KIND_TRIAGE = "triage"  # user id -> the triage step they were asked last
# ticket number -> "channel:ts" of its "Ticket #N opened" message in the requester's DM:
# the ticket's thread there, where everything about it goes and replies are its messages
KIND_DM_THREAD = "dm_thread"


class SlackSender:
    def __init__(
        self,
        client: AsyncWebClient,
        refs: RefStore,
        agents_channel: str,
        files: FilePasser | None = None,
        people: Callable[[], Mapping[str, str]] | None = None,
        teams: Sequence[str] = (),
        foreign_files: FileSources | None = None,
    ) -> None:
        self.client = client
        self.teams = tuple(teams)  # the service's: a card offers to move its ticket to one
        passer = files or FilePasser(client)
        self.files = RelayedFiles(client, refs, agents_channel, self._card_ts, passer)
        # Files shared on the other platforms, read there (the composition root fills it).
        foreign = ForeignFiles(foreign_files if foreign_files is not None else {}, PLATFORM)
        # one limit (SLACK_MAX_FILE_MB) for Slack's own files and those crossing
        self.crossing = CrossingFiles(client, refs, foreign, max_bytes=passer.max_bytes)
        # display name -> user id: the people a relayed message mentions notified again
        self.people = people or dict
        self.refs = refs
        self.agents_channel = agents_channel
        self._dm_channels: dict[str, str] = {}  # a person's DM channel id never changes
        # Posts whose answer was lost, by mark: looked for before posting them again.
        self._lost: dict[str, marks.Attempt] = {}

    async def send(self, event: Event) -> None:
        await self.send_marked(event, None)

    async def send_marked(self, event: Event, marker: str | None) -> None:
        try:
            if isinstance(event.target, PersonTarget):
                await self._to_person(event, event.target, marker)
            elif isinstance(event.target, AgentsTarget):
                await self._post(
                    marker,
                    channel=event.target.place or self.agents_channel,
                    thread_ts=None,
                    **message_for(event, teams=self.teams).kwargs(),
                )
            else:
                channel = event.target.place or self.agents_channel
                await self._to_thread(event, event.target.ticket_number, channel, marker)
        except SlackApiError as error:
            raise delivery_error(error) from error

    async def verify(self, event: Event, marker: str) -> bool | None:
        """Whether Slack has the post whose answer was lost (then its follow-up is done)."""
        lost = self._lost.get(marker)
        if lost is None:
            return None  # not a post of ours (an ephemeral, an update): cannot tell
        ts = await marks.find(self.client, lost, marker)
        if ts is None:
            return False
        del self._lost[marker]
        await lost.after(ts)
        return True

    async def _post(
        self,
        marker: str | None,
        *,
        channel: str,
        thread_ts: str | None,
        after: marks.AfterPost = marks.nothing_after,
        **kwargs: Any,
    ) -> None:
        """chat.postMessage carrying the mark; a lost answer is looked for before posting again."""
        if marker is not None and marker in self._lost:
            ts = await marks.find(self.client, self._lost[marker], marker)
            if ts is not None:
                del self._lost[marker]
                await after(ts)
                return
        where = marks.attempt(channel, thread_ts, after)
        try:
            response = await self.client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                metadata=marks.metadata(marker) if marker is not None else None,
                **kwargs,
            )
        except Exception as error:
            if not marks.answer_lost(error):
                raise
            if marker is not None:
                self._lost[marker] = where
            raise MaybeSent(f"slack chat.postMessage: {type(error).__name__}") from error
        self._lost.pop(marker or "", None)
        await after(str(response["ts"]))

    # the agents' side

    async def _to_thread(self, event: Event, number: int, channel: str, marker: str | None) -> None:
        """To the ticket's card and thread in `channel` (its team's agents' channel)."""
        message = message_for(event, self._mentionable(event), self.teams)
        payload = event.payload
        kind = card_kind(channel, self.agents_channel)
        card_ts = await self.refs.get(kind, str(number))
        if isinstance(payload, TicketCard):
            if card_ts is not None and await self._update(channel, card_ts, message):
                return

            async def remember_card(ts: str) -> None:
                await self.refs.put(kind, str(number), ts)

            await self._post(
                marker,
                channel=channel,
                thread_ts=None,
                after=remember_card,
                unfurl_links=False,
                **message.kwargs(),
            )
            return
        if isinstance(payload, RelayEdited) and await self._update_copy(payload, message):
            return
        if isinstance(payload, RelayRetracted):
            await self._retract(payload.message_id, message)
            return
        after = self._after_post(payload, channel, card_ts, event.lang)
        if await self._copied(payload):
            await after("")  # a retry for the files: the text is there already
            return
        await self._post(
            marker,
            channel=channel,
            thread_ts=card_ts,
            after=after,
            **message.kwargs(),
        )

    # the person's side

    async def _to_person(self, event: Event, target: PersonTarget, marker: str | None) -> None:
        message = message_for(event, self._mentionable(event), self.teams)
        payload = event.payload
        place = decode_place(target.context)
        if isinstance(payload, RelayRetracted):
            await self._retract(payload.message_id, message)
            return
        if await show_on_surface(self.client, target.user_id, event.lang, payload, place):
            return
        if isinstance(payload, RelayEdited) and await self._update_copy(payload, message):
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
        thread_ts = place.thread_ts
        ticket = ticket_number_of(payload)
        if ticket is not None and channel.startswith("D") and isinstance(payload, TicketOpened):
            thread_ts = None  # the ticket's thread starts here
            after = self._remember_ticket_thread(ticket, channel)
        else:
            if ticket is not None and channel.startswith("D"):
                channel, thread_ts = await self._ticket_thread(ticket, channel, thread_ts)
            after = self._after_post(payload, channel, thread_ts, event.lang)
        if await self._copied(payload):
            await after("")  # a retry for the files: the text is there already
            return
        await self._post(
            marker,
            channel=channel,
            thread_ts=thread_ts,
            after=after,
            unfurl_links=False,
            **message.kwargs(),
        )
        if isinstance(payload, TriageStep):
            # The buttons carry only the step and the pick: the answers so far wait here.
            await self.refs.put(KIND_TRIAGE, target.user_id, PendingTriage.of(payload).encode())

    async def _card_ts(self, number: int) -> str | None:
        return await self.refs.get(KIND_CARD, str(number))

    def _mentionable(self, event: Event) -> Mapping[str, str] | None:
        """The people a relayed message may mention, only for one that names someone."""
        payload = event.payload
        if isinstance(payload, Relay) and "@" in payload.text:
            return self.people()
        return None

    # files

    def _after_post(
        self, payload: object, channel: str, thread_ts: str | None, lang: str
    ) -> marks.AfterPost:
        """What follows a post: a relay's copy is remembered and its files passed on, also
        when the post's answer was lost and the post was found later (`verify`)."""
        remember = self._remember_copy(payload, channel)
        if not isinstance(payload, Relay) or not payload.attachments:
            return remember
        relay = payload

        async def then(ts: str) -> None:
            if ts:
                await remember(ts)
            if self.crossing.crossing(relay):
                await self.crossing.pass_files(relay, channel, thread_ts, lang)
            else:
                await self.files.pass_files(relay, channel, thread_ts, lang)

        return then

    async def _copied(self, payload: object) -> bool:
        """Whether this relay's text is already posted (a retry for its files)."""
        if not isinstance(payload, Relay) or not payload.attachments:
            return False
        return await self.refs.get(copy_kind(payload), str(payload.message_id)) is not None

    async def _ticket_thread(
        self, ticket: int, channel: str, thread_ts: str | None
    ) -> tuple[str, str | None]:
        """Where a message about `ticket` goes in the DM: its thread, once it has one."""
        ref = await self.refs.get(KIND_DM_THREAD, str(ticket))
        if ref is None:
            return channel, thread_ts
        thread_channel, ts = split_ref(ref)
        return (thread_channel, ts) if thread_channel == channel else (channel, thread_ts)

    def _remember_ticket_thread(self, ticket: int, channel: str) -> marks.AfterPost:
        async def remember(ts: str) -> None:
            await self.refs.put(KIND_DM_THREAD, str(ticket), message_ref(channel, ts))

        return remember

    def _remember_copy(self, payload: object, channel: str) -> marks.AfterPost:
        """A relayed message's copy is remembered, so that its edits find it."""
        if not isinstance(payload, Relay):
            return marks.nothing_after
        message_id, kind = payload.message_id, copy_kind(payload)

        async def remember(ts: str) -> None:
            await self.refs.put(kind, str(message_id), message_ref(channel, ts))

        return remember

    async def _dm_channel(self, user_id: str) -> str:
        channel = self._dm_channels.get(user_id) or await self.refs.get(KIND_DM, user_id)
        if channel is None:
            response = await self.client.conversations_open(users=user_id)
            channel = str(response["channel"]["id"])
            await self.refs.put(KIND_DM, user_id, channel)
        self._dm_channels[user_id] = channel
        return channel

    # in-place updates

    async def _retract(self, message_id: int, placeholder: SlackMessage) -> None:
        """chat.delete of a relayed copy; where Slack will not delete it, a neutral
        placeholder replaces it. A copy never posted, or already gone, needs nothing."""
        await self.files.withdraw(message_id)
        ref = await self.refs.get(KIND_RELAY, str(message_id))
        if ref is None:
            return
        channel, ts = split_ref(ref)
        try:
            await self.client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as error:
            if is_kind(error, ErrorKind.MESSAGE_GONE):
                return
            if error_code(error) != "cant_delete_message":
                raise
            await self._update(channel, ts, placeholder)

    async def _update_copy(self, edited: RelayEdited, message: SlackMessage) -> bool:
        ref = await self.refs.get(copy_kind(edited), str(edited.message_id))
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
