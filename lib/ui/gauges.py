"""执行率仪表盘: a gauge per execution record and their figures in one caption.

Each gauge is its own chart of a fixed width in one wrapping row: four or so to a row on a
desktop, one to a row on a phone (a grid of three in one figure overprinted titles, figures and
ticks below ~600 px). A chart a gauge costs the browser more than one grid; legibility first.
"""

from __future__ import annotations

import streamlit as st

from lib.analysis import summary
from lib.analysis.scoring import ExecutionBands
from lib.outputs import fmt
from lib.ui import charts
from lib.ui.safe import md, md_join

GAUGE_WIDTH = 300
GAUGE_TITLE_CHARS = 14  # a longer name is cut on the gauge; the caption below has it whole
WHOLE_TITLE = "整体（全部项目合计）"


def is_whole(row, with_projects: set[str]) -> bool:
    """A program's own figure beside its projects (a department's total): named so, not as
    one more item."""
    return not isinstance(row.project_name, str) and row.program_id in with_projects


def draw(rows, with_program: bool, bands: ExecutionBands, with_projects: set[str],
         bases: dict[str, str]) -> None:
    """A gauge per row (v_execution rows with ``label``), and each gauge's figures in one
    caption under them, a line per gauge in the same order, with the report's own rate beside
    the computed one. ``with_projects``: programs that list projects; ``bases``: program id ->
    the figures its stated rate was computed on (summary.stated_execution)."""
    rows = list(rows)
    box = st.container(horizontal=True, gap="small")
    for row in rows:
        title = WHOLE_TITLE if is_whole(row, with_projects) else fmt.short(row.label, GAUGE_TITLE_CHARS)
        box.plotly_chart(charts.execution_gauge(row.execution_rate, row.elapsed_share, title, bands),
                         width=GAUGE_WIDTH, key=f"gauge_{row.Index}", config={"displayModeBar": False})
    lines = []
    for row in rows:
        # a program's own rows may carry the report's one rate: say which figures give it
        base = bases.get(row.program_id) if not isinstance(row.project_name, str) else None
        stated = summary.row_stated_text(row.stated_execution_rate, row.executed, row.budget, base)
        stated = md(" · {}", stated) if stated else ""
        program = md("{} · ", row.program_name) if with_program else ""
        label = f"{row.label}（整体，不与项目重复计数）" if is_whole(row, with_projects) else row.label
        lines.append(md("{}{}：{} / {} = {}{} · 截至 {:%Y-%m-%d} · 时间进度 {}", program, label,
                        fmt.money(row.executed), fmt.money(row.budget), fmt.rate(row.execution_rate), stated,
                        row.as_of, fmt.rate(row.elapsed_share, 0)))
    st.caption(md_join("  \n", lines))
