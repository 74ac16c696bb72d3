"""Telegram HTML from our pieces: every FAQ entry renders to HTML Telegram accepts."""

from __future__ import annotations

import pytest

from adapters.telegram.markup import Rich
from adapters.telegram.render import render_payload
from core.events import FaqAnswer
from core.faq.service import FaqService
from tests.fakes.telegram_api import BotApiError, parse_html, render_html, utf16_len


def test_every_faq_answer_is_valid_telegram_html(faq: FaqService) -> None:
    entries = faq.kb.all_entries()
    assert len(entries) > 100
    for entry in entries:
        payload = FaqAnswer(
            query_id=1, entry_id=entry.id, title=entry.title, answer=entry.answer, score=1.0
        )
        out = render_payload("en", payload)
        for chunk in out.chunks:
            visible = parse_html(chunk)  # raises like Telegram on bad markup
            assert utf16_len(visible) <= 4096
            assert "**" not in visible, entry.id


def test_splitting_counts_utf16_and_keeps_formatting_across_the_cut() -> None:
    rich = Rich().add("🙂" * 3000, "bold")  # 6000 UTF-16 units, no spaces or newlines
    chunks = rich.chunks()
    assert len(chunks) == 2
    for chunk in chunks:
        assert chunk.startswith("<b>") and chunk.endswith("</b>")
        assert utf16_len(parse_html(chunk)) <= 4096
    assert "".join(parse_html(c) for c in chunks) == "🙂" * 3000


def test_markup_characters_in_text_are_escaped() -> None:
    html = Rich().add("a < b & c > d", "italic").add(' "quoted" ').html()
    assert html == '<i>a &lt; b &amp; c &gt; d</i> "quoted" '
    assert parse_html(html) == 'a < b & c > d "quoted" '


@pytest.mark.parametrize(
    "html",
    [
        "<a>no address</a>",
        '<a href="">empty address</a>',
        '<b class="x">bold</b>',
        "<span>not a spoiler</span>",
        '<a href="https://example.com" title="t">link</a>',
        "<b><i>crossed</b></i>",
        "<p>paragraph</p>",
        "fish & chips",
    ],
)
def test_html_telegram_refuses_is_refused(html: str) -> None:
    """https://core.telegram.org/bots/api#html-style, as the fake checks it."""
    with pytest.raises(BotApiError) as refused:
        parse_html(html)
    assert refused.value.description.startswith("Bad Request: can't parse entities")


def test_entities_telegram_does_not_nest_are_not_shown() -> None:
    """https://core.telegram.org/bots/api#formatting-options: nothing inside code."""
    text, entities = render_html("<code><b>invoices@example.com</b></code>")
    assert text == "invoices@example.com"
    assert [e[0] for e in entities] == ["code"]
    assert render_html("<b>x</b>") == render_html("<strong>x</strong>")  # same content


def test_every_faq_link_carries_its_address(faq: FaqService) -> None:
    for entry in faq.kb.all_entries():
        payload = FaqAnswer(
            query_id=1, entry_id=entry.id, title=entry.title, answer=entry.answer, score=1.0
        )
        for chunk in render_payload("en", payload).chunks:
            _, entities = render_html(chunk)
            assert all(e[3] for e in entities if e[0] == "text_link"), entry.id
