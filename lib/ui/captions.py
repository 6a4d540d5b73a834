"""Lines every page shows under its title: the user's scope and the data version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.ui.cached import count, get_store
from lib.ui.safe import Markdown, md, md_text


def scope_text(scope) -> Markdown:
    """The scope as the sidebar says it: 部门 …；资金/项目 …；地区 …（含下级）."""
    return md_text(scope.describe())


def version_caption() -> None:
    """The current version, its time and files; the files only to whom the version is shown
    (a scoped user: a version that touched only their programs, lib/store/scoped_versions.py)."""
    version = get_store().current_version()
    if version:
        number = int(version["version_id"])
        when = pd.Timestamp(version["created_at"]).strftime("%Y-%m-%d %H:%M")
        if count("dataset_versions", where_in={"version_id": [number]}):
            st.caption(md("数据版本 v{} · {} · {}", number, when, version["files"]))
        else:
            st.caption(md("数据版本 v{} · {}", number, when))
