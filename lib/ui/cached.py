"""The cached store and its cached reads, always inside the signed-in user's scope.

Caches are keyed on the dataset version and the filter values (scalars), never on frames or
connections, so a new import shows at once and a rerun costs nothing.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from lib.access.scope import EVERYTHING, Scope
from lib.analysis import checks, scoring, summary
from lib.filters import Filters
from lib.store import Store, StoreError, open_store, version_diff
from lib.store import lineage as store_lineage
from lib.store.scoped import ScopedReader, scoped_audit
from lib.ui import limits
from lib.ui.keys import KEY_FILTERS
from lib.ui.login import KEY_USER
from lib.ui.safe import md_text


@st.cache_resource(show_spinner=False)  # require_store shows the spinner on the first open only
def get_store() -> Store:
    """The one Store of this process (built from data/ on first start): the shared PostgreSQL
    store when $JIXIAO_DATABASE_URL is set (this replica reads its own DuckDB copy, brought up to
    date by ``dataset_version()`` on every run), else the DuckDB file."""
    return open_store()


def dataset_version() -> int:
    return get_store().version_id()


_store_opened = False  # whether this process has opened its store (get_store's first call)


def require_store() -> None:
    """Stop this run with the store's own message when it cannot be opened or reached (PostgreSQL
    down, the DuckDB file held by another process): a reader sees what is wrong and what to do,
    not a traceback. The next rerun tries again (a failed open is not cached)."""
    global _store_opened
    try:
        if _store_opened:
            dataset_version()
        else:  # a spinner is one more element on every run: only while the store is being opened
            with st.spinner("正在打开数据库…"):
                dataset_version()
            _store_opened = True
    except StoreError as exc:
        st.error(md_text(str(exc)), icon=":material/cloud_off:")
        st.stop()


def user_scope() -> Scope:
    """The signed-in user's scope (everything in local mode; pages run only after login_gate)."""
    user = st.session_state.get(KEY_USER)
    return user.scope if user is not None else EVERYTHING


def scoped(filters: Filters | None) -> Filters:
    """``filters`` inside the signed-in user's scope, whatever scope a page gave them: every read
    below goes through this, so a page cannot read outside the scope by building its own Filters."""
    return replace(filters or Filters(), scope=user_scope())


def _key(filters: Filters | None) -> tuple:
    return scoped(filters).key()


def scoped_store() -> ScopedReader:
    """The store's reads within the user's scope, for writers that read a store (forms, reports)."""
    return ScopedReader(get_store(), user_scope())


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_read(version: int, relation: str, filters_key: tuple, order_by: tuple, search: tuple | None,
                 limit: int | None, where_in: tuple | None, not_null: tuple) -> pd.DataFrame:
    del version  # part of the cache key only
    filters = Filters(*filters_key)
    return get_store().read(relation, filters, order_by=list(order_by) or None,
                            search=(search[0], search[1]) if search else None, limit=limit,
                            where_in={c: list(v) for c, v in where_in} if where_in else None,
                            not_null=not_null)


def _search_key(search: tuple[tuple[str, ...], str] | None) -> tuple | None:
    return (tuple(search[0]), search[1]) if search and search[1].strip() else None


def read(relation: str, filters: Filters | None = None, order_by: tuple[str, ...] = (),
         search: tuple[tuple[str, ...], str] | None = None, limit: int | None = None,
         where_in: dict[str, list] | None = None, not_null: tuple[str, ...] = ()) -> pd.DataFrame:
    """A filtered view as a DataFrame (a copy: pages may add columns); ``limit`` bounds the rows."""
    frame = _cached_read(dataset_version(), relation, _key(filters), tuple(order_by),
                         _search_key(search), limit,
                         _in_key(where_in), tuple(not_null))
    return frame.copy()


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_count(version: int, relation: str, filters_key: tuple, search: tuple | None,
                  where_in: tuple | None, not_null: tuple) -> int:
    del version
    return get_store().count(relation, Filters(*filters_key),
                             search=(search[0], search[1]) if search else None,
                             where_in={c: list(v) for c, v in where_in} if where_in else None,
                             not_null=not_null)


def count(relation: str, filters: Filters | None = None, search: tuple[tuple[str, ...], str] | None = None,
          where_in: dict[str, list] | None = None, not_null: tuple[str, ...] = ()) -> int:
    """How many rows ``read`` gives without a limit."""
    return _cached_count(dataset_version(), relation, _key(filters), _search_key(search),
                         _in_key(where_in), tuple(not_null))


def _in_key(where_in: dict[str, list] | None) -> tuple | None:
    return tuple((c, tuple(v)) for c, v in where_in.items()) if where_in is not None else None


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_summarize(version: int, relation: str, filters_key: tuple, by: tuple, sums: tuple,
                      nonnull: tuple, order: tuple, limit: int | None) -> pd.DataFrame:
    del version
    return get_store().summarize(relation, Filters(*filters_key), by=by, sums=sums, nonnull=nonnull,
                                 order=order, limit=limit)


def summarize(relation: str, filters: Filters | None = None, by: tuple[str, ...] = (),
              sums: tuple[str, ...] = (), nonnull: tuple[str, ...] = (), order: tuple[str, ...] = (),
              limit: int | None = None) -> pd.DataFrame:
    """Rows ``n`` and sums per group, aggregated in the database (see Store.summarize)."""
    return _cached_summarize(dataset_version(), relation, _key(filters), tuple(by),
                             tuple(sums), tuple(nonnull), tuple(order), limit).copy()


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_count_distinct(version: int, relation: str, filters_key: tuple, columns: tuple) -> int:
    del version
    return get_store().count_distinct(relation, Filters(*filters_key), columns)


