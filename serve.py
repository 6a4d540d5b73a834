"""The app served: ``streamlit run serve.py`` serves app.py with one addition to the page
Streamlit sends (lib/web/base_url.py), so that a page opened at its own address does not first
try a wrong one. ``streamlit run app.py`` serves the same app without it."""

import streamlit as st
from starlette.middleware import Middleware

from lib.web.base_url import BackendBaseUrl

app = st.App("app.py", middleware=[Middleware(BackendBaseUrl)])
