"""绩效看板 entrypoint: the page list and the shared sidebar filters, nothing else."""

import streamlit as st

from lib import ui
from lib.labels import APP_SUBTITLE, APP_TITLE, PAGES

st.set_page_config(page_title=APP_TITLE, page_icon=":material/monitoring:", layout="wide")

PAGE_ICONS = {
    "overview": ":material/dashboard:", "funding": ":material/account_balance:",
    "execution": ":material/speed:", "indicators": ":material/checklist:",
    "deviations": ":material/rate_review:", "reports": ":material/description:",
    "audit": ":material/fact_check:", "data": ":material/upload_file:",
}
pages = [
    st.Page(f"pages/{name}.py", title=PAGES[name], icon=icon, url_path=name, default=name == "overview")
    for name, icon in PAGE_ICONS.items()
]
st.sidebar.markdown(f"### {APP_TITLE}")
st.sidebar.caption(APP_SUBTITLE)
ui.login_gate()
page = st.navigation(pages)
ui.sidebar_filters()

page.run()
