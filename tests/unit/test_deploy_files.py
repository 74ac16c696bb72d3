"""The deployment files follow the README's rule: Telegram long polling in exactly one
process, as many Slack / HTTP workers as wanted."""

from __future__ import annotations

from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _adapter(command: str) -> str:
    words = command.split()
    return words[words.index("--adapter") + 1] if "--adapter" in words else "default"


def _exec_start(unit: Path) -> str:
    return next(
        line.removeprefix("ExecStart=")
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=")
    )


def test_systemd_runs_telegram_polling_in_one_unit_and_slack_in_instances() -> None:
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    adapters = {unit.name: _adapter(_exec_start(unit)) for unit in units}
    telegram = [name for name, adapter in adapters.items() if adapter in ("telegram", "all")]
    assert telegram == ["helpdesk-telegram.service"], adapters
    assert "@" not in telegram[0], "a template unit could run several pollers"
    assert adapters["helpdesk-web@.service"] == "slack"


def test_the_procfile_has_exactly_one_telegram_process() -> None:
    processes = [
        line.split(":", 1)
        for line in (DEPLOY / "Procfile").read_text().splitlines()
        if line.strip() and "helpdesk run" in line
    ]
    adapters = [_adapter(command) for _, command in processes]
    assert adapters.count("telegram") == 1 and "all" not in adapters
    assert adapters.count("slack") >= 2