def count_distinct(relation: str, filters: Filters | None, columns: tuple[str, ...]) -> int:
    """How many distinct combinations of ``columns`` the selection has."""
    return _cached_count_distinct(dataset_version(), relation, _key(filters), tuple(columns))


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_band_counts(version: int, filters_key: tuple, red: float, yellow: float) -> dict[str, int]:
    del version
    return get_store().execution_band_counts(Filters(*filters_key), red, yellow)


def execution_band_counts(filters: Filters, red: float, yellow: float) -> dict[str, int]:
    """Execution records per band in the selection (see Store.execution_band_counts)."""
    return _cached_band_counts(dataset_version(), _key(filters), red, yellow)


def read_all(relation: str, filters: Filters | None = None, order_by: tuple[str, ...] = (),
             where_in: dict[str, list] | None = None) -> pd.DataFrame:
    """Every row of a selection, uncached: for a download someone clicked, never for drawing."""
    return get_store().read(relation, scoped(filters), order_by=list(order_by) or None, where_in=where_in)


def with_project_scores(projects: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The projects (rows of v_projects in the selection) with computed score and rating from
    their own indicators and score parts. A table's worth is kept per dataset version, selection
    and project list, so a rerun (a click on a download button) does not score it again; a
    download of the whole selection is scored once, uncached."""
    if len(projects) > limits.DETAIL_ROWS:
        return _scored(projects, read_all("v_indicators", filters), read_all("v_score_parts", filters))
    return _cached_scores(dataset_version(), _key(filters), tuple(projects["project_id"]), projects).copy()


@st.cache_data(max_entries=32, show_spinner=False)
def _cached_scores(version: int, filters_key: tuple, project_ids: tuple,
                   _projects: pd.DataFrame) -> pd.DataFrame:
    del version  # _projects is fixed by the other arguments, so it need not be hashed
    filters = Filters(*filters_key)
    # the programs too: rows are stored by program, so the database skips the others
    ids = {"program_id": sorted(set(_projects["program_id"])), "project_id": list(project_ids)}
    return _scored(_projects, read("v_indicators", filters, where_in=ids),
                   read("v_score_parts", filters, where_in=ids))


def _scored(projects: pd.DataFrame, indicators: pd.DataFrame, parts: pd.DataFrame) -> pd.DataFrame:
    scores = scoring.project_scores(projects, indicators, parts)
    return projects.merge(scores.drop(columns="execution_points"), on="project_id", how="left")


def audit_findings(scope: Filters) -> pd.DataFrame:
    """Every audit finding of the records in ``scope`` (a year / program selection: the checks
    recompute whole programs), kept per dataset version so that choosing rules or severities on
    the 核查 page does not run the audit again."""
    return _cached_audit(dataset_version(), _key(scope)).copy()


@st.cache_data(max_entries=32, show_spinner="正在核查…")
def _cached_audit(version: int, scope_key: tuple) -> pd.DataFrame:
    del version
    # read straight from the store: the findings are what is kept (the audit's inputs, up to 200k
    # indicator rows, would otherwise sit in read()'s cache beside them)
    return checks.findings_frame(scoped_audit(get_store(), Filters(*scope_key)))


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_program_totals(version: int, filters_key: tuple) -> pd.DataFrame:
    del version
    return get_store().program_totals(Filters(*filters_key))


def program_totals(filters: Filters | None = None) -> pd.DataFrame:
    """Budget and executed per program in the selection (see Store.program_totals)."""
    return _cached_program_totals(dataset_version(), _key(filters)).copy()


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_yearly(version: int, filters_key: tuple,
                  lineage_stamp: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    del lineage_stamp
    totals = _cached_program_totals(version, filters_key)
    # years joined through each program's lineage (lib/store/lineage.py), not its per-year id
    frame = store_lineage.resolved(get_store())
    mapping = dict(zip(frame["program_id"], frame["lineage"], strict=True))
    totals = totals.assign(lineage=[mapping.get(p, p) for p in totals["program_id"]])
    return summary.by_year(totals), summary.like_for_like(totals)


def yearly_execution(filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per budget year (summary.by_year) and the like-for-like links between years
    (summary.like_for_like) of the selection's program totals, kept per version: matching
    thousands of program names across years is work for a new version, not for every run."""
    return _cached_yearly(dataset_version(), _key(filters), store_lineage.choices_stamp(get_store()))


def current_filters() -> Filters:
    """The selection made in the sidebar on this run (app.py draws it before the page), always
    inside the signed-in user's scope."""
    filters = st.session_state.get(KEY_FILTERS)
    scope = user_scope()
    if filters is None or filters.scope != scope:  # e.g. a page run before the sidebar, or another user
        return Filters(scope=scope)
    return filters


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_stated(version: int, filters_key: tuple) -> pd.DataFrame:
    del version
    snapshots = get_store().read("v_execution", Filters(*filters_key), where={"scope": "snapshot"})
    return summary.stated_execution(snapshots)


def stated_execution(filters: Filters) -> pd.DataFrame:
    """Each program's stated execution rate with its base (summary.stated_execution) in the
    selection, kept per version and selection."""
    return _cached_stated(dataset_version(), _key(filters)).copy()


@st.cache_data(max_entries=256, show_spinner=False)
def version_changes(version_id: int, programs: tuple[str, ...] | None) -> tuple[list[dict], int]:
    """The values a version changed (lib/store/version_diff.py), for 版本历史: a version never
    changes once written, so each is read once (2 + 20 queries per program it replaced), not on
    every rerun of the page; ``programs`` limits it to a scoped user's programs."""
    return version_diff.value_changes(get_store(), version_id,
                                      programs=None if programs is None else set(programs))
