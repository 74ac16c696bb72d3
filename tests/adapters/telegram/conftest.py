"""Fixtures: the fake Bot API, a core on a temporary database, the real Telegram runtime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.faq.service import FaqService
from tests.adapters.telegram.harness import REPO, Harness, start_desk


@pytest.fixture(scope="session")
def faq() -> FaqService:
    service = FaqService(REPO / "faq", "en")
    service.search("warm up", "en")
    return service


@pytest.fixture(params=["polling", "webhook"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def desk(tmp_path: Path, faq: FaqService) -> AsyncIterator[Harness]:
    """A desk fed through the webhook, whose agents' group has no topics (cards)."""
    async for running in start_desk(tmp_path, faq, transport="webhook", forum=False):
        yield running


@pytest.fixture
async def transport_desk(tmp_path: Path, faq: FaqService, transport: str) -> AsyncIterator[Harness]:
    """A card-mode desk fed through getUpdates, then through the webhook."""
    async for running in start_desk(tmp_path, faq, transport=transport, forum=False):
        yield running


@pytest.fixture(params=["topics", "cards"])
async def any_desk(
    request: pytest.FixtureRequest, tmp_path: Path, faq: FaqService, transport: str
) -> AsyncIterator[Harness]:
    """Both kinds of agents' group: a forum with topics, and a plain one with cards."""
    forum = request.param == "topics"
    async for running in start_desk(tmp_path, faq, transport=transport, forum=forum):
        yield running


@pytest.fixture
async def polling_desk(tmp_path: Path, faq: FaqService) -> AsyncIterator[Harness]:
    async for running in start_desk(tmp_path, faq, transport="polling", forum=False):
        yield running


@pytest.fixture
async def webhook_desk(tmp_path: Path, faq: FaqService) -> AsyncIterator[Harness]:
    async for running in start_desk(tmp_path, faq, transport="webhook", forum=False):
        yield running
