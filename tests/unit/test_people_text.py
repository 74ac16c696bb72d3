"""The person-centred texts as people read them: the card's line with its ordinal, the
profile's counts with their plurals, in English, Polish and Russian."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.domain import Priority, TicketState
from core.events import (
    Notice,
    PersonProfile,
    ProfileIdentity,
    ProfileQuestion,
    ProfileTicket,
    RequesterHistory,
    TicketView,
)
from core.i18n.numbers import plural, ticket_ordinal
from core.presenter import history_line, notice_text, profile_lines

AT = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("n", "en", "pl", "ru"),
    [
        (1, "1st", "pierwsze", "первая"),
        (2, "2nd", "drugie", "вторая"),
        (3, "3rd", "trzecie", "третья"),
        (4, "4th", "czwarte", "четвёртая"),
        (10, "10th", "dziesiąte", "десятая"),
        (11, "11th", "11.", "11-я"),
        (12, "12th", "12.", "12-я"),
        (13, "13th", "13.", "13-я"),
        (21, "21st", "21.", "21-я"),
        (22, "22nd", "22.", "22-я"),
        (111, "111th", "111.", "111-я"),
    ],
)
def test_the_nth_ticket_agrees_with_each_languages_noun(n: int, en: str, pl: str, ru: str) -> None:
    assert (ticket_ordinal("en", n), ticket_ordinal("pl", n), ticket_ordinal("ru", n)) == (
        en,
        pl,
        ru,
    )


@pytest.mark.parametrize(
    ("n", "en", "pl", "ru"),
    [
        (1, "1 ticket", "1 zgłoszenie", "1 заявка"),
        (2, "2 tickets", "2 zgłoszenia", "2 заявки"),
        (5, "5 tickets", "5 zgłoszeń", "5 заявок"),
        (12, "12 tickets", "12 zgłoszeń", "12 заявок"),
        (21, "21 tickets", "21 zgłoszeń", "21 заявка"),
        (22, "22 tickets", "22 zgłoszenia", "22 заявки"),
        (25, "25 tickets", "25 zgłoszeń", "25 заявок"),
        (0, "0 tickets", "0 zgłoszeń", "0 заявок"),
    ],
)
def test_ticket_counts_take_each_languages_plural(n: int, en: str, pl: str, ru: str) -> None:
    assert [plural(lang, "profile.tickets", n) for lang in ("en", "pl", "ru")] == [en, pl, ru]


@pytest.mark.parametrize(
    ("minutes", "en", "pl", "ru"),
    [
        (1, "in 1 minute.", "za 1 minutę.", "через 1 минуту."),
        (3, "in 3 minutes.", "za 3 minuty.", "через 3 минуты."),
        (10, "in 10 minutes.", "za 10 minut.", "через 10 минут."),
        (22, "in 22 minutes.", "za 22 minuty.", "через 22 минуты."),
    ],
)
def test_a_link_lockout_counts_its_minutes_in_each_language(
    minutes: int, en: str, pl: str, ru: str
) -> None:
    refused = Notice(key="error.link.too_many", params={"minutes": minutes}, error=True)
    for lang, ending in (("en", en), ("pl", pl), ("ru", ru)):
        assert notice_text(lang, refused).endswith(f" {ending}"), lang


def test_a_link_code_says_how_long_it_works_in_each_language() -> None:
    code = Notice(key="link.code", params={"code": "K7Q-2PM", "minutes": 10})
    assert "within 10 minutes: /link K7Q-2PM" in notice_text("en", code)
    assert "Kod jest ważny przez 10 minut" in notice_text("pl", code)
    assert "Код действует 10 минут" in notice_text("ru", code)


def view(history: RequesterHistory | None) -> TicketView:
    return TicketView(
        number=14,
        platform="telegram",
        requester_user_id="301",
        requester_name="Alice",
        assignee_user_id=None,
        assignee_name=None,
        subject="VPN again",
        text="VPN again",
        category="it",
        priority=Priority.NORMAL,
        state=TicketState.OPEN,
        created_at=AT,
        history=history,
    )


def test_the_card_line_names_the_nth_ticket_and_the_last_one() -> None:
    third = view(
        RequesterHistory(
            nth_this_month=3, last_number=12, last_subject="VPN", last_state=TicketState.RESOLVED
        )
    )
    assert history_line("en", third) == "3rd ticket this month · last: #12 VPN (resolved)"
    assert history_line("pl", third) == (
        "Trzecie zgłoszenie w tym miesiącu · ostatnie: #12 VPN (rozwiązane)"
    )
    assert history_line("ru", third) == "Третья заявка в этом месяце · последняя: #12 VPN (решена)"
    first = view(RequesterHistory(nth_this_month=1))
    assert history_line("en", first) == "1st ticket this month"
    assert history_line("en", view(None)) is None


def test_the_profile_text_lists_platforms_tickets_questions_and_ratings() -> None:
    profile = PersonProfile(
        person_id=1,
        name="Alice",
        lang="pl",
        is_agent=False,
        identities=(
            ProfileIdentity(platform="slack", user_id="UALICE", name="Alice"),
            ProfileIdentity(platform="telegram", user_id="301", name="Alice K"),
        ),
        open_tickets=(
            ProfileTicket(
                number=3, platform="telegram", subject="VPN again", state="open", created_at=AT
            ),
        ),
        past_tickets=(
            ProfileTicket(
                number=1,
                platform="slack",
                subject="VPN drops",
                state="resolved",
                created_at=AT,
                rating=4,
                assignee_name="Bob",
            ),
        ),
        tickets_total=2,
        questions=(
            ProfileQuestion(
                text="how do I connect to the vpn",
                lang="en",
                decision="answer",
                entry_id="vpn-access",
                outcome="ticket",
                ticket_number=1,
                asked_at=AT,
            ),
        ),
        ratings=(4,),
    )
    assert profile_lines("ru", profile) == [
        "Alice",
        "Платформы: Slack UALICE, Telegram 301",
        "Язык: pl",
        "2 заявки · 1 оценка, в среднем 4.0/5",
        "Открытые заявки:",
        "  #3 [открыта] VPN again · Telegram",
        "Прошлые заявки:",
        "  #1 [решена] VPN drops · Slack · 4/5",
        "Недавние вопросы:",
        "  “how do I connect to the vpn”: ответ: vpn-access; создана заявка #1",
    ]
