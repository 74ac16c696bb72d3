"""Slack markup -> what the person meant (adapters.slack.markup), and back through mrkdwn.escape."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack import markup, mrkdwn


@pytest.mark.parametrize(
    ("sent", "meant"),
    [
        ("R&amp;D printer &lt;3 &gt; 2", "R&D printer <3 > 2"),
        ("&amp;lt; is how you write &lt;", "&lt; is how you write <"),
        ("see <https://wiki.example.com/p?a=1&amp;b=2>", "see https://wiki.example.com/p?a=1&b=2"),
        ("<https://it.example.com|the portal>", "the portal (https://it.example.com)"),
        ("<https://it.example.com|https://it.example.com>", "https://it.example.com"),
        ("<mailto:it@example.com|it@example.com>", "it@example.com"),
        ("ask <@UBOB>", "ask @Bob"),
        ("ask <@UCAROL|carol>", "ask @carol"),
        ("ask <@UNOBODY>", "ask @UNOBODY"),
        ("in <#CGENERAL|general>", "in #general"),
        ("in <#CGENERAL>", "in #CGENERAL"),
        ("<!channel> <!here> <!everyone>", "@channel @here @everyone"),
        ("<!subteam^S1|@it-team> help", "@it-team help"),
        ("<!date^1392734382^{date}|Feb 18, 2014> ok", "Feb 18, 2014 ok"),
    ],
)
def test_plain_text(sent: str, meant: str) -> None:
    assert markup.plain_text(sent, {"UBOB": "Bob"}) == meant


def test_mentioned_users_each_once() -> None:
    text = "<@UBOB> and <@UCAROL|carol> and <@UBOB> but not &lt;@UX&gt;"
    assert markup.mentioned_users(text) == ["UBOB", "UCAROL"]


@given(st.text())
def test_what_slack_escapes_comes_back_unchanged(typed: str) -> None:
    assert markup.plain_text(mrkdwn.escape(typed)) == typed


@pytest.mark.parametrize(
    ("text", "relinked"),
    [
        ("ask @Bob or @Carol, not @here", "ask <@UBOB> or <@UCAROL>, not @here"),
        ("@Bob Smith knows", "<@UBSMITH> knows"),  # the longest name that fits
        ("@Bobby and x@Bob", "@Bobby and x@Bob"),  # no one's name, an address
        ("@channel @everyone", "@channel @everyone"),  # a person so named stays a word too
        ("thanks @Bob.", "thanks <@UBOB>."),
    ],
)
def test_names_become_live_mentions_again(text: str, relinked: str) -> None:
    people = {"Bob": "UBOB", "Bob Smith": "UBSMITH", "Carol": "UCAROL", "channel": "UCHAN"}
    assert mrkdwn.relink_mentions(text, people) == relinked
