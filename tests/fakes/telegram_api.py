"""A fake Telegram Bot API server over real HTTP on 127.0.0.1.

It answers `POST /bot<token>/<method>` the way the documented Bot API does
(https://core.telegram.org/bots/api): `{"ok": true, "result": ...}` on success,
`{"ok": false, "error_code": ..., "description": ...}` on failure, 429 with
`parameters.retry_after`, 403 "Forbidden: bot was blocked by the user".
A test can make an answer undecodable: the call takes effect and is answered
`ok: true` with a result lacking fields the docs call always present (as
Telegram once answered a sendVideo without the video's `width`, `height` and
`duration`, https://core.telegram.org/bots/api#video), or late, after taking
effect (sendMessage takes no idempotency key, https://core.telegram.org/bots/api#sendmessage,
so a client whose wait for the answer ran out cannot tell whether it was sent).
HTML parse mode is checked as Telegram checks it (allowed tags and attributes,
`href` required, nesting, `<` and `&` escaped, at most 4096 characters of visible
text), so a test sees the same rejections a real bot would. Like Telegram, it
refuses to write first to a person who never wrote to the bot, filters updates
by `allowed_updates`, delivers reactions only where the bot is an administrator,
forgets deleted topics, refuses button data over 64 bytes and reactions outside
Telegram's set, compares edits on the rendered text, and moves a group that
became a supergroup. Files people sent can be fetched as a bot fetches them (getFile,
then the file path's download link) and files can be uploaded with multipart/form-data;
the size limits of both are Telegram's. Every behaviour names its source where it is modelled.
Every call is recorded; tests push updates for getUpdates and build them with
the helpers at the bottom.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# Fields that are plain strings even when they look like JSON ("123", "true").
_STRING_FIELDS = {
    "text",
    "caption",
    "name",
    "description",
    "secret_token",
    "url",
    "parse_mode",
    "callback_query_id",
    "photo",
    "document",
    "voice",
    "video",
    "audio",
    "language_code",
    "icon_custom_emoji_id",
}
_ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "tg-emoji", "code", "pre", "blockquote", "tg-time",
}  # fmt: skip
# What each tag means, so that `<b>` and `<strong>` render (and compare) the same.
_ENTITY_OF = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
    "del": "strikethrough", "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link",
    "tg-emoji": "custom_emoji", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-time": "date_time",
}  # fmt: skip
# https://core.telegram.org/bots/api#html-style: the only attributes a tag may carry.
_ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "span": {"class"},
    "tg-emoji": {"emoji-id"},
    "code": {"class"},
    "blockquote": {"expandable"},
    "tg-time": {"unix", "format"},
}
# https://core.telegram.org/bots/api#formatting-options: bold, italic, underline,
# strikethrough and spoiler may contain and be part of any other entity except pre and
# code; blockquotes are not nested; all other entities cannot contain each other. Tags
# themselves must nest properly (a mismatched end tag is refused); an entity the rules
# do not allow where it stands is not shown (Telegram normalises entities the way
# tdlib's fix_formatted_text does), so the text keeps only the outer one.
_FREE_NESTING = {"bold", "italic", "underline", "strikethrough", "spoiler"}
# https://core.telegram.org/bots/api#reactiontypeemoji: the emoji a reaction may be.
REACTION_EMOJI = frozenset(
    [
        "❤",
        "👍",
        "👎",
        "🔥",
        "🥰",
        "👏",
        "😁",
        "🤔",
        "🤯",
        "😱",
        "🤬",
        "😢",
        "🎉",
        "🤩",
        "🤮",
        "💩",
        "🙏",
        "👌",
        "🕊",
        "🤡",
        "🥱",
        "🥴",
        "😍",
        "🐳",
        "❤\u200d🔥",
        "🌚",
        "🌭",
        "💯",
        "🤣",
        "⚡",
        "🍌",
        "🏆",
        "💔",
        "🤨",
        "😐",
        "🍓",
        "🍾",
        "💋",
        "🖕",
        "😈",
        "😴",
        "😭",
        "🤓",
        "👻",
        "👨\u200d💻",
        "👀",
        "🎃",
        "🙈",
        "😇",
        "😨",
        "🤝",
        "✍",
        "🤗",
        "🫡",
        "🎅",
        "🎄",
        "☃",
        "💅",
        "🤪",
        "🗿",
        "🆒",
        "💘",
        "🙉",
        "🦄",
        "😘",
        "💊",
        "🙊",
        "😎",
        "👾",
        "🤷\u200d♂",
        "🤷",
        "🤷\u200d♀",
        "😡",
    ]
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ATTRIBUTE = re.compile(
    r"""\s*([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?"""
)
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")


class BotApiError(Exception):
    def __init__(
        self,
        code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _parse_error(detail: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: can't parse entities: {detail}")


def _attributes(tag: str, raw: str, offset: int) -> dict[str, str]:
    """A start tag's attributes, refused as Telegram refuses them."""
    found: dict[str, str] = {}
    position = 0
    while raw[position:].strip():
        match = _ATTRIBUTE.match(raw, position)
        if match is None or match.end() == position:
            raise _parse_error(
                f"Expected equal sign in declaration of an attribute at byte offset {offset}"
            )
        name = match.group(1).lower()
        value = next((v for v in match.group(2, 3, 4) if v is not None), "")
        if name not in _ALLOWED_ATTRIBUTES.get(tag, set()):
            raise _parse_error(
                f'Unsupported attribute "{name}" of tag "{tag}" at byte offset {offset}'
            )
        found[name] = html.unescape(value)
        position = match.end()
    if tag == "a" and not found.get("href"):
        raise _parse_error(f'Tag "a" must have attribute "href" at byte offset {offset}')
    if tag == "span" and found.get("class") != "tg-spoiler":
        raise _parse_error(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if tag == "code" and not found.get("class", "language-").startswith("language-"):
        raise _parse_error(f'Unsupported class of tag "code" at byte offset {offset}')
    if tag == "tg-emoji" and not found.get("emoji-id"):
        raise _parse_error(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')
    return found


def _may_nest(kind: str, open_kinds: list[str]) -> bool:
    """Whether an entity of `kind` is shown inside the entities still open around it."""
    for outer in open_kinds:
        if outer in ("pre", "code"):
            allowed = outer == "pre" and kind == "code"
        elif outer == "blockquote":
            allowed = kind not in ("blockquote", "expandable_blockquote")
        else:
            allowed = outer in _FREE_NESTING or kind in _FREE_NESTING
        if not allowed:
            return False
    return True


Entity = tuple[str, int, int, str]  # (type, offset, length, its url/language/id)


def render_html(text: str) -> tuple[str, tuple[Entity, ...]]:
    """The visible text and entities of an HTML-parse-mode message, or BotApiError like
    Telegram's (https://core.telegram.org/bots/api#html-style)."""
    out: list[str] = []
    stack: list[tuple[str, str, int, str]] = []  # (tag, kind, start, detail)
    entities: list[Entity] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "<":
            match = _TAG.match(text, i)
            if match is None:
                raise _parse_error(f"Unexpected end tag at byte offset {i}")
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if tag not in _ALLOWED_TAGS:
                raise _parse_error(f'Unsupported start tag "{tag}" at byte offset {i}')
            if closing:
                if not stack or stack[-1][0] != tag:
                    raise _parse_error(f'Can\'t find end tag corresponding to start tag "{tag}"')
                _, kind, start, detail = stack.pop()
                length = utf16_len("".join(out)) - start
                if length > 0 and kind:
                    entities.append((kind, start, length, detail))
            else:
                attributes = _attributes(tag, match.group(3) or "", i)
                kind = _ENTITY_OF[tag]
                if kind == "blockquote" and "expandable" in attributes:
                    kind = "expandable_blockquote"
                shown = [entry[1].replace("expandable_", "") for entry in stack if entry[1]]
                if not _may_nest(kind, shown):
                    kind = ""  # the tag is read, its entity dropped
                detail = (
                    attributes.get("href")
                    or attributes.get("class", "")
                    or attributes.get("emoji-id", "")
                )
                stack.append((tag, kind, utf16_len("".join(out)), detail))
            i = match.end()
        elif ch == "&":
            match = _ENTITY.match(text, i)
            if match is None:
                raise _parse_error(f"Character entity expected at byte offset {i}")
            out.append(html.unescape(match.group(0)))
            i = match.end()
        else:
            out.append(ch)
            i += 1
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), tuple(sorted(entities, key=lambda e: (e[1], -e[2], e[0])))


def parse_html(text: str) -> str:
    """The visible text of an HTML-parse-mode message, or BotApiError like Telegram's."""
    return render_html(text)[0]


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class StoredFile:
    """A file on Telegram's servers, as getFile describes it (https://core.telegram.org/bots/api#file)."""

    file_id: str
    path: str
    content: bytes
    size: int  # what getFile says; tests make files larger than the bytes they hold


@dataclass
class Upload:
    """A file part of a multipart request (https://core.telegram.org/bots/api#sending-files)."""

    filename: str
    content: bytes


# https://core.telegram.org/bots/api#getfile: "bots can download files of up to 20MB in size".
DOWNLOAD_LIMIT = 20 * 1024 * 1024
# https://core.telegram.org/bots/api#sending-files: "50 MB max size for other files" uploaded
# with multipart/form-data; a larger request is refused with HTTP 413.
UPLOAD_LIMIT = 50 * 1024 * 1024


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    html: str
    text: str
    entities: tuple[Entity, ...] = ()
    thread_id: int | None = None
    reply_to: int | None = None
    reply_markup: dict[str, Any] | None = None
    media: str | None = None  # "photo:FILE_ID" for media sent by file id (or uploaded)
    edits: int = 0
    upload: Upload | None = None  # the file, when it was uploaded rather than sent by id

    def buttons(self) -> list[dict[str, Any]]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def button(self, label: str) -> dict[str, Any]:
        for button in self.buttons():
            if label in button["text"]:
                return button
        raise AssertionError(f"no button {label!r} on {self.text!r}: {self.buttons()}")


@dataclass
class Topic:
    chat_id: int
    thread_id: int
    name: str
    closed: bool = False


@dataclass
class Failure:
    skip: int
    remaining: int
    code: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-fake-token"
    bot_username: str = "helpdesk_test_bot"
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    members: dict[tuple[int, int], str] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    calls: list[Call] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    topics: dict[tuple[int, int], Topic] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, str]]] = field(default_factory=dict)
    acked_offset: int = 0
    sent_by_people: list[dict[str, Any]] = field(default_factory=list)
    # People who wrote to the bot in private: the only ones it may write to
    # (https://core.telegram.org/bots/features#what-features-do-bots-have: "bots can't
    # initiate conversations with users; a user must send them a message first").
    started: set[int] = field(default_factory=set)
    # getUpdates/setWebhook's allowed_updates; None until a call names them.
    allowed_updates: list[str] | None = None
    # group id -> the supergroup it became (https://core.telegram.org/bots/api#responseparameters).
    migrated: dict[int, int] = field(default_factory=dict)
    deleted: list[SentMessage] = field(default_factory=list)
    files: dict[str, StoredFile] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._failures: dict[str, list[Failure]] = {}
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Condition()
        self._pushed = asyncio.Event()
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(1000)
        self._thread_ids = itertools.count(500)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._undecodable: dict[str, int] = {}
        self._late: dict[str, list[float]] = {}
        self._gone: set[tuple[int, int]] = set()  # people's messages deleted with a topic

    @property
    def bot_id(self) -> int:
        return int(self.token.split(":", 1)[0])

    # server

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        """The call's parameters, and the files uploaded with it by `attach://` name."""
        if request.content_type == "application/json":
            data = await request.json()
            return dict(data), {}
        form = await request.post()
        params: dict[str, Any] = {}
        uploads: dict[str, Upload] = {}
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = "<upload>"  # what tests look for: a file was uploaded
                uploads[f"attach://{key}"] = Upload(value.filename, value.file.read())
                continue
            if not isinstance(value, str):
                params[key] = "<upload>"
                continue
            if key in _STRING_FIELDS:
                params[key] = value
                continue
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
        return params, uploads

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params, uploads = await self._params(request)
        self.calls.append(Call(method, params))
        try:
            failures = self._failures.get(method)
            if failures and failures[0].skip > 0:
                failures[0].skip -= 1
            elif failures:
                failure = failures[0]
                failure.remaining -= 1
                if failure.remaining <= 0:
                    failures.pop(0)
                raise BotApiError(failure.code, failure.description, failure.retry_after)
            handler = getattr(self, f"api_{method}", None)
            if handler is None:
                raise BotApiError(404, "Not Found: method not found")
            result = await handler({**params, **uploads} if uploads else params)
        except BotApiError as error:
            return self._error(
                error.code, error.description, error.retry_after, error.migrate_to_chat_id
            )
        if self._undecodable.get(method, 0) > 0 and isinstance(result, dict):
            self._undecodable[method] -= 1
            result = _incomplete(result)
        late = self._late.get(method)
        if late:
            await asyncio.sleep(late.pop(0))
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(
        code: int,
        description: str,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
    ) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        if migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": migrate_to_chat_id}
        return web.json_response(body, status=code)

    # test controls

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        after: int = 0,
    ) -> None:
        """Make `times` calls of `method` fail as the real API would, `after` calls from now."""
        if code == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
        self._failures.setdefault(method, []).append(
            Failure(after, times, code, description or "Bad Request", retry_after)
        )

    def undecodable_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls of `method` take effect, answered with an incomplete result."""
        self._undecodable[method] = self._undecodable.get(method, 0) + times

    def late_next(self, method: str, seconds: float) -> None:
        """The next call of `method` takes effect, then answers `seconds` late."""
        self._late.setdefault(method, []).append(seconds)

    def add_chat(self, chat_id: int, kind: str, title: str = "", is_forum: bool = False) -> None:
        self.chats[chat_id] = {"id": chat_id, "type": kind, "title": title, "is_forum": is_forum}

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def messages_in(self, chat_id: int, thread_id: int | None = None) -> list[SentMessage]:
        return [
            m
            for m in self.sent
            if m.chat_id == chat_id and (thread_id is None or m.thread_id == thread_id)
        ]

    def texts_to(self, chat_id: int) -> list[str]:
        return [m.text for m in self.messages_in(chat_id)]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        """A message the bot sent that still exists."""
        for m in self.sent:
            if m.chat_id == chat_id and m.message_id == message_id:
                return m
        raise BotApiError(400, "Bad Request: message to edit not found")

    # the Bot API

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        chat_id = int(chat_id)
        if chat_id in self.blocked:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.migrated:
            # https://core.telegram.org/bots/api#responseparameters: "The group has been
            # migrated to a supergroup with the specified identifier."
            raise BotApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.migrated[chat_id],
            )
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id > 0 and chat_id in self.started:  # a user who wrote to the bot
                return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}
            if chat_id > 0:
                # https://core.telegram.org/bots/features#what-features-do-bots-have: a bot
                # cannot write first; Telegram answers 403 with this description.
                raise BotApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise BotApiError(400, "Bad Request: chat not found")
        return {k: v for k, v in chat.items() if k != "is_forum" or v}

    def _exists(self, chat_id: int, message_id: int) -> bool:
        if (chat_id, message_id) in self._gone:
            return False
        return any(m.chat_id == chat_id and m.message_id == message_id for m in self.sent) or any(
            m["chat"]["id"] == chat_id and m["message_id"] == message_id
            for m in self.sent_by_people
        )

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Help desk",
            "username": self.bot_username,
        }

    async def api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self._bot_user(), "can_join_groups": True, "supports_inline_queries": False}

    async def api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        self._allow(params)
        offset = int(params.get("offset") or 0)
        if offset:
            self.acked_offset = max(self.acked_offset, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._drop_undeliverable()
        async with self._new_update:
            self._new_update.notify_all()
        # Long polling, kept short so a test's shutdown is quick.
        if not self._updates:
            self._pushed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._pushed.wait(), min(float(params.get("timeout") or 0), 0.2)
                )
        self._drop_undeliverable()
        return list(self._updates)

    def _drop_undeliverable(self) -> None:
        """Updates of a kind the bot did not ask for are not kept for it."""
        for dropped in [u for u in self._updates if not self.deliverable(u)]:
            self.acked_offset = max(self.acked_offset, dropped["update_id"] + 1)
            self._updates.remove(dropped)

    def _allow(self, params: dict[str, Any]) -> None:
        # https://core.telegram.org/bots/api#getupdates: "If not specified, the previous
        # setting will be used."
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])

    def deliverable(self, update: dict[str, Any]) -> bool:
        """Whether Telegram would hand this update to the bot at all.

        https://core.telegram.org/bots/api#getupdates (allowed_updates): an empty list
        or none means every kind except chat_member, message_reaction and
        message_reaction_count. https://core.telegram.org/bots/api#update
        (message_reaction): "The bot must be an administrator in the chat and must
        explicitly specify "message_reaction" in the list of allowed_updates".
        """
        kind = next(k for k in update if k != "update_id")
        allowed = self.allowed_updates or []
        if not allowed:
            if kind in ("chat_member", "message_reaction", "message_reaction_count"):
                return False
        elif kind not in allowed:
            return False
        if kind in ("message_reaction", "message_reaction_count"):
            chat_id = int(update[kind]["chat"]["id"])
            return self.members.get((chat_id, self.bot_id)) in ("administrator", "creator")
        return True

    async def api_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        self._allow(params)
        return True

    async def api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    async def api_setMyCommands(self, params: dict[str, Any]) -> bool:
        scope = params.get("scope") or {"type": "default"}
        key = (json.dumps(scope, sort_keys=True), params.get("language_code") or "")
        self.commands[key] = list(params["commands"])
        return True

    async def api_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def api_getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        self._chat(chat_id)
        status = self.members.get((chat_id, user_id), "left")
        user = {
            "id": user_id,
            "is_bot": user_id == self.bot_id,
            "first_name": f"user{user_id}",
        }
        if status == "administrator":
            return {
                "status": status,
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                "can_send_welcome_messages": False,
                "can_pin_messages": True,
                "can_manage_topics": True,
            }
        if status == "creator":
            return {"status": status, "user": user, "is_anonymous": False}
        return {"status": status, "user": user}

    def _store(
        self,
        params: dict[str, Any],
        *,
        html_text: str,
        media: str | None = None,
        caption: bool = False,
        upload: Upload | None = None,
    ) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        chat_id = int(chat["id"])
        thread_id = params.get("message_thread_id")
        if thread_id is not None:
            thread_id = int(thread_id)
            topic = self.topics.get((chat_id, thread_id))
            if topic is None:
                # A deleted topic (https://core.telegram.org/bots/api#deleteforumtopic)
                # or one that never was: Telegram's answer to a send into it.
                raise BotApiError(400, "Bad Request: message thread not found")
            if topic.closed:
                # https://core.telegram.org/method/messages.sendMessage lists TOPIC_CLOSED:
                # "This topic was closed, you can't send messages to it anymore."
                raise BotApiError(400, "Bad Request: TOPIC_CLOSED")
        self._check_markup(params.get("reply_markup"))
        reply_to = None
        lenient = False
        if params.get("reply_parameters"):
            reply_to = int(params["reply_parameters"]["message_id"])
            lenient = bool(params["reply_parameters"].get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id"):
            reply_to = int(params["reply_to_message_id"])
        if reply_to is not None and not self._exists(chat_id, reply_to):
            if not lenient:
                raise BotApiError(400, "Bad Request: message to be replied not found")
            reply_to = None
        text, entities = self._visible(params, html_text, caption=caption)
        message = SentMessage(
            chat_id=chat_id,
            message_id=self._next_message_id(chat_id),
            html=html_text,
            text=text,
            entities=entities,
            thread_id=thread_id,
            reply_to=reply_to,
            reply_markup=params.get("reply_markup"),
            media=media,
            upload=upload,
        )
        self.sent.append(message)
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
        }
        if text:
            result["caption" if caption else "text"] = text
        if thread_id is not None:
            result["message_thread_id"] = thread_id
            result["is_topic_message"] = True
        if message.reply_markup:
            result["reply_markup"] = message.reply_markup
        return result

    @staticmethod
    def _visible(
        params: dict[str, Any], html_text: str, *, caption: bool
    ) -> tuple[str, tuple[Entity, ...]]:
        text, entities = (
            render_html(html_text) if params.get("parse_mode") == "HTML" else (html_text, ())
        )
        limit = 1024 if caption else 4096
        if utf16_len(text) > limit:
            what = "message caption is too long" if caption else "message is too long"
            raise BotApiError(400, f"Bad Request: {what}")
        if not caption and not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        return text, entities

    @staticmethod
    def _check_markup(markup: Any) -> None:
        """https://core.telegram.org/bots/api#inlinekeyboardbutton: callback_data is
        1-64 bytes; Telegram refuses longer data with BUTTON_DATA_INVALID."""
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")

    async def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._store(params, html_text=str(params.get("text", "")))

    async def _send_media(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params.get(kind)
        # https://core.telegram.org/bots/api#sending-files: a file sent by its file_id has
        # no size limit ("There are no limits for files sent this way"); an uploaded one
        # is posted as a multipart part named by "attach://<file_attach_name>".
        upload = params.get(file_id) if isinstance(file_id, str) else None
        if isinstance(upload, Upload):
            if len(upload.content) > UPLOAD_LIMIT:
                raise BotApiError(413, "Request Entity Too Large")
            file_id = f"{kind}-uploaded-{len(self.files) + 1}"
            self.add_file(file_id, upload.content, f"{kind}s/{upload.filename}")
        elif not isinstance(file_id, str) or file_id == "<upload>":
            raise BotApiError(400, "Bad Request: there is no file in the request")
        # https://core.telegram.org/bots/api#sending-files: a file_id names one file of one
        # kind; the fake's ids start with their kind, as tests make them.
        if file_id.startswith(_FILE_KINDS) and not file_id.startswith(kind.split("_")[0]):
            raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        result = self._store(
            params,
            html_text=str(params.get("caption", "")),
            media=f"{kind}:{file_id}",
            caption=True,
            upload=upload if isinstance(upload, Upload) else None,
        )
        if kind == "video_note":
            result[kind] = {"file_id": file_id, "file_unique_id": file_id[-8:], "length": 240,
                            "duration": 3}  # fmt: skip
        elif kind == "animation":
            result[kind] = {"file_id": file_id, "file_unique_id": file_id[-8:], "width": 320,
                            "height": 240, "duration": 2}  # fmt: skip
        elif kind == "sticker":
            result[kind] = {"file_id": file_id, "file_unique_id": file_id[-8:], "type": "regular",
                            "width": 512, "height": 512, "is_animated": False,
                            "is_video": False}  # fmt: skip
        elif kind == "photo":
            result["photo"] = [
                {"file_id": file_id, "file_unique_id": file_id[-8:], "width": 90, "height": 90}
            ]
        elif kind == "voice":
            result["voice"] = {"file_id": file_id, "file_unique_id": file_id[-8:], "duration": 1}
        elif kind == "video":
            result[kind] = {
                "file_id": file_id,
                "file_unique_id": file_id[-8:],
                "width": 640,
                "height": 360,
                "duration": 5,
            }
        else:
            result[kind] = {"file_id": file_id, "file_unique_id": file_id[-8:]}
        return result

    async def api_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("photo", params)

    async def api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("document", params)

    async def api_sendVoice(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("voice", params)

    async def api_sendVideo(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("video", params)

    async def api_sendAudio(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("audio", params)

    async def api_sendAnimation(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("animation", params)

    async def api_sendVideoNote(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("caption"):
            # https://core.telegram.org/bots/api#sendvideonote takes no caption.
            raise BotApiError(400, "Bad Request: video notes can't have a caption")
        return await self._send_media("video_note", params)

    async def api_sendSticker(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_media("sticker", params)

    # files: https://core.telegram.org/bots/api#getfile

    def add_file(
        self, file_id: str, content: bytes, path: str, *, size: int | None = None
    ) -> StoredFile:
        """A file someone sent, kept at `path`; `size` makes it as large as getFile says
        without the test holding that many bytes."""
        stored = StoredFile(file_id, path, content, len(content) if size is None else size)
        self.files[file_id] = stored
        return stored

    async def api_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        """https://core.telegram.org/bots/api#getfile: the file's path for the download
        link; a file over 20 MB is refused ("file is too big")."""
        stored = self.files.get(str(params.get("file_id", "")))
        if stored is None:
            raise BotApiError(400, "Bad Request: invalid file_id")
        if stored.size > DOWNLOAD_LIMIT:
            raise BotApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_id[-8:],
            "file_size": stored.size,
            "file_path": stored.path,
        }

    async def _download(self, request: web.Request) -> web.Response:
        """`https://api.telegram.org/file/bot<token>/<file_path>` (https://core.telegram.org/bots/api#getfile)."""
        path = request.match_info["path"]
        found = [f for f in self.files.values() if f.path == path]
        if request.match_info["token"] != self.token or not found:
            return self._error(404, "Not Found")
        return web.Response(body=found[0].content)

    async def api_copyMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        result = self._store(params, html_text="", media="copy", caption=True)
        return {"message_id": result["message_id"]}

    async def _edit(self, params: dict[str, Any], *, text: str | None) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        message = self.message(int(chat["id"]), int(params["message_id"]))
        markup = params.get("reply_markup")
        self._check_markup(markup)
        if text is not None:
            visible, entities = self._visible(params, text, caption=message.media is not None)
            # Telegram compares what the message shows (text and entities), not the HTML
            # it was written in: `<b>` and `<strong>` are the same content
            # (https://core.telegram.org/bots/api#editmessagetext).
            if (visible, entities) == (message.text, message.entities) and (
                markup == message.reply_markup
            ):
                raise BotApiError(
                    400,
                    "Bad Request: message is not modified: specified new message content and "
                    "reply markup are exactly the same as a current content and reply markup "
                    "of the message",
                )
            message.html, message.text, message.entities = text, visible, entities
        elif markup == message.reply_markup:
            raise BotApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        message.edits += 1
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": chat,
            "from": self._bot_user(),
            "text": message.text,
        }
        if markup:
            result["reply_markup"] = markup
        return result

    async def api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._edit(params, text=str(params.get("text", "")))

    async def api_editMessageCaption(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._edit(params, text=str(params.get("caption", "")))

    async def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._edit(params, text=None)

    async def api_createForumTopic(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        if not self.chats.get(int(chat["id"]), {}).get("is_forum"):
            raise BotApiError(400, "Bad Request: the chat is not a forum")
        name = str(params["name"])
        if not 1 <= len(name) <= 128:
            raise BotApiError(400, "Bad Request: TOPIC_NAME_INVALID")
        thread_id = next(self._thread_ids)
        self.topics[(int(chat["id"]), thread_id)] = Topic(int(chat["id"]), thread_id, name)
        return {"message_thread_id": thread_id, "name": name, "icon_color": 7322096}

    def _topic(self, params: dict[str, Any]) -> Topic:
        chat = self._chat(params["chat_id"])
        topic = self.topics.get((int(chat["id"]), int(params["message_thread_id"])))
        if topic is None:
            raise BotApiError(400, "Bad Request: TOPIC_ID_INVALID")
        return topic

    async def api_closeForumTopic(self, params: dict[str, Any]) -> bool:
        topic = self._topic(params)
        if topic.closed:
            raise BotApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        topic.closed = True
        return True

    async def api_reopenForumTopic(self, params: dict[str, Any]) -> bool:
        topic = self._topic(params)
        if not topic.closed:
            raise BotApiError(400, "Bad Request: TOPIC_NOT_MODIFIED")
        topic.closed = False
        return True

    async def api_editForumTopic(self, params: dict[str, Any]) -> bool:
        self._topic(params).name = str(params.get("name", ""))
        return True

    async def api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    async def api_setMessageReaction(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params["chat_id"])
        for reaction in params.get("reaction") or []:
            # https://core.telegram.org/bots/api#reactiontypeemoji: only the listed emoji.
            if reaction.get("type") == "emoji" and reaction.get("emoji") not in REACTION_EMOJI:
                raise BotApiError(400, "Bad Request: REACTION_INVALID")
        if not self._exists(int(chat["id"]), int(params["message_id"])):
            raise BotApiError(400, "Bad Request: message to react not found")
        return True

    async def api_deleteForumTopic(self, params: dict[str, Any]) -> bool:
        """https://core.telegram.org/bots/api#deleteforumtopic: the topic "along with all
        its messages"."""
        topic = self._topic(params)
        self.delete_topic(topic.chat_id, topic.thread_id)
        return True

    async def api_deleteMessage(self, params: dict[str, Any]) -> bool:
        """https://core.telegram.org/bots/api#deletemessage (the bot's own messages here;
        the 48-hour limit is not modelled: the fake has no clock of its own)."""
        chat = self._chat(params["chat_id"])
        try:
            message = self.message(int(chat["id"]), int(params["message_id"]))
        except BotApiError:
            raise BotApiError(400, "Bad Request: message to delete not found") from None
        self.sent.remove(message)
        self.deleted.append(message)
        return True

    # what people do in their clients

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """An admin deletes a topic: it and all its messages are gone."""
        del self.topics[(chat_id, thread_id)]
        gone = [m for m in self.sent if m.chat_id == chat_id and m.thread_id == thread_id]
        for message in gone:
            self.sent.remove(message)
            self.deleted.append(message)
        for written in self.sent_by_people:
            if written["chat"]["id"] == chat_id and written.get("message_thread_id") == thread_id:
                self._gone.add((chat_id, written["message_id"]))

    def close_topic(self, chat_id: int, thread_id: int) -> None:
        """An admin closes a topic in the client."""
        self.topics[(chat_id, thread_id)].closed = True

    def migrate(self, group_id: int, supergroup_id: int) -> list[dict[str, Any]]:
        """A group becomes a supergroup: a new chat id, the old one answers
        migrate_to_chat_id from then on, and the two service messages Telegram sends
        (https://core.telegram.org/bots/api#message: migrate_to_chat_id,
        migrate_from_chat_id). Returns those updates. The old group's messages stay
        behind: the bot's messages are not found in the new chat."""
        old = self.chats.pop(group_id)
        self.chats[supergroup_id] = {**old, "id": supergroup_id, "type": "supergroup"}
        for (chat_id, user_id), status in list(self.members.items()):
            if chat_id == group_id:
                self.members[(supergroup_id, user_id)] = status
        self.migrated[group_id] = supergroup_id
        admin = self.user(1, "Admin")
        at = int(time.time())
        old_chat = {k: v for k, v in old.items() if k != "is_forum"}
        new_chat = {k: v for k, v in self.chats[supergroup_id].items() if k != "is_forum"}
        return [
            self.message_update(
                {
                    "message_id": self._next_message_id(group_id),
                    "date": at,
                    "chat": old_chat,
                    "from": admin,
                    "migrate_to_chat_id": supergroup_id,
                }
            ),
            self.message_update(
                {
                    "message_id": self._next_message_id(supergroup_id),
                    "date": at,
                    "chat": new_chat,
                    "from": admin,
                    "migrate_from_chat_id": group_id,
                }
            ),
        ]

    # updates, as Telegram would send them

    def push(self, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (a copy with the same update_id is a redelivery)."""
        self._updates.append(update)
        self._pushed.set()

    async def wait_acked(self, update_id: int) -> None:
        """Until a getUpdates call confirmed `update_id` (the bot handled it)."""
        async with self._new_update:
            await self._new_update.wait_for(lambda: self.acked_offset > update_id)

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def user(self, user_id: int, first_name: str, language_code: str = "en") -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    def _chat_of(self, chat_id: int, user: dict[str, Any]) -> dict[str, Any]:
        if chat_id == user["id"]:
            return {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        chat = self.chats[chat_id]
        return {k: v for k, v in chat.items() if k != "is_forum" or v}

    def incoming(
        self,
        chat_id: int,
        user: dict[str, Any],
        text: str | None = None,
        *,
        thread_id: int | None = None,
        reply_to: int | None = None,
        photo: str | None = None,
        document: str | None = None,
        voice: str | None = None,
        video: str | None = None,
        caption: str | None = None,
        file_size: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A message a person writes; it gets a message id in its chat like any other.

        `extra` holds other kinds of content as Telegram names them (sticker, location,
        contact, venue, video_note, animation, poll, dice), built with the helpers below.
        """
        if chat_id == user["id"]:
            self.started.add(chat_id)  # writing to the bot lets it write back
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": self._chat_of(chat_id, user),
            "from": user,
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split(" ", 1)[0]
                message["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
                ]
        if caption is not None:
            message["caption"] = caption
        if photo:
            message["photo"] = [
                {"file_id": photo, "file_unique_id": photo[-8:], "width": 90, "height": 90}
            ]
        if message.pop("_document_too", False):
            file_id = message["animation"]["file_id"]
            message["document"] = {"file_id": file_id, "file_unique_id": file_id[-8:]}
        if document:
            message["document"] = {"file_id": document, "file_unique_id": document[-8:]}
            if file_size is not None:
                message["document"]["file_size"] = file_size
        if voice:
            message["voice"] = {"file_id": voice, "file_unique_id": voice[-8:], "duration": 2}
        if video:
            message["video"] = {
                "file_id": video,
                "file_unique_id": video[-8:],
                "width": 640,
                "height": 360,
                "duration": 5,
            }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if reply_to is not None:
            replied = self.message(chat_id, reply_to)
            message["reply_to_message"] = {
                "message_id": replied.message_id,
                "date": int(time.time()),
                "chat": message["chat"],
                "from": self._bot_user(),
                "text": replied.text,
            }
        elif thread_id is not None:
            # In a topic, a plain message "replies" to the topic's creation message.
            message["reply_to_message"] = {
                "message_id": thread_id,
                "date": int(time.time()),
                "chat": message["chat"],
                "from": self._bot_user(),
                "forum_topic_created": {"name": "topic", "icon_color": 7322096},
                "message_thread_id": thread_id,
                "is_topic_message": True,
            }
        self.sent_by_people.append(message)
        return message

    def message_update(self, message: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": self.next_update_id(), "message": message}

    def edited_update(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        edited = {**message, "text": text, "edit_date": int(time.time())}
        return {"update_id": self.next_update_id(), "edited_message": edited}

    def callback_update(
        self, user: dict[str, Any], message: SentMessage, data: str
    ) -> dict[str, Any]:
        chat = (
            self._chat_of(message.chat_id, user)
            if message.chat_id == user["id"]
            else ({k: v for k, v in self.chats[message.chat_id].items() if k != "is_forum" or v})
        )
        return {
            "update_id": self.next_update_id(),
            "callback_query": {
                "id": f"cb{self.next_update_id()}",
                "from": user,
                "chat_instance": str(message.chat_id),
                "data": data,
                "message": {
                    "message_id": message.message_id,
                    "date": int(time.time()),
                    "chat": chat,
                    "from": self._bot_user(),
                    "text": message.text,
                    **(
                        {"message_thread_id": message.thread_id, "is_topic_message": True}
                        if message.thread_id
                        else {}
                    ),
                },
            },
        }

    def reaction_update(
        self,
        chat_id: int,
        user: dict[str, Any],
        message_id: int,
        new: tuple[str, ...],
        old: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        chat = {k: v for k, v in self.chats[chat_id].items() if k != "is_forum" or v}
        return {
            "update_id": self.next_update_id(),
            "message_reaction": {
                "chat": chat,
                "message_id": message_id,
                "user": user,
                "date": int(time.time()),
                "old_reaction": [{"type": "emoji", "emoji": e} for e in old],
                "new_reaction": [{"type": "emoji", "emoji": e} for e in new],
            },
        }


_FILE_KINDS = ("photo", "document", "voice", "video", "audio", "animation", "sticker")


# Content people send besides text and files, as https://core.telegram.org/bots/api#message
# names it; pass them to FakeTelegram.incoming as keyword arguments.


def sticker(file_id: str, emoji: str | None = "👍") -> dict[str, Any]:
    """https://core.telegram.org/bots/api#sticker"""
    found: dict[str, Any] = {
        "file_id": file_id,
        "file_unique_id": file_id[-8:],
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    if emoji is not None:
        found["emoji"] = emoji
    return {"sticker": found}


def location(latitude: float, longitude: float) -> dict[str, Any]:
    """https://core.telegram.org/bots/api#location"""
    return {"location": {"latitude": latitude, "longitude": longitude}}


def venue(latitude: float, longitude: float, title: str, address: str) -> dict[str, Any]:
    """https://core.telegram.org/bots/api#message: "venue ... For backward compatibility,
    when this field is set, the location field will also be set"."""
    place = {"latitude": latitude, "longitude": longitude}
    return {
        "venue": {"location": place, "title": title, "address": address},
        "location": place,
    }


def contact(phone: str, first_name: str, last_name: str | None = None) -> dict[str, Any]:
    """https://core.telegram.org/bots/api#contact"""
    found: dict[str, Any] = {"phone_number": phone, "first_name": first_name}
    if last_name:
        found["last_name"] = last_name
    return {"contact": found}


def video_note(file_id: str) -> dict[str, Any]:
    """https://core.telegram.org/bots/api#videonote"""
    return {
        "video_note": {
            "file_id": file_id,
            "file_unique_id": file_id[-8:],
            "length": 240,
            "duration": 3,
        }
    }


def animation(file_id: str) -> dict[str, Any]:
    """https://core.telegram.org/bots/api#message: "animation ... For backward
    compatibility, when this field is set, the document field will also be set"."""
    return {
        "animation": {
            "file_id": file_id,
            "file_unique_id": file_id[-8:],
            "width": 320,
            "height": 240,
            "duration": 2,
        },
        "_document_too": True,
    }


def poll(question: str, *options: str) -> dict[str, Any]:
    """https://core.telegram.org/bots/api#poll (the fields the installed aiogram requires,
    .venv/lib/python3.11/site-packages/aiogram/types/poll.py and poll_option.py)."""
    return {
        "poll": {
            "id": "5000",
            "question": question,
            "options": [
                {"persistent_id": str(index), "text": option, "voter_count": 0}
                for index, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
        }
    }


def dice(emoji: str = "🎲", value: int = 4) -> dict[str, Any]:
    """https://core.telegram.org/bots/api#dice"""
    return {"dice": {"emoji": emoji, "value": value}}


def _incomplete(result: dict[str, Any]) -> dict[str, Any]:
    """A sent message's result without what aiogram needs: its date, its chat, and the
    sizes of its media."""
    kept = {k: v for k, v in result.items() if k not in ("date", "chat")}
    for kind in ("video", "voice", "audio", "document"):
        if isinstance(kept.get(kind), dict):
            kept[kind] = {k: kept[kind][k] for k in ("file_id", "file_unique_id")}
    return kept
