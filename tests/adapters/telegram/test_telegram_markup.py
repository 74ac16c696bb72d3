"""Telegram HTML from our pieces: every FAQ entry renders to HTML Telegram accepts."""

from __future__ import annotations

from adapters.telegram.markup import Rich
from adapters.telegram.render import render_payload
from core.events import FaqAnswer
from core.faq.service import FaqService
from tests.fakes.telegram_api import parse_html, utf16_len


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
