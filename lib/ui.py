"""Streamlit glue shared by every page: the cached store, cached reads, the sidebar filters
kept in the URL, and tables that always come with their downloads.

Caches are keyed on the dataset version and the filter values (scalars), never on frames or
connections, so a new import shows at once and a rerun costs nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import streamlit as st

from lib import export
from lib.access import LOCAL_ANALYST, ROLE_LABELS, Actor
from lib.auth import AuthConfigError, authenticate, load_users
from lib.filters import Filters
from lib.labels import COLUMN_LABELS, FILTER_LABELS
from lib.store import Store, open_store

# Session-state keys, in one place.
KEY_YEAR = "filter_year"
KEY_PROGRAM = "filter_program"
KEY_REGION = "filter_region"
KEY_PROJECT = "filter_project"
KEY_FILTERS = "filters"
KEY_USER = "auth_user"  # the logged-in auth.User, when a users file is configured
# URL query parameter for each filter key.
URL_PARAMS = {KEY_YEAR: "year", KEY_PROGRAM: "program", KEY_REGION: "region", KEY_PROJECT: "project"}


APP_PATH = Path(__file__).resolve().parents[1] / "app.py"


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


def login_gate() -> Actor:
    """The acting user. With a users file, draws the login form and stops until login;
    without one, the local single user (an analyst), said plainly in the sidebar."""
    try:
        users = load_users()
    except AuthConfigError as exc:
        st.error(f"登录配置有误，已停止：{exc}")
        st.stop()
    if users is None:
        st.sidebar.info("本地单用户模式：未配置登录（config/users.toml），当前用户拥有分析员权限。")
        return LOCAL_ANALYST
    user = st.session_state.get(KEY_USER)
    if user is None:
        st.title("登录 · 绩效看板")
        with st.form("login"):
            username = st.text_input("用户名", key="login_username")
            password = st.text_input("密码", type="password", key="login_password")
            if st.form_submit_button("登录", type="primary"):
                found = authenticate(users, username, password)
                if found is None:
                    st.error("用户名或密码错误。")
                else:
                    st.session_state[KEY_USER] = found
                    st.rerun()
        st.stop()
    st.sidebar.markdown(f"**{user.name}**（{ROLE_LABELS[user.role]}）")
    if st.sidebar.button("退出登录", key="logout"):
        del st.session_state[KEY_USER]
        st.rerun()
    return user.actor()


def current_actor() -> Actor:
    """The user acting on this run (app.py's login_gate decided it)."""
    user = st.session_state.get(KEY_USER)
    return user.actor() if user is not None else (LOCAL_ANALYST if load_users() is None else Actor("", ""))


@st.cache_resource(show_spinner="正在打开数据库…")
def get_store() -> Store:
    """The one Store of this process (built from data/ on first start)."""
    return open_store()


def dataset_version() -> int:
    return get_store().version_id()


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_read(version: int, relation: str, filters_key: tuple, order_by: tuple,
                 search: tuple | None) -> pd.DataFrame:
    del version  # part of the cache key only
    filters = Filters(*filters_key)
    return get_store().read(relation, filters, order_by=list(order_by) or None,
                            search=(search[0], search[1]) if search else None)


def read(relation: str, filters: Filters | None = None, order_by: tuple[str, ...] = (),
         search: tuple[tuple[str, ...], str] | None = None) -> pd.DataFrame:
    """A filtered view as a DataFrame (a copy: pages may add columns)."""
    frame = _cached_read(dataset_version(), relation, (filters or Filters()).key(), tuple(order_by),
                         (tuple(search[0]), search[1]) if search and search[1].strip() else None)
    return frame.copy()


@st.cache_data(max_entries=16, show_spinner=False)
def _filter_options(version: int) -> dict[str, pd.DataFrame]:
    del version
    store = get_store()
    programs = store.query(
        "SELECT program_id, program_name, year FROM programs ORDER BY year DESC, program_id")
    projects = store.query(
        "SELECT j.project_id, j.project_name, j.program_id, p.year FROM projects j "
        "JOIN programs p ON p.program_id = j.program_id ORDER BY j.project_id")
    regions = store.query(
        "SELECT DISTINCT year, program_id, region FROM ("
        " SELECT year, program_id, region FROM v_funding UNION ALL"
        " SELECT year, program_id, region FROM v_execution UNION ALL"
        " SELECT year, program_id, region FROM v_indicators UNION ALL"
        " SELECT year, program_id, region FROM v_progress) r WHERE region IS NOT NULL "
        "ORDER BY region")
    return {"programs": programs, "projects": projects, "regions": regions}


def _url_value(param: str) -> str | None:
    value = st.query_params.get(param)
    return value if value not in (None, "") else None


ALL = "__all__"  # the 全部 option; a selectbox shows None as "no selection", not as an option


def _choose(label: str, key: str, options: list, names: dict | None = None):
    """A selectbox whose first option is 全部; returns None for 全部.

    A choice no longer among the options (another year was picked) falls back to 全部.
    """
    choices = [ALL, *options]
    if st.session_state.get(key) not in choices:
        st.session_state[key] = ALL
    names = names or {}
    value = st.sidebar.selectbox(
        label, choices, key=key,
        format_func=lambda v: FILTER_LABELS["all"] if v == ALL else str(names.get(v, v)))
    return None if value == ALL else value


def sidebar_filters() -> Filters:
    """Draw the shared filters (year → program → region → project) and keep them in the URL.

    Returns the selection as Filters. The URL is read once per session, so a bookmarked or
    shared link opens on the same view.
    """
    if not st.session_state.get("_filters_from_url"):
        st.session_state["_filters_from_url"] = True
        year = _url_value("year")
        st.session_state[KEY_YEAR] = int(year) if year and year.isdigit() else None
        for key in (KEY_PROGRAM, KEY_REGION, KEY_PROJECT):
            st.session_state[key] = _url_value(URL_PARAMS[key])

    opts = _filter_options(dataset_version())
    programs, projects, regions = opts["programs"], opts["projects"], opts["regions"]

    years = sorted({int(y) for y in programs["year"]}, reverse=True)
    year = _choose(FILTER_LABELS["year"], KEY_YEAR, years, {y: f"{y}年" for y in years})
    if year is not None:
        programs = programs[programs["year"] == year]
        projects = projects[projects["year"] == year]
        regions = regions[regions["year"] == year]

    program = _choose(FILTER_LABELS["program"], KEY_PROGRAM, programs["program_id"].tolist(),
                      dict(zip(programs["program_id"], programs["program_name"], strict=True)))
    if program is not None:
        projects = projects[projects["program_id"] == program]
        regions = regions[regions["program_id"] == program]

    region = _choose(FILTER_LABELS["region"], KEY_REGION, sorted(set(regions["region"])))
    project = _choose(FILTER_LABELS["project"], KEY_PROJECT, projects["project_id"].tolist(),
                      dict(zip(projects["project_id"], projects["project_name"], strict=True)))

    for key, param in URL_PARAMS.items():
        value = st.session_state.get(key)
        if value in (None, ALL):
            if param in st.query_params:
                del st.query_params[param]
        elif st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)

    filters = Filters(year=year, program_id=program, region=region, project_id=project)
    st.session_state[KEY_FILTERS] = filters
    return filters


