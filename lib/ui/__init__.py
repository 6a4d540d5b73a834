"""Streamlit glue shared by every page: the cached store, cached reads, the sidebar filters
kept in the URL, and tables that always come with their downloads.

Caches are keyed on the dataset version and the filter values (scalars), never on frames or
connections, so a new import shows at once and a rerun costs nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from lib.access import regions as region_tree
from lib.access.roles import Actor
from lib.access.scope import EVERYTHING, Scope
from lib.analysis import checks, scoring, summary
from lib.filters import Filters
from lib.intake.workbook import MAX_FILE_BYTES
from lib.labels import BRIEF_LABELS, COLUMN_LABELS, UPLOAD_NOTE
from lib.outputs import export
from lib.store import EXPORTABLE, Store, StoreError, accounts, open_store
from lib.store.scoped import ScopedReader
from lib.ui import fmt, login
from lib.ui.login import KEY_EXPIRED, KEY_LAST_SEEN, KEY_USER, current_actor  # noqa: F401  (pages, tests)
from lib.ui.safe import Markdown, md, md_code, md_text

# Session-state keys, in one place.
KEY_YEAR = "filter_year"
KEY_PROGRAM = "filter_program"
KEY_REGION = "filter_region"
KEY_PROJECT = "filter_project"
KEY_FILTERS = "filters"
# The searches that narrow the program and project lists (not in the URL: the choice is).
KEY_PROGRAM_SEARCH = "filter_program_search"
KEY_PROJECT_SEARCH = "filter_project_search"
KEY_REGION_SEARCH = "filter_region_search"
# URL query parameter for each filter key.
URL_PARAMS = {KEY_YEAR: "year", KEY_PROGRAM: "program", KEY_REGION: "region", KEY_PROJECT: "project"}


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


# Detail tables and lists read at most this many rows; the count and the downloads cover all.
DETAIL_ROWS = 1000
# A table on screen holds at most this many of them: the browser decodes and lays out every row
# sent (1,000 rows of a dozen text columns cost more than the chart beside them, bench/run.py
# --only browser), while a reader scrolls a few dozen; the downloads still have every row.
SCREEN_ROWS = 100
# Downloads are built on the click, while the user waits: past these sizes (about half a minute
# on 2 cores: an xlsx of 21 columns writes ~6,000 rows/s, a csv ~70,000) the page offers the
# command line instead.
XLSX_DOWNLOAD_MAX_ROWS = 200_000
CSV_DOWNLOAD_MAX_ROWS = 2_000_000


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
    if len(projects) > DETAIL_ROWS:
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


def url_picks(param: str, valid, key: str, what: str) -> Markdown | None:
    """A multiselect's choices kept in the URL (``?rule=R1,R12``): on a session's first run the
    URL presets the widget ``key``; every run refuses what the URL names that is not in
    ``valid``, returning the error (naming the valid choices) for the page to show. Call before
    drawing the widget; keep_url_picks after it."""
    named = [v.strip() for v in (st.query_params.get(param) or "").split(",") if v.strip()]
    flag = f"_{key}_from_url"
    if not st.session_state.get(flag):
        st.session_state[flag] = True
        st.session_state[key] = [v for v in named if v in valid]
    error = checks.refuse_unknown(what, named, valid)
    return md("{}", error) if error else None


def keep_url_picks(param: str, picks: list[str]) -> None:
    """The widget's choices back into the URL (none: the parameter removed)."""
    value = ",".join(picks)
    if not value:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


@st.cache_data(max_entries=32, show_spinner="正在核查…")
def _cached_audit(version: int, scope_key: tuple) -> pd.DataFrame:
    del version
    scope = Filters(*scope_key)
    if scope.scope.unrestricted:
        return checks.findings_frame(checks.run_audit(checks.read_inputs(lambda name: read(name, scope))))
    # a scoped user: the checks recompute the whole programs the scope reaches (a province's rate
    # is over every city), then only the findings that concern the scope's regions are kept
    whole = replace(scope, scope=EVERYTHING)
    regions = region_tree.expand(scope.scope.regions) if scope.scope.regions else ()
    return checks.findings_frame(checks.audit_in_scope(
        lambda name: read(name, scope),
        lambda name, ids: get_store().read(name, whole, where_in={"program_id": ids}),
        regions))


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_program_totals(version: int, filters_key: tuple) -> pd.DataFrame:
    del version
    return get_store().program_totals(Filters(*filters_key))


