"""数据管理 › 批量导入: a year's inbox in one drop — a folder's files, a .zip, or many files of
every kind (dataset workbooks, forms, reports) — read with a progress bar, then a triage: each
file ready / to review / refused / already imported, each program once ("更新 LZ2022-YJJ" with
its changes, or 新增, or a choice where it may be several stored programs), the form-vs-report
differences (不符); the analyst ticks the programs to commit, and one click imports them as one
new version. Nothing is written before that click.

The logic is lib/intake/inbox.py and lib/store/inbox.py; this module only draws. Data text
(file names, program names, findings) reaches Markdown only through lib.ui.safe.md / md_text,
and tables otherwise.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from lib import ui
from lib.access.roles import PermissionDenied
from lib.intake import inbox
from lib.intake.inbox_match import show
from lib.store import ImportRejected, Store
from lib.store import inbox as store_inbox
from lib.ui import fmt
from lib.ui.safe import md, md_text

TYPES = ("zip", "xlsx", "xls", "ods", "docx", "doc", "wps", "txt", "pdf")
KEY_TRIAGE = "inbox_triage"  # (drop key, store version, choices, files read, Triage)
KEY_CHOICES = "inbox_choices"  # program key → stored program id or "" (new), for ambiguous matches
KEY_ROUND = "inbox_round"  # bumping it empties the uploader after a commit
KEY_DONE = "inbox_done"


def section(store: Store, actor) -> None:
    """The 批量导入 part."""
    if not actor.can("upload"):
        st.info("当前账号为浏览者：批量导入需要分析员账号。")
        return
    st.markdown(
        "一次拖入一个年度收到的全部文件：文件夹中的文件、.zip 压缩包，或多个数据工作簿、自评表"
        "（.xlsx/.xls/.ods/.docx）和自评报告（.txt/.docx/.pdf）。每个文件先分类、读取，再与库中和"
        "本次其他文件中的资金/部门逐一匹配（年度＋名称＋主管部门/地区，有文号时核对文号）："
        "同一资金/部门只出现一次，自评表与报告合并时以自评表的数字为准，两者不符之处列出。"
        "**勾选后提交才写入，所选内容作为一个新数据版本。**")
    if KEY_DONE in st.session_state:
        st.success(st.session_state.pop(KEY_DONE))
    folder = st.toggle("选择整个文件夹（含子文件夹）", key="inbox_folder")
    round_ = st.session_state.get(KEY_ROUND, 0)
    files = ui.file_uploader("选择文件夹" if folder else "拖入文件或压缩包", TYPES,
                             multiple="directory" if folder else True,
                             key=f"inbox_uploader_{'dir' if folder else 'files'}_{round_}")
    if not files:
        return
    items = [(f.name, f.getvalue()) for f in files]
    drop_key = tuple(sorted((name, hashlib.sha256(data).hexdigest()) for name, data in items))
    choices = dict(st.session_state.get(KEY_CHOICES, {}))
    state = st.session_state.get(KEY_TRIAGE)
    fresh = state is None or state[0] != drop_key or state[1] != store.version_id() or state[2] != choices
    if fresh:
        read = state[3] if state is not None and state[0] == drop_key else None
        if read is None:
            bar = st.progress(0.0, text="正在读取…")

            def on_file(i: int, n: int, label: str) -> None:
                bar.progress(i / max(n, 1), text=md("读取 {}（{}/{}）", label, i + 1, n))

            read = inbox.read_drop(items, on_file=on_file, layouts=store.layouts())
            bar.progress(1.0, text="读取完成")
        result = store_inbox.triage(store, read, choices)
        state = (drop_key, result.version, choices, read, result)
        st.session_state[KEY_TRIAGE] = state
    result: store_inbox.Triage = state[4]
    _files_table(result)
    chosen = _programs(result)
    ambiguous = [p for p in result.programs if p.action == store_inbox.AMBIGUOUS]
    if ambiguous:
        st.warning(f"{len(ambiguous)} 个资金/部门与库中多个相符：请在上面选择后再提交。")
    clicked = st.button(f"提交所选 {len(chosen)} 个资金/部门（生成一个新版本）", type="primary",
                        key="inbox_commit", disabled=not chosen)
    if clicked and fresh:
        st.warning("分拣之后数据已有新的版本，上面的清单已按最新数据重新计算：请核对后再次提交。")
    elif clicked:
        try:
            done = store_inbox.commit(store, result, chosen, user=actor)
        except (ImportRejected, PermissionDenied, store_inbox.StaleTriage, KeyError) as exc:
            st.error(md_text(exc))
            for finding in getattr(exc, "findings", [])[:20]:
                st.text("· " + str(finding))
            return
        for key in (KEY_TRIAGE, KEY_CHOICES):
            st.session_state.pop(key, None)
        st.session_state[KEY_ROUND] = st.session_state.get(KEY_ROUND, 0) + 1
        st.session_state[KEY_DONE] = (f"已提交 {len(done.programs)} 个资金/部门，当前数据版本 "
                                      f"v{done.version_id}。所有页面已使用新数据；不符之处见“核查”。")
        st.rerun()


def _files_table(result: store_inbox.Triage) -> None:
    counts = result.counts()
    tally = "，".join(f"{inbox.STATUS_LABELS[s]} {n}" for s, n in counts.items())
    st.markdown(md("**文件 {} 个：** {}", len(result.files), tally))
    rows = []
    for f in result.files:
        if f.status == inbox.SKIPPED:
            why = f"与 {f.already} 导入的文件相同，跳过"
        else:
            why = "；".join(f.refused or f.review)
        rows.append({"文件": f.label, "类型": inbox.KIND_LABELS.get(f.kind or "", "未识别"),
                     "状态": inbox.STATUS_LABELS[f.status], "说明": why})
    st.dataframe(pd.DataFrame(rows, columns=["文件", "类型", "状态", "说明"]), hide_index=True,
                 placeholder=fmt.TABLE_PLACEHOLDER, key="inbox_files")


def _programs(result: store_inbox.Triage) -> list[str]:
    """Draw each program of the drop with its tick box; the keys ticked."""
    st.markdown(md("**资金/部门 {} 个**（对照数据版本 v{}）", len(result.programs), result.version))
    chosen = []
    for i, plan in enumerate(result.programs):
        year = f"（{plan.year}）" if plan.year else ""
        with st.container(border=True):
            if plan.action == store_inbox.AMBIGUOUS:
                st.markdown(md("**{}** {}{}", plan.headline(), plan.name, year))
                options = ["", *(c.program_id for c in plan.candidates)]
                pick = st.selectbox("这是哪一个？", options, key=f"inbox_pick_{i}",
                                    format_func=lambda o: "作为新的资金/部门新增" if o == "" else f"更新 {o}",
                                    index=None, placeholder="请选择")
                if pick is not None:
                    st.session_state[KEY_CHOICES] = {**st.session_state.get(KEY_CHOICES, {}), plan.key: pick}
                    st.rerun()
                st.caption(md_text("文件：" + "、".join(plan.files)))
                continue
            ticked = st.checkbox(md("**{}** {}{}", plan.headline(), plan.name, year), value=plan.ready,
                                 key=f"inbox_take_{i}_{plan.target_id}")
            st.caption(md_text("文件：" + "、".join(plan.files) + "。变更：" + store_inbox.change_text(plan)))
            for why in plan.review:
                st.warning(md_text("待核对：" + why))
            if plan.disagreements:
                st.error(f"自评表与报告不符 {len(plan.disagreements)} 处（提交后亦列于“核查”）")
                st.dataframe(pd.DataFrame([{
                    "记录": d.record, "数字": d.figure, "自评表": show(d.form_value, d.unit),
                    "报告": show(d.report_value, d.unit), "自评表位置": d.form_place,
                    "报告原句": d.report_sentence or ""} for d in plan.disagreements]),
                    hide_index=True, placeholder=fmt.TABLE_PLACEHOLDER, key=f"inbox_diff_{i}")
            if ticked:
                chosen.append(plan.key)
    return chosen

