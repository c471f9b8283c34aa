"""Debian's Chromium driven by Playwright (its own browser download does not work here).

One Chromium per test process; each test gets its own context. Playwright's sync
API marks an event loop as running in this thread from its first call on, and
Django then refuses ORM calls from it (SynchronousOnlyOperation). So only the
tests that use the browser run with the loop marked and DJANGO_ALLOW_ASYNC_UNSAFE
set; the loop is unmarked again after each, and every other test runs with
Django's check in force.
"""

import asyncio
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="session")
def chromium_session():
    """The Chromium process of this test process. Tests use `browser` or `page`."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    playwright = manager.start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    loop = asyncio.get_running_loop()
    asyncio._set_running_loop(None)
    yield chromium, loop
    asyncio._set_running_loop(loop)
    chromium.close()
    manager.__exit__()


@pytest.fixture
def browser(chromium_session, monkeypatch):
    """Chromium, for this test only (see the module's docstring)."""
    chromium, loop = chromium_session
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    asyncio._set_running_loop(loop)
    yield chromium
    asyncio._set_running_loop(None)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()
