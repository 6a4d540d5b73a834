"""Streamlit glue shared by every page: the cached store, cached reads, the sidebar filters
kept in the URL, and tables that always come with their downloads.

Caches are keyed on the dataset version and the filter values (scalars), never on frames or
connections, so a new import shows at once and a rerun costs nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from lib.access.auth import IDLE_TIMEOUT, AuthConfigError, LoginThrottle, load_users, session_expired, sign_in
from lib.access.roles import LOCAL_ANALYST, ROLE_LABELS, Actor
from lib.analysis import checks, scoring
from lib.filters import Filters
from lib.labels import BRIEF_LABELS, COLUMN_LABELS, FILTER_LABELS
from lib.outputs import export
from lib.store import EXPORTABLE, Store, open_store
from lib.ui import fmt
from lib.ui.safe import Markdown, md, md_code, md_text

# Session-state keys, in one place.
KEY_YEAR = "filter_year"
KEY_PROGRAM = "filter_program"
KEY_REGION = "filter_region"
KEY_PROJECT = "filter_project"
KEY_FILTERS = "filters"
KEY_USER = "auth_user"  # the logged-in auth.User, when a users file is configured
KEY_LAST_SEEN = "auth_last_seen"  # time.time() of the signed-in session's last page run
KEY_EXPIRED = "auth_expired"  # the session was just ended for idleness (said on the login form)
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


@st.cache_resource
def login_throttle() -> LoginThrottle:
    """One per server process, shared by every session (a new tab does not reset the count)."""
    return LoginThrottle()


def login_gate() -> Actor:
    """The acting user. With a users file, draws the login form and stops until login;
    without one, the local single user (an analyst), said plainly in the sidebar."""
    try:
        users = load_users()
    except AuthConfigError as exc:
        st.error(md("登录配置有误，已停止：{}", exc))
        st.stop()
    if users is None:
        st.sidebar.info("本地单用户模式：未配置登录（config/users.toml），当前用户拥有分析员权限。")
        return LOCAL_ANALYST
    user = st.session_state.get(KEY_USER)
    now = time.time()
    if user is not None and session_expired(st.session_state.get(KEY_LAST_SEEN), now):
        del st.session_state[KEY_USER]
        user = None
        st.session_state[KEY_EXPIRED] = True
    if user is None:
        st.title("登录 · 绩效看板")
        if st.session_state.pop(KEY_EXPIRED, False):
            st.info(f"超过 {IDLE_TIMEOUT // 60} 分钟未操作，已自动退出，请重新登录。")
        with st.form("login"):
            username = st.text_input("用户名", key="login_username")
            password = st.text_input("密码", type="password", key="login_password")
            if st.form_submit_button("登录", type="primary"):
                found, problem = sign_in(users, login_throttle(), username, password)
                if found is None:
                    st.error(md_text(problem))
                else:
                    st.session_state[KEY_USER] = found
                    st.session_state[KEY_LAST_SEEN] = now
                    st.rerun()
        st.stop()
    st.session_state[KEY_LAST_SEEN] = now
    st.sidebar.markdown(md("**{}**（{}）", user.name, ROLE_LABELS[user.role]))
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
    """The one Store of this process (built from data/ on first start): the shared PostgreSQL
    store when $JIXIAO_DATABASE_URL is set (this replica reads its own DuckDB copy, brought up to
    date by ``dataset_version()`` on every run), else the DuckDB file."""
    return open_store()


def dataset_version() -> int:
    return get_store().version_id()


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
# A sidebar choice list longer than this asks for a narrower selection first (a browser
# select of 20,000 programs helps no one and costs every rerun).
MAX_OPTIONS = 3000


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
    frame = _cached_read(dataset_version(), relation, (filters or Filters()).key(), tuple(order_by),
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
    return _cached_count(dataset_version(), relation, (filters or Filters()).key(), _search_key(search),
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
    return _cached_summarize(dataset_version(), relation, (filters or Filters()).key(), tuple(by),
                             tuple(sums), tuple(nonnull), tuple(order), limit).copy()


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_count_distinct(version: int, relation: str, filters_key: tuple, columns: tuple) -> int:
    del version
    return get_store().count_distinct(relation, Filters(*filters_key), columns)


def count_distinct(relation: str, filters: Filters | None, columns: tuple[str, ...]) -> int:
    """How many distinct combinations of ``columns`` the selection has."""
    return _cached_count_distinct(dataset_version(), relation, (filters or Filters()).key(), tuple(columns))


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_band_counts(version: int, filters_key: tuple, red: float, yellow: float) -> dict[str, int]:
    del version
    return get_store().execution_band_counts(Filters(*filters_key), red, yellow)


def execution_band_counts(filters: Filters, red: float, yellow: float) -> dict[str, int]:
    """Execution records per band in the selection (see Store.execution_band_counts)."""
    return _cached_band_counts(dataset_version(), filters.key(), red, yellow)


def read_all(relation: str, filters: Filters | None = None, order_by: tuple[str, ...] = (),
             where_in: dict[str, list] | None = None) -> pd.DataFrame:
    """Every row of a selection, uncached: for a download someone clicked, never for drawing."""
    return get_store().read(relation, filters, order_by=list(order_by) or None, where_in=where_in)


def with_project_scores(projects: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The projects (rows of v_projects in the selection) with computed score and rating from
    their own indicators and score parts. A table's worth is kept per dataset version, selection
    and project list, so a rerun (a click on a download button) does not score it again; a
    download of the whole selection is scored once, uncached."""
    if len(projects) > DETAIL_ROWS:
        return _scored(projects, read_all("v_indicators", filters), read_all("v_score_parts", filters))
    return _cached_scores(dataset_version(), filters.key(), tuple(projects["project_id"]), projects).copy()


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
    return _cached_audit(dataset_version(), scope.key()).copy()


