"""The shared sidebar filters (year → program → region → project), kept in the URL: the choice
lists of the current selection and the user's scope, each from a small cached query."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import lib.ui as ui
from lib.filters import Filters
from lib.labels import FILTER_LABELS
from lib.ui import (
    KEY_FILTERS,
    KEY_PROGRAM,
    KEY_PROGRAM_SEARCH,
    KEY_PROJECT,
    KEY_PROJECT_SEARCH,
    KEY_REGION,
    KEY_REGION_SEARCH,
    KEY_YEAR,
    URL_PARAMS,
)
from lib.ui.safe import md

# A sidebar choice list longer than this asks for a narrower selection or a search first: every
# option travels to the browser on every run of every page (3,000 program and project names were
# ~137 KiB a run), and a list of more than a couple of hundred is searched, not scrolled. At 1M
# rows a year holds about 200 programs, a program about 50 projects.
MAX_OPTIONS = 250


# The sidebar's choices for the current selection and the user's scope (``scope``: a
# Filters(scope=…).key(), so the cache keys hold it): only what it shows, from small queries.
@st.cache_data(max_entries=64, show_spinner=False)
def _years(version: int, scope: tuple) -> list[int]:
    del version
    return ui.get_store().filter_years(Filters(*scope).scope)


@st.cache_data(max_entries=256, show_spinner=False)
def _programs(version: int, year: int | None, include: str | None, scope: tuple,
              search: str = "") -> tuple[pd.DataFrame, int]:
    del version
    return ui.get_store().filter_programs(year, MAX_OPTIONS, include=include, scope=Filters(*scope).scope,
                                       search=search)


@st.cache_data(max_entries=256, show_spinner=False)
def _regions(version: int, year: int | None, program: str | None, scope: tuple) -> list[str]:
    del version
    return ui.get_store().filter_regions(year, program, Filters(*scope).scope)


@st.cache_data(max_entries=256, show_spinner=False)
def _projects(version: int, year: int | None, program: str | None,
              include: str | None, scope: tuple, search: str = "") -> tuple[pd.DataFrame, int]:
    del version
    return ui.get_store().filter_projects(year, program, MAX_OPTIONS, include=include,
                                       scope=Filters(*scope).scope, search=search)


def _chosen(key: str) -> str | None:
    value = st.session_state.get(key)
    return None if value in (None, ALL) else str(value)


KEPT = "_kept"  # suffix of the session key that keeps a search while its box is closed


def _searched(key: str) -> str:
    """The search text of the list ``key``: the box's, while it is drawn, else the one kept."""
    return str(st.session_state.get(key, st.session_state.get(key + KEPT, ""))).strip()


def _search_box(key: str, what: str, total: int, shown: int, narrower: str) -> None:
    """The search that narrows a long choice list: offered only while the list is too long or a
    search is typed, under a closed expander; the text box is
    drawn only while it is open (a text box costs the browser ~14 ms on every run of every page,
    a closed expander nothing, and an expander's content is drawn though it is closed). A search
    typed stays applied when the box is closed again."""
    searched = _searched(key)
    note = ""
    if total > shown:
        note = (f"含“{searched}”的{what}共 {total:,} 项，太多无法逐一列出：请输入更多字。" if searched
                else f"{what}共 {total:,} 项，太多无法逐一列出：请先选择{narrower}，或输入名称搜索。")
    label = FILTER_LABELS["search"].format(what=what)
    # the label stays the same (a new label would be a new expander, closed): the counts and the
    # text searched for are in the box
    box = st.sidebar.expander(label, key=f"{key}_open", on_change="rerun", icon=":material/search:")
    if box.open:
        value = box.text_input(label, value=searched, key=key, help=note or None,
                               placeholder=note or FILTER_LABELS["search_hint"])
        st.session_state[key + KEPT] = value.strip()


def _listed(regions: list[str], chosen: str | None, search: str) -> tuple[list[str], int]:
    """The regions to offer (at most MAX_OPTIONS: those containing ``search``, and the chosen one
    always) and how many match: a province-wide program reaches thousands of counties."""
    found = [r for r in regions if search in r] if search else regions
    listed = found if len(found) <= MAX_OPTIONS else []  # none at random: a search narrows them
    if chosen and chosen not in listed and chosen in regions:
        listed = [*listed, chosen]
    return listed, len(found)


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

    version = ui.dataset_version()
    scope = ui.user_scope()
    if not scope.unrestricted:
        st.sidebar.caption(md("范围：{}", ui.scope_text(scope)))
    scoped = Filters(scope=scope).key()
    years = _years(version, scoped)
    year = _choose(FILTER_LABELS["year"], KEY_YEAR, years, {y: f"{y}年" for y in years})
    program_search = _searched(KEY_PROGRAM_SEARCH)
    programs, n_programs = _programs(version, year, _chosen(KEY_PROGRAM), scoped, program_search)
    program = _choose(FILTER_LABELS["program"], KEY_PROGRAM, programs["program_id"].tolist(),
                      dict(zip(programs["program_id"], programs["program_name"], strict=True)))
    if n_programs > MAX_OPTIONS or program_search:
        _search_box(KEY_PROGRAM_SEARCH, FILTER_LABELS["program"], n_programs, len(programs), "年度")
    region_search = _searched(KEY_REGION_SEARCH)
    regions, n_regions = _listed(_regions(version, year, program, scoped), _chosen(KEY_REGION), region_search)
    region = _choose(FILTER_LABELS["region"], KEY_REGION, regions)
    if n_regions > MAX_OPTIONS or region_search:
        _search_box(KEY_REGION_SEARCH, FILTER_LABELS["region"], n_regions, len(regions),
                    FILTER_LABELS["program"])
    project_search = _searched(KEY_PROJECT_SEARCH)
    projects, n_projects = _projects(version, year, program, _chosen(KEY_PROJECT), scoped, project_search)
    project = _choose(FILTER_LABELS["project"], KEY_PROJECT, projects["project_id"].tolist(),
                      dict(zip(projects["project_id"], projects["project_name"], strict=True)))
    if n_projects > MAX_OPTIONS or project_search:
        _search_box(KEY_PROJECT_SEARCH, FILTER_LABELS["project"], n_projects, len(projects),
                    FILTER_LABELS["program"])

    for key, param in URL_PARAMS.items():
        value = st.session_state.get(key)
        if value in (None, ALL):
            if param in st.query_params:
                del st.query_params[param]
        elif st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)

    filters = Filters(year=year, program_id=program, region=region, project_id=project, scope=scope)
    st.session_state[KEY_FILTERS] = filters
    return filters
