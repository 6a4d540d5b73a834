"""绩效看板 entrypoint: the page list and the shared sidebar filters, nothing else."""

import streamlit as st

from lib import ui
from lib.labels import APP_SUBTITLE, APP_TITLE, PAGES

st.set_page_config(page_title=APP_TITLE, page_icon="📊", layout="wide")

pages = [
    st.Page("pages/overview.py", title=PAGES["overview"], icon="📊", url_path="overview", default=True),
    st.Page("pages/funding.py", title=PAGES["funding"], icon="💰", url_path="funding"),
    st.Page("pages/execution.py", title=PAGES["execution"], icon="⏱️", url_path="execution"),
    st.Page("pages/indicators.py", title=PAGES["indicators"], icon="🎯", url_path="indicators"),
    st.Page("pages/deviations.py", title=PAGES["deviations"], icon="📝", url_path="deviations"),
    st.Page("pages/reports.py", title=PAGES["reports"], icon="📄", url_path="reports"),
]
page = st.navigation(pages)

st.sidebar.markdown(f"### {APP_TITLE}")
st.sidebar.caption(APP_SUBTITLE)
ui.sidebar_filters()

page.run()
