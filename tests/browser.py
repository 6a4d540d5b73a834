"""The shared parts of the Chromium tests: Debian's Chromium, the app served by `streamlit run`, and
waiting until a page has drawn.

    from browser import ARTIFACTS, app_server, require_chromium, settle

    require_chromium()  # at module level, before importing playwright

    @pytest.fixture
    def server(tmp_path):
        with app_server({"JIXIAO_DB": str(tmp_path / "app.duckdb")}) as base:
            yield base

    def test_something(server, page):   # page: conftest's fixture, a tab of conftest's `chromium`
        page.goto(f"{server}/audit")
        settle(page)

Without /usr/bin/chromium a test module is skipped, except under CI, where that is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
# Quiet flags: no GPU, no QUIC, none of the browser's own background requests
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> None:
    """Skip the calling test module where Chromium is missing; under CI raise instead."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)", allow_module_level=True)


def launch(playwright):
    """Debian's Chromium through a started Playwright (``sync_playwright()``): a Browser."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(env: dict[str, str], label: str = "app", timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """`streamlit run serve.py` (the app as README starts it) on a free loopback port with ``env``
    over this process's environment, once its health check answers: (process, base URL, with the
    base path when ``env`` sets STREAMLIT_SERVER_BASE_URL_PATH). The caller stops it (stop_app)."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=os.environ | env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    path = env.get("STREAMLIT_SERVER_BASE_URL_PATH", "").strip("/")
    base = f"http://127.0.0.1:{port}" + (f"/{path}" if path else "")
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return proc, base
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"{label}: streamlit did not start: " + proc.stdout.read().decode(errors="replace"))


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=20)


@contextmanager
def app_server(env: dict[str, str], label: str = "app") -> Iterator[str]:
    """The app served while the block runs (see start_app); its base URL. Without a users file
    in ``env`` the app runs without sign-in."""
    env = {"JIXIAO_USERS": str(Path(env.get("JIXIAO_DB", ROOT)).parent / "no-users.toml"), **env}
    proc, base = start_app(env, label)
    try:
        yield base
    finally:
        stop_app(proc)


def settle(pg) -> None:
    """Wait until the page's script run is over and nothing is left to draw."""
    pg.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=60_000)
    pg.wait_for_function(
        "document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    pg.wait_for_timeout(800)