def program_totals(filters: Filters | None = None) -> pd.DataFrame:
    """Budget and executed per program in the selection (see Store.program_totals)."""
    return _cached_program_totals(dataset_version(), _key(filters)).copy()


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_yearly(version: int, filters_key: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    totals = _cached_program_totals(version, filters_key)
    return summary.by_year(totals), summary.like_for_like(totals)


def yearly_execution(filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per budget year (summary.by_year) and the like-for-like links between years
    (summary.like_for_like) of the selection's program totals, kept per version: matching
    thousands of program names across years is work for a new version, not for every run."""
    return _cached_yearly(dataset_version(), _key(filters))




def current_filters() -> Filters:
    """The selection made in the sidebar on this run (app.py draws it before the page), always
    inside the signed-in user's scope."""
    filters = st.session_state.get(KEY_FILTERS)
    scope = user_scope()
    if filters is None or filters.scope != scope:  # e.g. a page run before the sidebar, or another user
        return Filters(scope=scope)
    return filters


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


# Each file's upload limit, the one the readers enforce, set on every uploader: the widget then
# states it, and a server started from another folder (without .streamlit/config.toml) does not
# fall back to Streamlit's 200 MB.
UPLOAD_LIMIT_MB = MAX_FILE_BYTES // (1024 * 1024)


def file_uploader(label: str, types, key: str, multiple: bool = False):
    """st.file_uploader with the Chinese note of what it takes (types, limit) beside its English
    drop zone, and the product's upload limit on the widget itself."""
    types = [t.lstrip(".") for t in types]
    note = UPLOAD_NOTE.format(many="（可多选）" if multiple else "", limit=UPLOAD_LIMIT_MB,
                              types="、".join(f".{t}" for t in types))
    files = st.file_uploader(label, type=types, accept_multiple_files=multiple, key=key, help=note,
                             max_upload_size=UPLOAD_LIMIT_MB)
    st.caption(note)
    return files


def show_table(frame: pd.DataFrame, name: str, key: str, columns: list[str] | None = None,
               column_config: dict | None = None, height: int | str = "auto", total: int | None = None,
               full: Callable[[], pd.DataFrame] | None = None) -> None:
    """A table with Chinese headers and csv/xlsx downloads.

    ``frame`` may be the first rows of a longer selection: then ``total`` is its full length and
    ``full`` returns all of it, which the downloads contain (built only when clicked).
    """
    shown = frame[columns] if columns else frame
    config = {c: st.column_config.Column(COLUMN_LABELS.get(c, c)) for c in shown.columns}
    config.update(_number_columns(shown))
    config.update(column_config or {})
    # on screen, numbers stay numbers and an empty cell stays empty; the downloads keep the values
    rates = {c for c in export.RATE_COLUMNS if _is_rate_format(config.get(c))}
    screen = fmt.display_frame(shown.head(SCREEN_ROWS), rates)
    st.dataframe(screen, hide_index=True, column_config=config, height=height,
                 placeholder=fmt.TABLE_PLACEHOLDER)
    truncated = total is not None and full is not None and total > len(shown)
    n_rows = total if truncated else len(shown)
    no_csv, no_xlsx = n_rows > CSV_DOWNLOAD_MAX_ROWS, n_rows > XLSX_DOWNLOAD_MAX_ROWS
    if n_rows > len(screen):
        st.caption(f"共 {n_rows:,} 行，表中列出前 {len(screen):,} 行"
                   + ("。" if no_xlsx else f"；下载的文件包含全部 {n_rows:,} 行。"))
    if no_xlsx:
        st.caption(_too_big_to_download(name, n_rows, current_filters(), csv_ok=not no_csv))

    # A column the labels do not know (a pivot's fund sources, say) goes out headed as the screen
    # heads it (中央补助（万元）), not by its bare data name.
    own_headers = {c: (config.get(c) or {}).get("label") for c in shown.columns if c not in COLUMN_LABELS}
    own_headers = {c: label for c, label in own_headers.items() if label and label != c}

    def rows() -> pd.DataFrame:
        if not truncated:
            return shown.rename(columns=own_headers)
        everything = full()
        return everything[[c for c in shown.columns if c in everything.columns]].rename(columns=own_headers)

    filters = current_filters()
    logged = {k: str(v) for k, v in filters.active().items()}  # what the activity log records
    # Callables: the files are built only when someone clicks, not on every rerun of the page.
    # one horizontal container: two elements for the browser, where columns were four blocks more
    buttons = st.container(horizontal=True, gap="small")
    csv_name, xlsx_name = export.file_name(name, "csv"), export.file_name(name, "xlsx")
    buttons.download_button("⬇ 下载 CSV", b"" if no_csv else logged_export(
                                lambda: export.to_csv_bytes(rows(), name), name, csv_name, logged, n_rows),
                            file_name=csv_name, mime="text/csv",
                            key=f"{key}_csv", on_click="ignore", disabled=no_csv)
    buttons.download_button(
        "⬇ 下载 Excel",
        b"" if no_xlsx else logged_export(
            lambda: export.to_xlsx_bytes(rows(), name,
                                         export.meta_for(get_store(), name, filters.active(), filters.scope)),
            name, xlsx_name, logged, n_rows),
        file_name=xlsx_name, key=f"{key}_xlsx", on_click="ignore", disabled=no_xlsx,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def metric_row():
    """The container a row of metric cards goes in: one horizontal container is one element for
    the browser, where st.columns(n) is n + 1 blocks (lib/ui/sections.py says why that counts);
    on a narrow screen the cards wrap."""
    return st.container(horizontal=True, gap="small")


def logged_export(build: Callable[[], bytes], what: str, file_name: str, filters: dict | None = None,
                  rows: int | None = None) -> Callable[[], bytes]:
    """A download button's deferred data that also logs the export (Streamlit calls it on the
    click, outside the page run: the store and the user are taken now)."""
    store, actor = get_store(), current_actor()

    def build_and_log() -> bytes:
        data = build()
        accounts.log_export(store, actor, what, file_name, filters, rows)
        return data

    return build_and_log


def _too_big_to_download(name: str, n_rows: int, filters: Filters, csv_ok: bool) -> str:
    """What to do instead when a selection is too long to download from the page."""
    if csv_ok:
        return (f"{n_rows:,} 行超过 Excel 下载上限 {XLSX_DOWNLOAD_MAX_ROWS:,} 行：可下载 CSV（包含全部行），"
                "或缩小筛选后下载 Excel。")
    text = f"{n_rows:,} 行超过页面下载上限 {CSV_DOWNLOAD_MAX_ROWS:,} 行：请先缩小筛选"
    if name not in EXPORTABLE:
        return text + "。"
    columns = get_store().columns(name)
    where = "".join(f" --where {k}={v}" for k, v in filters.active().items() if k in columns)
    user = st.session_state.get(KEY_USER)
    who = f" --user {user.username}" if user is not None and not user.scope.unrestricted else ""
    command = f"python -m lib.cli export {name}{where}{who} --format csv --out {name}.csv"
    return md("{}，或在命令行导出全部：{}", Markdown(text), md_code(command))  # text: figures only


def project_names(parsed) -> dict[str, str]:
    """Project id -> name for an upload's preview: the incoming projects, and the stored ones of
    the programs it replaces (a project the upload removes is named too)."""
    names = {r["project_id"]: r["project_name"] for r in parsed.tables.get("projects", [])}
    programs = sorted({r["program_id"] for r in parsed.tables.get("programs", [])})
    if programs:
        stored = read("projects", where_in={"program_id": programs})
        for pid, name in zip(stored["project_id"], stored["project_name"], strict=True):
            names.setdefault(pid, name)
    return names


def show_rows(relation: str, filters: Filters, name: str, key: str, order_by: tuple[str, ...] = (),
              columns: list[str] | None = None, column_config: dict | None = None,
              search: tuple[tuple[str, ...], str] | None = None, where_in: dict[str, list] | None = None,
              prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None) -> pd.DataFrame:
    """A view's filtered rows as a table: the first DETAIL_ROWS in ``order_by`` order on screen,
    all of them in the downloads. ``prepare`` adds display columns (to both). Returns the rows shown."""
    shown = read(relation, filters, order_by=order_by, search=search, limit=DETAIL_ROWS, where_in=where_in)
    total = len(shown)
    if total >= DETAIL_ROWS:
        total = count(relation, filters, search=search, where_in=where_in)
    prepare = prepare or (lambda frame: frame)
    shown = prepare(shown)

    def full() -> pd.DataFrame:
        return prepare(get_store().read(relation, scoped(filters), order_by=list(order_by) or None,
                                        where_in=where_in,
                                        search=search if search and search[1].strip() else None))

    show_table(shown, name, key, columns=columns, column_config=column_config, total=total, full=full)
    return shown


# Name columns longer than this many characters get a medium width: else one long program name
# pushes the figures beside it out of the table's view.
LONG_NAME = 16
NAME_COLUMNS = ("program_name", "project_name", "title", "programs")


def _number_columns(frame: pd.DataFrame) -> dict:
    """The columns' default config: money in 万元 with separators, rates as one-decimal
    percentages, dates as dates, long names at a medium width."""
    config = {}
    for col in frame.columns:
        label = COLUMN_LABELS.get(col, col)
        if col in export.MONEY_COLUMNS:
            config[col] = st.column_config.NumberColumn(f"{label}（万元）", format="accounting")
        elif col in export.RATE_COLUMNS:
            config[col] = st.column_config.NumberColumn(label, format=fmt.RATE_FORMAT)
        elif pd.api.types.is_datetime64_any_dtype(frame[col]):
            times = frame[col].dropna()
            if len(times) and (times != times.dt.normalize()).any():  # a moment, not a day
                config[col] = st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
            else:
                config[col] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif col in NAME_COLUMNS and len(frame) \
                and max(len(v) if isinstance(v, str) else 0 for v in frame[col]) > LONG_NAME:
            config[col] = st.column_config.TextColumn(label, width="medium")
    return config


def _is_rate_format(column: dict | None) -> bool:
    """Whether a column's config shows the screen's percentage (× 100) numbers: a page's own
    config for a rate column (a progress bar, say) gets the fraction as stored."""
    return bool(column) and (column.get("type_config") or {}).get("format") == fmt.RATE_FORMAT


# ---------------------------------------------------------------- the PDF brief (every page)


@st.cache_data(ttl=300, show_spinner=False)
def _brief_problem() -> str | None:
    from lib.outputs import brief

    return brief.renderer_problem()


def brief_download(filters: Filters) -> None:
    """The 导出简报PDF button under the sidebar filters (app.py draws it once, for every page).

    The PDF is printed when clicked, for the selection shown. Where this machine lacks Chromium
    or the CJK fonts, the sidebar says what to install instead of offering a button that fails.
    """
    from lib.outputs import brief

    problem = _brief_problem()
    if problem:
        st.sidebar.caption(problem)
        return
    st.sidebar.download_button(
        BRIEF_LABELS["download"],
        logged_export(lambda: brief.write_pdf(scoped_store(), scoped(filters)), "brief",
                      brief.file_name(filters), {k: str(v) for k, v in filters.active().items()}),
        file_name=brief.file_name(filters), mime="application/pdf", key="brief_pdf", on_click="ignore",
        help=BRIEF_LABELS["download_help"], width="stretch")


# The sidebar reads the store helpers above: imported last, when they exist.
from lib.ui.sidebar import sidebar_filters  # noqa: E402,F401  (app.py, bench/run.py)
