"""The shared sidebar filters (year → program → region → project), kept in the URL: the choice
lists of the current selection and the user's scope, each from a small cached query."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.filters import Filters
from lib.labels import FILTER_LABELS
from lib.outputs import fmt
from lib.ui import cached
from lib.ui.captions import scope_text
from lib.ui.keys import (
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
    return cached.get_store().filter_years(Filters(*scope).scope)


@st.cache_data(max_entries=256, show_spinner=False)
def _programs(version: int, year: int | None, include: str | None, scope: tuple,
              search: str = "") -> tuple[pd.DataFrame, int]:
    del version
    return cached.get_store().filter_programs(year, MAX_OPTIONS, include=include, scope=Filters(*scope).scope,
                                           search=search)


@st.cache_data(max_entries=256, show_spinner=False)
def _regions(version: int, year: int | None, program: str | None, scope: tuple) -> list[str]:
    del version
    return cached.get_store().filter_regions(year, program, Filters(*scope).scope)


@st.cache_data(max_entries=256, show_spinner=False)
def _projects(version: int, year: int | None, program: str | None,
              include: str | None, scope: tuple, search: str = "") -> tuple[pd.DataFrame, int]:
    del version
    return cached.get_store().filter_projects(year, program, MAX_OPTIONS, include=include,
                                           scope=Filters(*scope).scope, search=search)


def _chosen(key: str) -> str | None:
    value = st.session_state.get(key)
    return None if value in (None, ALL) else str(value)


def _searched(key: str) -> str:
    """The search text of the list ``key`` typed on an earlier run (its box is drawn after the
    list's query, which needs it)."""
    return str(st.session_state.get(key) or "").strip()


def _search_note(what: str, total: int, shown: int, narrower: str, searched: str) -> str:
    if total <= shown:
        return ""
    return (f"含“{searched}”的{what}共 {total:,} 项，太多无法逐一列出：请输入更多字。" if searched
            else f"{what}共 {total:,} 项，太多无法逐一列出：请先选择{narrower}，或输入名称搜索。")


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


# A filter's button shows this many characters of the chosen name (the whole name on hover and
# in the list): a 38-character program name would otherwise take four lines of the sidebar.
CHIP_CHARS = 16


def _choose(label: str, key: str, options: list, names: dict | None = None, search: dict | None = None):
    """One filter: a button in the sidebar naming the choice, and under it, once clicked, a
    selectbox whose first option is 全部 (and, for a list too long to show whole, its search box).
    Returns None for 全部.

    A popover's content is drawn by the browser only while it is open, where four selectboxes in
    the sidebar cost ~15–35 ms each on every run of every page (bench/elements.py); the widgets
    are still sent, so their state and the URL are kept as before. A choice no longer among the
    options (another year was picked) falls back to 全部.
    """
    choices = [ALL, *options]
    if st.session_state.get(key) not in choices:
        st.session_state[key] = ALL
    names = names or {}

    def name(value) -> str:
        return FILTER_LABELS["all"] if value == ALL else str(names.get(value, value))

    chosen = name(st.session_state[key])
    shown = fmt.short(chosen, CHIP_CHARS)
    # the popover stays open after a choice (Streamlit keeps it); its label then names the new one
    hint = md("{}", chosen) if shown != chosen else FILTER_LABELS["chip_help"].format(label=label)
    box = st.sidebar.popover(md(FILTER_LABELS["chip"], label=label, value=shown), width="stretch", help=hint)
    if search is not None:
        _search_box(box, **search)
    value = box.selectbox(label, choices, key=key, format_func=name)
    return None if value == ALL else value


def _search_box(box, key: str, what: str, total: int, shown: int, narrower: str) -> None:
    """The search that narrows a long choice list, above it in the filter's popover: offered
    only while the list is too long or a search is typed."""
    searched = _searched(key)
    if total <= shown and not searched:
        return
    note = _search_note(what, total, shown, narrower, searched)
    box.text_input(FILTER_LABELS["search"].format(what=what), key=key, help=note or None,
                   placeholder=note or FILTER_LABELS["search_hint"])


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

    version = cached.dataset_version()
    scope = cached.user_scope()
    if not scope.unrestricted:
        st.sidebar.caption(md("范围：{}", scope_text(scope)))
    scoped = Filters(scope=scope).key()
    years = _years(version, scoped)
    year = _choose(FILTER_LABELS["year"], KEY_YEAR, years, {y: f"{y}年" for y in years})
    program_search = _searched(KEY_PROGRAM_SEARCH)
    programs, n_programs = _programs(version, year, _chosen(KEY_PROGRAM), scoped, program_search)
    program = _choose(FILTER_LABELS["program"], KEY_PROGRAM, programs["program_id"].tolist(),
                      dict(zip(programs["program_id"], programs["program_name"], strict=True)),
                      search=dict(key=KEY_PROGRAM_SEARCH, what=FILTER_LABELS["program"], total=n_programs,
                                  shown=len(programs), narrower="年度"))
    region_search = _searched(KEY_REGION_SEARCH)
    regions, n_regions = _listed(_regions(version, year, program, scoped), _chosen(KEY_REGION), region_search)
    region = _choose(FILTER_LABELS["region"], KEY_REGION, regions,
                     search=dict(key=KEY_REGION_SEARCH, what=FILTER_LABELS["region"], total=n_regions,
                                 shown=len(regions), narrower=FILTER_LABELS["program"]))
    project_search = _searched(KEY_PROJECT_SEARCH)
    projects, n_projects = _projects(version, year, program, _chosen(KEY_PROJECT), scoped, project_search)
    project = _choose(FILTER_LABELS["project"], KEY_PROJECT, projects["project_id"].tolist(),
                      dict(zip(projects["project_id"], projects["project_name"], strict=True)),
                      search=dict(key=KEY_PROJECT_SEARCH, what=FILTER_LABELS["project"], total=n_projects,
                                  shown=len(projects), narrower=FILTER_LABELS["program"]))

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
