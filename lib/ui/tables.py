"""Tables that always come with their downloads: Chinese headers, money in 万元, rates as
percentages, the first rows on screen and every row in the csv/xlsx files (logged when clicked)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from lib.filters import Filters
from lib.labels import COLUMN_LABELS
from lib.outputs import export, fmt
from lib.store import EXPORTABLE, accounts
from lib.ui import limits
from lib.ui.cached import count, current_filters, get_store, read, scoped
from lib.ui.login import KEY_USER, current_actor
from lib.ui.safe import Markdown, md, md_code, md_text


def show_table(frame: pd.DataFrame, name: str, key: str, columns: list[str] | None = None,
               column_config: dict | None = None, height: int | str = "auto", total: int | None = None,
               full: Callable[[], pd.DataFrame] | None = None, sums: bool = False) -> None:
    """A table with Chinese headers and csv/xlsx downloads.

    ``frame`` may be the first rows of a longer selection: then ``total`` is its full length and
    ``full`` returns all of it, which the downloads contain (built only when clicked).
    ``sums``: the rows are parts of one whole (projects, allocations, spending items, not a
    department's total beside its projects): a 合计 line of the money columns under the table.
    """
    shown = frame[columns] if columns else frame
    config = {c: st.column_config.Column(COLUMN_LABELS.get(c, c)) for c in shown.columns}
    config.update(_number_columns(shown))
    config.update(column_config or {})
    _pin_identity(config, list(shown.columns))
    # on screen, numbers stay numbers and an empty cell stays empty; the downloads keep the values
    rates = {c for c in export.RATE_COLUMNS if _is_rate_format(config.get(c))}
    screen = fmt.display_frame(shown.head(limits.SCREEN_ROWS), rates)
    truncated = total is not None and full is not None and total > len(shown)
    n_rows = total if truncated else len(shown)
    no_csv, no_xlsx = n_rows > limits.CSV_DOWNLOAD_MAX_ROWS, n_rows > limits.XLSX_DOWNLOAD_MAX_ROWS
    # the count above the table: it also keeps the table's tool bar (drawn over the 44 px above
    # the grid) off the part chooser's buttons on a phone
    if n_rows > len(screen):
        st.caption(f"共 {n_rows:,} 行，表中列出前 {len(screen):,} 行"
                   + ("。" if no_xlsx else f"；下载的文件包含全部 {n_rows:,} 行。"))
    else:
        money = any(c in export.MONEY_COLUMNS or _configured_money(config, c) for c in shown.columns)
        st.caption(f"共 {n_rows:,} 行" + ("，金额单位：万元" if money else ""))
    st.dataframe(_low_rates_coloured(screen, rates), hide_index=True, column_config=config, height=height,
                 placeholder=fmt.TABLE_PLACEHOLDER)
    if sums and not truncated:
        line = money_total_line(shown, config)
        if line:
            st.caption(md_text(line))  # a pivot's column names are data text
    if no_xlsx:
        st.caption(_too_big_to_download(name, n_rows, current_filters(), csv_ok=not no_csv))

    # A column the labels do not know (a pivot's fund sources, say) goes out headed as the screen
    # heads it (中央补助（万元）), not by its bare data name.
    # So does a column the page itself names otherwise (事项 for v_execution's label, not 目标编号),
    # but for money and rates, whose exported headers carry their unit and whose values their format.
    renamed = {c for c in (column_config or {})
               if c not in export.MONEY_COLUMNS and c not in export.RATE_COLUMNS}
    own_headers = {c: (config.get(c) or {}).get("label") for c in shown.columns
                   if c not in COLUMN_LABELS or c in renamed}
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
        return (f"{n_rows:,} 行超过 Excel 下载上限 {limits.XLSX_DOWNLOAD_MAX_ROWS:,} 行："
                "可下载 CSV（包含全部行），或缩小筛选后下载 Excel。")
    text = f"{n_rows:,} 行超过页面下载上限 {limits.CSV_DOWNLOAD_MAX_ROWS:,} 行：请先缩小筛选"
    if name not in EXPORTABLE:
        return text + "。"
    columns = get_store().columns(name)
    where = "".join(f" --where {k}={v}" for k, v in filters.active().items() if k in columns)
    user = st.session_state.get(KEY_USER)
    who = f" --user {user.username}" if user is not None and not user.scope.unrestricted else ""
    command = f"python -m lib.cli export {name}{where}{who} --format csv --out {name}.csv"
    return md("{}，或在命令行导出全部：{}", Markdown(text), md_code(command))  # text: figures only


def show_rows(relation: str, filters: Filters, name: str, key: str, order_by: tuple[str, ...] = (),
              columns: list[str] | None = None, column_config: dict | None = None,
              search: tuple[tuple[str, ...], str] | None = None, where_in: dict[str, list] | None = None,
              prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
              sums: bool = False) -> pd.DataFrame:
    """A view's filtered rows as a table: the first DETAIL_ROWS in ``order_by`` order on screen,
    all of them in the downloads. ``prepare`` adds display columns (to both); ``sums`` as
    show_table's. Returns the rows shown."""
    shown = read(relation, filters, order_by=order_by, search=search, limit=limits.DETAIL_ROWS,
                 where_in=where_in)
    total = len(shown)
    if total >= limits.DETAIL_ROWS:
        total = count(relation, filters, search=search, where_in=where_in)
    prepare = prepare or (lambda frame: frame)
    shown = prepare(shown)

    def full() -> pd.DataFrame:
        return prepare(get_store().read(relation, scoped(filters), order_by=list(order_by) or None,
                                        where_in=where_in,
                                        search=search if search and search[1].strip() else None))

    show_table(shown, name, key, columns=columns, column_config=column_config, total=total, full=full,
               sums=sums)
    return shown


# Name columns longer than this many characters get a medium width: else one long program name
# pushes the figures beside it out of the table's view.
LONG_NAME = 16
NAME_COLUMNS = ("program_name", "project_name", "title", "programs")


def _number_columns(frame: pd.DataFrame) -> dict:
    """The columns' default config: money in 万元 with separators, rates as two-decimal
    percentages (as the cards and captions write them), dates as dates, long names at a medium width."""
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


# Execution rates below these (percentages, as on screen) are coloured as the year-end bands:
# red under 60%, amber under 80% (lib/analysis/scoring.DEFAULT_BANDS at a full year).
LOW_RATE_COLOURS = ((60.0, "#d62728"), (80.0, "#b26b00"))


def _low_rates_coloured(screen: pd.DataFrame, rates: set[str]):
    """The screen's rows with low execution rates in the bands' colours (a Styler; the frame
    unchanged when it has no execution rate shown as a percentage)."""
    coloured = [c for c in ("execution_rate",) if c in screen.columns and c in rates]
    if not coloured or screen.empty:
        return screen

    def colour(value: object) -> str:
        if fmt.missing(value):
            return ""
        for limit, css in LOW_RATE_COLOURS:
            if float(value) < limit:
                return f"color: {css}; font-weight: 600"
        return ""

    return screen.style.map(colour, subset=coloured)


def money_total_line(rows: pd.DataFrame, config: dict) -> str:
    """'合计（9 行）：全年预算数 7,140.30 万元 · 全年执行数 6,692.37 万元' over the money columns of
    ``rows`` headed as on screen; empty for one row, or rows of several budget years (their sum
    is no year's money: 总览's year rule)."""
    money = [c for c in rows.columns if c in export.MONEY_COLUMNS or _configured_money(config, c)]
    if len(rows) < 2 or not money or ("year" in rows.columns and rows["year"].nunique() > 1):
        return ""
    parts = []
    for col in money:
        label = (config.get(col) or {}).get("label") or COLUMN_LABELS.get(col, col)
        label = label.removesuffix("（万元）")
        parts.append(f"{label} {fmt.money(pd.to_numeric(rows[col], errors='coerce').sum())}")
    return f"合计（{len(rows):,} 行）：" + " · ".join(parts)


def _configured_money(config: dict, col: str) -> bool:
    """Whether the page headed ``col`` as 万元 (a pivot's fund sources): summed too."""
    return ((config.get(col) or {}).get("label") or "").endswith("（万元）")


# Columns that say which row it is: pinned while the figures scroll sideways (on a phone the
# 项目 column went off-screen and 指标明细 read as three identical rows).
IDENTITY_COLUMNS = ("year", "program_name", "project_name", "label", "owner", "region", "title")
PINNED_MOST = 2


def _pin_identity(config: dict, columns: list[str]) -> None:
    """Pin the identifying columns a table leads with (at most PINNED_MOST, the name last)."""
    for col in columns[:PINNED_MOST]:
        if col not in IDENTITY_COLUMNS:
            break
        config[col] = {**(config.get(col) or {}), "pinned": True}


def _is_rate_format(column: dict | None) -> bool:
    """Whether a column's config shows the screen's percentage (× 100) numbers: a page's own
    config for a rate column (a progress bar, say) gets the fraction as stored."""
    return bool(column) and (column.get("type_config") or {}).get("format") == fmt.RATE_FORMAT