@st.cache_data(max_entries=32, show_spinner="正在核查…")
def _cached_audit(version: int, scope_key: tuple) -> pd.DataFrame:
    del version
    scope = Filters(*scope_key)
    return checks.findings_frame(checks.run_audit(checks.read_inputs(lambda name: read(name, scope))))


@st.cache_data(max_entries=128, show_spinner=False)
def _cached_program_totals(version: int, filters_key: tuple) -> pd.DataFrame:
    del version
    return get_store().program_totals(Filters(*filters_key))


def program_totals(filters: Filters | None = None) -> pd.DataFrame:
    """Budget and executed per program in the selection (see Store.program_totals)."""
    return _cached_program_totals(dataset_version(), (filters or Filters()).key()).copy()


@st.cache_data(max_entries=16, show_spinner=False)
def _years(version: int) -> list[int]:
    del version
    return get_store().filter_years()


# The sidebar's choices for the current selection: only what it shows, from small queries.
@st.cache_data(max_entries=256, show_spinner=False)
def _programs(version: int, year: int | None, include: str | None) -> tuple[pd.DataFrame, int]:
    del version
    return get_store().filter_programs(year, MAX_OPTIONS, include=include)


@st.cache_data(max_entries=256, show_spinner=False)
def _regions(version: int, year: int | None, program: str | None) -> list[str]:
    del version
    return get_store().filter_regions(year, program)


@st.cache_data(max_entries=256, show_spinner=False)
def _projects(version: int, year: int | None, program: str | None,
              include: str | None) -> tuple[pd.DataFrame, int]:
    del version
    return get_store().filter_projects(year, program, MAX_OPTIONS, include=include)


def _chosen(key: str) -> str | None:
    value = st.session_state.get(key)
    return None if value in (None, ALL) else str(value)


