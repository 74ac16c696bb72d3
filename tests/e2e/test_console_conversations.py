"""A new user in the console: two open tickets, a question between, misplaced actions,
and a Polish speaker's whole exchange - the real CLI with piped input."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_console import helpdesk


def said_to(stdout: str, name: str) -> list[str]:
    """What the bot said to `name`, one message per item (continuation lines joined)."""
    messages: list[str] = []
    current: list[str] | None = None
    for line in stdout.splitlines():
        if line.startswith("["):
            current = [line] if line.startswith(f"[to {name}] ") else None
            if current is not None:
                messages.append("")
        elif current is not None:
            current.append(line.strip())
        if current is not None:
            messages[-1] = " / ".join(current).removeprefix(f"[to {name}] ")
    return messages


def to_agents(stdout: str, number: int) -> list[str]:
    prefix = f"[agents #{number}] "
    return [line.removeprefix(prefix) for line in stdout.splitlines() if line.startswith(prefix)]


TWO_TICKETS = """\
/as alice
/ticket printer on floor 2 jams
/ticket no sound in meetings
it is tray 2
/reply 1 it is tray 2
/new How do I connect to the VPN?
/reply 2 the headset is new
/reply 1 tray 1 too
/reply 2 and the speakers
/quit
"""


def test_two_open_tickets_and_a_question_between(tmp_path: Path) -> None:
    run = helpdesk(["run", "--adapter", "console"], tmp_path, TWO_TICKETS)
    assert run.returncode == 0, run.stderr
    alice = said_to(run.stdout, "alice")
    # Each ticket opens at once, with an optional question after; a message ends them.
    assert alice[0].startswith("Ticket #1 opened")
    assert alice[1].startswith("To help the agents with ticket #1 (optional): / What is it?")
    assert alice[2].startswith("Ticket #2 opened")
    assert alice[3].startswith("To help the agents with ticket #2 (optional): / What is it?")
    alice = alice[2:]
    assert alice[2] == (
        "Which of your open tickets is this message for? / #1 printer on floor 2 jams"
        " / #2 no sound in meetings"
        " / (/reply N TEXT writes to ticket N; /new TEXT asks a new question)"
    )
    assert alice[3] == "Sent to the agents of #1."
    assert alice[4].startswith("Connecting to the VPN / ")
    assert alice[4].endswith("(or /reply N TEXT to add it to your ticket #1, #2)")
    assert alice[5] == "Sent to the agents of #2."
    assert len(alice) == 6  # one acknowledgement per ticket, none for later messages
    assert [m for m in to_agents(run.stdout, 1) if m.startswith("alice:")] == [
        "alice: it is tray 2",
        "alice: tray 1 too",
    ]
    assert [m for m in to_agents(run.stdout, 2) if m.startswith("alice:")] == [
        "alice: the headset is new",
        "alice: and the speakers",
    ]


MISPLACED = """\
/as alice
/helped
/human
/pick 1
How do I connect to the VPN?
/pick 2
/helped
/helped
my card
/pick 5
/pick x
/quit
"""


def test_every_misplaced_action_gets_its_precise_answer(tmp_path: Path) -> None:
    run = helpdesk(["run", "--adapter", "console"], tmp_path, MISPLACED)
    assert run.returncode == 0, run.stderr
    alice = said_to(run.stdout, "alice")
    answers = [m for m in alice if not m.startswith(("Connecting", "I am not sure"))]
    assert answers == [
        "There is nothing to answer yet: ask a question first.",
        "There is nothing to answer yet: ask a question first.",
        "There is nothing to answer yet: ask a question first.",
        "The last answer offered no suggestions to choose from.",
        "Glad it helped!",
        "You have already told me that this answer helped.",
        "There is no suggestion 5; choose 1–3.",
        "Usage: /pick K",
    ]


POLISH = """\
/as ola
Jak złożyć wniosek o urlop?
/human
/agent bob
/claim 1
/as ola
Chodzi o urlop w sierpniu.
/agent bob
/reply 1 Wniosek złożysz w portalu kadrowym.
/resolve 1
/as ola
/rate 1 5
/pick 2
/quit
"""


def test_a_polish_speakers_whole_exchange_is_in_polish(tmp_path: Path) -> None:
    run = helpdesk(["run", "--adapter", "console"], tmp_path, POLISH)
    assert run.returncode == 0, run.stderr
    ola = said_to(run.stdout, "ola")
    assert ola[0].endswith("Czy ta odpowiedź pomogła? / (/helped albo /human)")
    assert ola[1:] == [
        "Utworzono zgłoszenie #1: „Jak złożyć wniosek o urlop?” Agent odpowie tutaj.",
        "Aby pomóc agentom przy zgłoszeniu #1 (nieobowiązkowe): / Czego dotyczy sprawa?"
        " / 1. Coś nie działa / 2. Potrzebuję czegoś / 3. Mam pytanie"
        " / (wpisz numer albo /skip, aby zakończyć pytania; wszystko inne trafi do zgłoszenia)",
        "bob zajmuje się teraz Twoim zgłoszeniem #1.",
        "Wysłano do agentów Twojego otwartego zgłoszenia #1. Aby zamiast tego zadać nowe"
        " pytanie, wpisz /new i treść pytania.",
        "bob (#1): Wniosek złożysz w portalu kadrowym.",
        "Twoje zgłoszenie #1 zostało rozwiązane (agent: bob). Jak nam poszło? Oceń od 1 (słabo)"
        " do 5 (świetnie). / (/rate 1 1-5)",
        "Dziękujemy! Twoja ocena zgłoszenia #1: 5/5.",
        "Ostatnia odpowiedź nie zawierała propozycji do wyboru.",
    ]
