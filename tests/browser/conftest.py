"""A live server on a migrated scratch database, and Debian's Chromium driven by Playwright.

Browsers cannot be downloaded here, so Playwright launches the system ``chromium``. The
tests skip without it, unless TRACING_REQUIRE_BROWSER is set (as CI does).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from flask import Flask
from werkzeug.serving import make_server

from tests.tracing.conftest import TEST_CONFIG, alembic_config
from tracing import create_app
from tracing.db import db

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("TRACING_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (TRACING_REQUIRE_BROWSER is set) but not installed")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    return path


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join()


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on its own SQLite file: the server thread commits for real."""
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    command.upgrade(alembic_config(url=url), "head")
    app = create_app(
        {
            **TEST_CONFIG,
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "COOKIE_SECURE": False,  # plain http on 127.0.0.1
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
    assert db.engine is not None
    db.engine.dispose()


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture
def browser_page() -> Iterator[Any]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        context = browser.new_context(locale="uk-UA", viewport={"width": 360, "height": 780})
        page = context.new_page()
        yield page
        context.close()
        browser.close()


@pytest.fixture
def axe_check() -> Any:
    """Run axe-core in the page; returns the WCAG 2.2 AA violations as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page: Any) -> list[str]:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        return [
            f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] for n in v["nodes"][:3])
            for v in results.response["violations"]
        ]

    return check
