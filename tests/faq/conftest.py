"""Small knowledge bases written into tmp_path, one file per entry per language."""

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

WriteEntry = Callable[..., Path]


def entry_text(
    entry_id: str,
    title: str,
    questions: Sequence[str],
    *,
    tags: Sequence[str] = (),
    category: str = "it",
    answer: str = "Do this.",
) -> str:
    lines = [
        "---",
        f"id: {entry_id}",
        f"title: {json.dumps(title, ensure_ascii=False)}",
    ]
    lines.append("questions:")
    lines += [f"  - {json.dumps(q, ensure_ascii=False)}" for q in questions]
    lines += [f"tags: [{', '.join(tags)}]", f"category: {category}", "---", answer, ""]
    return "\n".join(lines)


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    root = tmp_path / "faq"
    root.mkdir()
    return root


@pytest.fixture
def write_entry(kb_root: Path) -> WriteEntry:
    def write(
        lang: str,
        entry_id: str,
        title: str = "",
        questions: Sequence[str] = (),
        *,
        raw: str | None = None,
        tags: Sequence[str] = (),
        category: str = "it",
        answer: str = "Do this.",
    ) -> Path:
        path = kb_root / lang / f"{entry_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = raw
        if text is None:
            text = entry_text(
                entry_id, title, questions, tags=tags, category=category, answer=answer
            )
        path.write_text(text, encoding="utf-8")
        return path

    return write


# A small help desk in three languages, for matching tests.
SAMPLE = {
    "en": {
        "vpn-access": (
            "Connecting to the VPN",
            [
                "How do I connect to the VPN?",
                "VPN does not work from home",
                "vpn keeps disconnecting",
            ],
        ),
        "password-reset": (
            "Resetting a forgotten password",
            ["I forgot my password", "How do I reset my password?", "My account is locked"],
        ),
        "printer-setup": (
            "Printing in the office",
            [
                "How do I add a printer?",
                "The printer does not print",
                "Where is the nearest printer?",
            ],
        ),
        "vacation-request": (
            "Requesting vacation days",
            ["How do I request a day off?", "How many vacation days do I have left?"],
        ),
    },
    "pl": {
        "vpn-access": (
            "Łączenie z VPN",
            ["Jak połączyć się z VPN?", "VPN nie działa z domu", "VPN ciągle się rozłącza"],
        ),
        "password-reset": (
            "Resetowanie zapomnianego hasła",
            [
                "Jak zresetować hasło?",
                "Nie pamiętam hasła do komputera",
                "Moje konto jest zablokowane",
            ],
        ),
        "printer-setup": (
            "Drukowanie w biurze",
            ["Jak dodać drukarkę?", "Drukarka nie drukuje", "Gdzie jest najbliższa drukarka?"],
        ),
        "vacation-request": (
            "Wniosek o urlop",
            ["Jak złożyć wniosek o urlop?", "Ile dni urlopu mi zostało?"],
        ),
    },
    "ru": {
        "vpn-access": (
            "Подключение к VPN",
            ["Как подключиться к VPN?", "Не работает VPN из дома", "VPN постоянно отключается"],
        ),
        "password-reset": (
            "Сброс забытого пароля",
            [
                "Как сбросить пароль?",
                "Я забыл пароль от компьютера",
                "Моя учётная запись заблокирована",
            ],
        ),
        "printer-setup": (
            "Печать в офисе",
            ["Как добавить принтер?", "Принтер не печатает", "Где ближайший принтер?"],
        ),
        "vacation-request": (
            "Заявление на отпуск",
            ["Как оформить отпуск?", "Сколько дней отпуска у меня осталось?"],
        ),
    },
}


@pytest.fixture(scope="session")
def sample_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Read-only: tests that change files build their own knowledge base."""
    root = tmp_path_factory.mktemp("sample") / "faq"
    for lang, entries in SAMPLE.items():
        (root / lang).mkdir(parents=True)
        for entry_id, (title, questions) in entries.items():
            text = entry_text(entry_id, title, questions)
            (root / lang / f"{entry_id}.md").write_text(text, encoding="utf-8")
    return root
