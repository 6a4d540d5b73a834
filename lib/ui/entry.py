"""The run's entry: app.py's st.navigation drives every page, and the login gate before it."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

from lib.access.roles import Actor
from lib.ui import login
from lib.ui.cached import get_store

APP_PATH = Path(__file__).resolve().parents[2] / "app.py"


def require_entrypoint() -> None:
    """Make sure app.py's st.navigation (and so the login and sidebar filters) drives this run.

    Streamlit treats a ``pages/`` folder as v1 auto-discovered pages until the entrypoint's
    ``st.navigation`` has run once in the process; until then a request straight to a page URL
    runs the page file alone. A page calls this first: when app.py is not on the call stack,
    app.py is run now, in this same run (so clicks and uploads of this run are kept), and it
    draws the page; the direct execution then stops.
    """
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename == str(APP_PATH):
            return
        frame = frame.f_back
    code = compile(APP_PATH.read_text(encoding="utf-8"), str(APP_PATH), "exec")
    exec(code, {"__name__": "__main__", "__file__": str(APP_PATH)})
    st.stop()


def login_gate(pages: list | None = None, local: bool | None = None) -> Actor:
    """The acting user (lib/ui/login.py): the sign-in form until someone signs in, or the local
    single user when no login is configured. ``pages``: the app's pages, registered (unlisted)
    while the form shows, so that the page whose address was opened is the one shown after."""
    return login.gate(get_store(), pages, local)
