"""A real dev server + worker, the API (with the dashboard) on a real uvicorn server on
127.0.0.1, and a real headless Chromium: Debian's /usr/bin/chromium, never a downloaded
browser (`playwright install` is never run). Without that Chromium the tests fail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, async_playwright

from tests.api.support import Api, serving
from tests.integration.support import Stack, running_stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    async with running_stack(tmp_path_factory.mktemp("rectrack-dash-home"),
                             prefix="dash") as s:
        yield s


@pytest.fixture(scope="session")
async def api(stack: Stack) -> AsyncIterator[Api]:
    """The served app, with an office token (to issue memos through the API)."""
    async with serving(stack, {"office": ("office", None)}) as harness:
        yield harness


def require_chromium() -> None:
    """Fail (never skip) without the browser: CI installs it."""
    assert CHROMIUM.is_file(), (f"{CHROMIUM} is missing: install Debian's chromium "
                                "(.ci/run does); the dashboard tests need a real browser")


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    require_chromium()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile (no cookies) per test."""
    fresh = await browser.new_context(accept_downloads=True,
                                      viewport={"width": 1280, "height": 900})
    fresh.set_default_timeout(15_000)
    try:
        yield fresh
    finally:
        await fresh.close()