def _too_many(total: int, shown: int, what: str, narrower: str) -> None:
    if total > shown:
        st.sidebar.caption(f"{what}共 {total:,} 项，太多无法逐一列出：请先选择{narrower}。")


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

    version = dataset_version()
    years = _years(version)
    year = _choose(FILTER_LABELS["year"], KEY_YEAR, years, {y: f"{y}年" for y in years})
    programs, n_programs = _programs(version, year, _chosen(KEY_PROGRAM))
    program = _choose(FILTER_LABELS["program"], KEY_PROGRAM, programs["program_id"].tolist(),
                      dict(zip(programs["program_id"], programs["program_name"], strict=True)))
    _too_many(n_programs, len(programs), "资金/部门", "年度")
    region = _choose(FILTER_LABELS["region"], KEY_REGION, _regions(version, year, program))
    projects, n_projects = _projects(version, year, program, _chosen(KEY_PROJECT))
    project = _choose(FILTER_LABELS["project"], KEY_PROJECT, projects["project_id"].tolist(),
                      dict(zip(projects["project_id"], projects["project_name"], strict=True)))
    _too_many(n_projects, len(projects), "项目", "资金/部门")

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
        st.caption(md("数据版本 v{} · {} · {}", int(version["version_id"]), when, version["files"]))


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
    # on screen, an empty cell reads — (never None / nan / NaT); the downloads keep the values
    screen, as_text = fmt.display_frame(shown.head(SCREEN_ROWS), export.MONEY_COLUMNS, export.RATE_COLUMNS)
    for col in as_text:
        label = (config.get(col) or {}).get("label") or COLUMN_LABELS.get(col, col)
        if col in export.MONEY_COLUMNS and "万元" not in label:
            label = f"{label}（万元）"
        config[col] = st.column_config.TextColumn(label, alignment="right",
                                                  help=(config.get(col) or {}).get("help"))
    st.dataframe(screen, hide_index=True, column_config=config, height=height)
    truncated = total is not None and full is not None and total > len(shown)
    n_rows = total if truncated else len(shown)
    no_csv, no_xlsx = n_rows > CSV_DOWNLOAD_MAX_ROWS, n_rows > XLSX_DOWNLOAD_MAX_ROWS
    if n_rows > len(screen):
        st.caption(f"共 {n_rows:,} 行，表中列出前 {len(screen):,} 行"
                   + ("。" if no_xlsx else f"；下载的文件包含全部 {n_rows:,} 行。"))
    if no_xlsx:
        st.caption(_too_big_to_download(name, n_rows, current_filters(), csv_ok=not no_csv))

    def rows() -> pd.DataFrame:
        if not truncated:
            return shown
        everything = full()
        return everything[[c for c in shown.columns if c in everything.columns]]

    filters = {k: str(v) for k, v in current_filters().active().items()}
    version = dataset_version()
    # Callables: the files are built only when someone clicks, not on every rerun of the page.
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("⬇ 下载 CSV", b"" if no_csv else lambda: export.to_csv_bytes(rows(), name),
                         file_name=export.file_name(name, "csv"), mime="text/csv",
                         key=f"{key}_csv", on_click="ignore", disabled=no_csv)
    right.download_button(
        "⬇ 下载 Excel",
        b"" if no_xlsx else lambda: export.to_xlsx_bytes(rows(), name,
                                                         export.ExportMeta(name, filters, version)),
        file_name=export.file_name(name, "xlsx"), key=f"{key}_xlsx", on_click="ignore", disabled=no_xlsx,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


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
    command = f"python -m lib.cli export {name}{where} --format csv --out {name}.csv"
    return md("{}，或在命令行导出全部：{}", Markdown(text), md_code(command))  # text: figures only


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
        return prepare(get_store().read(relation, filters, order_by=list(order_by) or None, where_in=where_in,
                                        search=search if search and search[1].strip() else None))

    show_table(shown, name, key, columns=columns, column_config=column_config, total=total, full=full)
    return shown


def _number_columns(frame: pd.DataFrame) -> dict:
    config = {}
    for col in frame.columns:
        label = COLUMN_LABELS.get(col, col)
        if col in export.MONEY_COLUMNS:
            config[col] = st.column_config.NumberColumn(f"{label}（万元）", format="accounting")
        elif col in export.RATE_COLUMNS:
            config[col] = st.column_config.NumberColumn(label, format="percent")
    return config


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
        BRIEF_LABELS["download"], lambda: brief.write_pdf(get_store(), filters),
        file_name=brief.file_name(filters), mime="application/pdf", key="brief_pdf", on_click="ignore",
        help=BRIEF_LABELS["download_help"], width="stretch")
