"""绩效看板 entrypoint: the page list and the shared sidebar filters, nothing else."""

from pathlib import Path

import streamlit as st

from lib import ui
from lib.labels import APP_SUBTITLE, APP_TITLE, LOCAL_MODE_NOTE, PAGES
from lib.ui import login
from lib.web import heap

# A local icon: a :material/…: page icon is fetched from fonts.gstatic.com on every visit, which
# an intranet without internet never answers.
st.set_page_config(page_title=APP_TITLE, page_icon=str(Path(__file__).with_name("assets") / "icon.png"),
                   layout="wide")

PAGE_ICONS = {
    "overview": ":material/dashboard:", "funding": ":material/account_balance:",
    "execution": ":material/speed:", "indicators": ":material/checklist:",
    "deviations": ":material/rate_review:", "reports": ":material/description:",
    "audit": ":material/fact_check:", "data": ":material/upload_file:",
}
DEFAULT = "overview"  # served at "/": Streamlit ignores its url_path but derives the page's id from it
pages = [
    st.Page(f"pages/{name}.py", title=PAGES[name], icon=icon, url_path=name if name != DEFAULT else "index",
            default=name == DEFAULT)
    for name, icon in PAGE_ICONS.items()
]
# Addresses that once named a page: the default page lives at "/", so "/overview" (bookmarked
# before) would open on a "Page not found" dialog. Hidden pages forward them, filters kept.
OLD_URLS = {"overview": "overview"}


def _forward(target: st.Page):
    def forward() -> None:
        st.switch_page(target, query_params=st.query_params.to_dict())

    return forward


pages += [st.Page(_forward(pages[list(PAGE_ICONS).index(name)]), title=PAGES[name], url_path=old,
                  visibility="hidden") for old, name in OLD_URLS.items()]


def admin_page(listed: bool) -> st.Page:
    """Registered for everyone, listed only for admins: a non-admin opening its address gets the
    page's refusal rather than "Page not found"."""
    return st.Page("pages/admin.py", title=PAGES["admin"], icon=":material/admin_panel_settings:",
                   url_path="admin", visibility="visible" if listed else "hidden")


ui.require_store()
# Title, subtitle and the local-mode note in one element: each element is one more render of the
# whole page in the browser (lib/ui/sections.py).
local = login.local_mode(ui.get_store())
note = f"\n\n:gray[:small[{LOCAL_MODE_NOTE}]]" if local else ""
st.sidebar.markdown(f"### {APP_TITLE}\n:gray[:small[{APP_SUBTITLE}]]{note}")
# the sign-in form registers the pages too, so signing in keeps the address asked for
actor = ui.login_gate([*pages, admin_page(False)], local)
pages.append(admin_page(actor.can("manage_users")))
page = st.navigation(pages)
ui.brief_download(ui.sidebar_filters())

page.run()
# not reached when the page switches or reruns: its next run settles it
heap.settle(page.url_path or DEFAULT)