def current_filters() -> Filters:
    """The selection made in the sidebar on this run (app.py draws it before the page)."""
    return st.session_state.get(KEY_FILTERS, Filters())


def version_caption() -> None:
    version = get_store().current_version()
    if version:
        when = pd.Timestamp(version["created_at"]).strftime("%Y-%m-%d %H:%M")
        st.caption(f"数据版本 v{int(version['version_id'])} · {when} · {version['files']}")


def show_table(frame: pd.DataFrame, name: str, key: str, columns: list[str] | None = None,
               column_config: dict | None = None, height: int | str = "auto") -> None:
    """A table with Chinese headers and csv/xlsx downloads of exactly the rows shown."""
    shown = frame[columns] if columns else frame
    config = {c: st.column_config.Column(COLUMN_LABELS.get(c, c)) for c in shown.columns}
    config.update(_number_columns(shown))
    config.update(column_config or {})
    st.dataframe(shown, hide_index=True, column_config=config, height=height)
    filters = {k: str(v) for k, v in current_filters().active().items()}
    version = dataset_version()
    # Callables: the files are built only when someone clicks, not on every rerun of the page.
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("⬇ 下载 CSV", lambda: export.to_csv_bytes(shown, name),
                         file_name=export.file_name(name, "csv"), mime="text/csv",
                         key=f"{key}_csv", on_click="ignore")
    right.download_button(
        "⬇ 下载 Excel", lambda: export.to_xlsx_bytes(shown, name, export.ExportMeta(name, filters, version)),
        file_name=export.file_name(name, "xlsx"), key=f"{key}_xlsx", on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _number_columns(frame: pd.DataFrame) -> dict:
    config = {}
    for col in frame.columns:
        label = COLUMN_LABELS.get(col, col)
        if col in export.MONEY_COLUMNS:
            config[col] = st.column_config.NumberColumn(f"{label}（万元）", format="accounting")
        elif col in export.RATE_COLUMNS:
            config[col] = st.column_config.NumberColumn(label, format="percent")
    return config
