"""Telegram text: plain text plus entities, turned into HTML parse mode at the end.

Messages are built as (text, entities) so that user text can never become markup
and long messages can be split on line boundaries without cutting a tag in half;
each piece is then written as HTML by aiogram's decorator, which escapes every
character of text. FAQ answers are Markdown, converted by telegramify-markdown.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import lru_cache

import telegramify_markdown
from aiogram.types import MessageEntity as AiogramEntity
from aiogram.utils.text_decorations import HtmlDecoration
from telegramify_markdown import MessageEntity, utf16_len

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


class _SafeHtml(HtmlDecoration):
    """aiogram's HTML writer, with attribute values escaped too (a URL may hold `"`)."""

    def link(self, value: str, link: str) -> str:
        return f'<a href="{html.escape(link, quote=True)}">{value}</a>'

    def pre_language(self, value: str, language: str) -> str:
        safe = html.escape(language, quote=True)
        return f'<pre><code class="language-{safe}">{value}</code></pre>'


_HTML = _SafeHtml()


@dataclass
class Rich:
    """Text with Telegram entities, built piece by piece (offsets in UTF-16 units)."""

    text: str = ""
    entities: list[MessageEntity] = field(default_factory=list)

    def add(self, piece: str, *styles: str) -> Rich:
        if piece:
            start = utf16_len(self.text)
            self.text += piece
            for style in styles:
                self.entities.append(MessageEntity(style, start, utf16_len(piece)))
        return self

    def line(self, piece: str = "", *styles: str) -> Rich:
        """`piece` on a line of its own."""
        if self.text and not self.text.endswith("\n"):
            self.text += "\n"
        return self.add(piece, *styles)

    def markdown(self, source: str) -> Rich:
        """Append Markdown (an FAQ answer) as formatted text."""
        text, entities = _converted(source)
        start = utf16_len(self.text)
        self.text += text
        self.entities += [e.copy_with(offset=e.offset + start) for e in entities]
        return self

    def html(self) -> str:
        return to_html(self.text, self.entities)

    def chunks(self, limit: int = MESSAGE_LIMIT) -> list[str]:
        """HTML pieces whose visible text fits `limit`.

        A piece ends at a line break when one falls in its second half, else at a
        space, else wherever the limit is; entities crossing a cut continue in the
        next piece.
        """
        text = self.text.rstrip()
        pieces: list[str] = []
        for start, end in _cuts(text, limit):
            piece = text[start:end]
            shift = utf16_len(text[:start])
            size = utf16_len(piece)
            entities = []
            for entity in self.entities:
                lo = max(entity.offset - shift, 0)
                hi = min(entity.offset + entity.length - shift, size)
                if hi > lo:
                    entities.append(entity.copy_with(offset=lo, length=hi - lo))
            if piece.strip():
                pieces.append(to_html(piece, entities))
        return pieces or [""]

    def visible_length(self) -> int:
        return utf16_len(self.text)


def _cuts(text: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) character ranges of `text`, each at most `limit` UTF-16 units."""
    ranges: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        end, units = start, 0
        while end < len(text) and units + utf16_len(text[end]) <= limit:
            units += utf16_len(text[end])
            end += 1
        if end < len(text):
            window = text[start:end]
            half = len(window) // 2
            newline = window.rfind("\n")
            space = window.rfind(" ")
            if newline >= half:
                end = start + newline + 1
            elif space > 0:
                end = start + space + 1
        ranges.append((start, max(end, start + 1)))
        start = max(end, start + 1)
    return ranges


@lru_cache(maxsize=512)
def _converted(source: str) -> tuple[str, tuple[MessageEntity, ...]]:
    """telegramify-markdown's text and entities; cached, as the same answers recur.

    The entities are never changed in place (offsets are applied to copies).
    """
    text, entities = telegramify_markdown.convert(source)
    return text, tuple(entities)


def to_html(text: str, entities: list[MessageEntity]) -> str:
    total = utf16_len(text)
    converted = [
        AiogramEntity(
            **entity.copy_with(length=min(entity.length, total - entity.offset)).to_dict()
        )
        for entity in entities
        if entity.length > 0 and entity.offset < total
    ]
    return _HTML.unparse(text, converted)


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"
