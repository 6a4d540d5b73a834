"""数据管理: upload with validation and preview, atomic commit, versions and rollback, template,
and a dedicated export section."""

import hashlib

import pandas as pd
import streamlit as st

from lib import ui
from lib.access.roles import PermissionDenied
from lib.labels import (
    COLUMN_LABELS,
    HISTORY_LABELS,
    SECTION_LABELS,
    SHEET_LABELS,
    UPLOAD_OLD_WORD,
    UPLOAD_TYPES,
    VIEW_LABELS,
)
from lib.store import DATA_DIR, EXPORTABLE, SEED_WORKBOOKS, ImportRejected, diff, scoped_writes
from lib.store.scoped_versions import counts_before
from lib.ui import across_years, draft_review, fmt, history, inbox, mapping
from lib.ui import preview as upload_preview
from lib.ui.safe import md, md_join, md_text
from lib.ui.sections import section

ui.require_entrypoint()
st.title("数据管理")
ui.version_caption()
actor = ui.current_actor()
store = ui.get_store()
KEY_CHECK = "upload_check"  # (files key, parsed workbook, preview) of the files being reviewed
KEY_UPLOADER = "uploader_round"  # bumping it empties the uploader after a commit
KEY_PENDING = "upload_pending"  # names of the files chosen and not committed (see the upload part)

# one part at a time (lib/ui/sections.py): the history's table of every version and program, the
# template's and the export's tables are drawn only when chosen
UPLOAD, VERSIONS, TEMPLATE, EXPORT, INBOX, LINEAGE = SECTION_LABELS["data"][1]
part = section("data")

if part == UPLOAD:
    if not actor.can("upload"):
        st.info("当前账号为浏览者：可以浏览和导出数据；上传与回滚需要分析员账号。")
    else:
        st.markdown(
            "上传一个或多个数据工作簿（.xlsx）。**先校验、再预览、确认后才写入。** "
            "工作簿中每个“资金/部门编号”对应的**全部记录**（项目、资金分配、执行进度、指标、目标、"
            "声明数等）将被整体替换；工作簿中没有的资金/部门保持不变；同编号的来源记录被替换。"
            "官方项目支出自评表只更新表中的项目，同一部门的其他项目及部门整体数据保持不变。"
            "每次提交都生成一个新的数据版本，可随时回滚。")
        st.caption(UPLOAD_OLD_WORD)
        files = ui.file_uploader("选择工作簿或自评表（.xlsx/.xls/.ods/.docx/.csv）", UPLOAD_TYPES,
                                 multiple=True,
                                 key=f"uploader_{st.session_state.get(KEY_UPLOADER, 0)}")
        # A part not shown is not drawn, so its uploader forgets its files: say so on the way back
        # rather than show an empty uploader as if nothing had been chosen.
        if files:
            st.session_state[KEY_PENDING] = [f.name for f in files]
        elif st.session_state.get(KEY_PENDING):
            chosen = "、".join(st.session_state.pop(KEY_PENDING))
            st.warning(md("之前选择的 {} 已不在上传框中（切换到其他部分时会清除），尚未提交，"
                          "未写入任何数据：如需提交请重新选择文件。", chosen))
        if files:
            sources = [(f.name, f.getvalue()) for f in files]
            files_key = tuple((name, hashlib.sha256(data).hexdigest()) for name, data in sources)
            check = st.session_state.get(KEY_CHECK)
            # a new preview in this run: a click on 确认提交 must not commit what was not shown
            previewed_now = check is None or check[0] != (files_key, store.version_id())
            if previewed_now:
                with st.status("正在读取与校验…", expanded=True) as status:
                    bar = st.progress(0.0)

                    def on_file(i: int, n: int, label: str) -> None:
                        bar.progress(i / n, text=md("读取 {}（{}/{}）", label, i + 1, n))

                    parsed = store.validate(sources, on_file=on_file)
                    bar.progress(1.0, text="校验完成")
                    preview = None if parsed.findings else store.preview(parsed)
                    status.update(label="校验未通过" if parsed.findings else "校验通过",
                                  state="error" if parsed.findings else "complete", expanded=False)
                check = ((files_key, store.version_id()), parsed, preview)
                st.session_state[KEY_CHECK] = check
            _, parsed, preview = check

            if parsed.findings:
                st.error(f"发现 {len(parsed.findings)} 个问题，未做任何更改。请修改后重新上传。")
                findings = pd.DataFrame([f.as_dict() for f in parsed.findings])
                ui.show_table(findings.head(ui.limits.DETAIL_ROWS), "upload_findings", key="findings",
                              columns=["file", "sheet", "row", "column", "problem", "problem_en"],
                              total=len(findings), full=lambda: findings)
            else:
                names = {r["program_id"]: r["program_name"] for r in parsed.tables["programs"]}
                project_names = ui.project_names(parsed)
                incoming = sorted(names)
                stored = set(ui.read("programs")["program_id"])
                replaced = [p for p in incoming if p in stored]
                added = [p for p in incoming if p not in stored]
                st.success("校验通过。提交前请核对以下变更。")
                for heading, ids in (("将整体替换", replaced), ("将新增", added)):
                    if ids:
                        st.markdown(md("**{}：** {}", heading, md_join("、", [md("{}（{}）", names[p], p)
                                                                               for p in ids])))
                summary = diff.summary(preview)
                summary = summary[(summary[["added", "changed", "removed", "unchanged"]].sum(axis=1)) > 0]
                st.dataframe(summary.drop(columns="table"), hide_index=True, column_config={
                    c: st.column_config.Column(COLUMN_LABELS.get(c, c)) for c in summary.columns})
                for table, table_diff in preview.items():
                    if table_diff.empty:
                        continue
                    with st.expander(f"{SHEET_LABELS[table]}：新增 {len(table_diff.added)}，"
                                     f"修改 {table_diff.changed_rows}，删除 {len(table_diff.removed)}"):
                        for label, frame in (("修改（原值 → 新值）", table_diff.changed),
                                             ("新增", table_diff.added), ("删除", table_diff.removed)):
                            if not frame.empty:
                                n_rows, frame = len(frame), frame.head(ui.limits.DETAIL_ROWS)
                                st.markdown(f"**{label}**")
                                st.dataframe(upload_preview.readable(frame, project_names), hide_index=True,
                                             placeholder=fmt.TABLE_PLACEHOLDER)
                                if n_rows > len(frame):  # a large upload: the counts above are whole
                                    st.caption(f"共 {n_rows:,} 行，列出前 {len(frame):,} 行。")
                mapping.saved_message()
                may_commit = mapping.review(parsed, store, actor,
                                            on_saved=lambda: st.session_state.pop(KEY_CHECK, None))
                out_of_scope = scoped_writes.upload_problem(store, actor, parsed.tables)
                if out_of_scope:
                    st.error(md_text(out_of_scope))
                clicked = st.button("确认提交", type="primary", key="commit_upload",
                                    disabled=not may_commit or bool(out_of_scope))
                if clicked and previewed_now:
                    st.warning("预览之后数据已有新的版本，上面的变更已按最新数据重新计算：请核对后再次提交。")
                elif clicked:
                    try:
                        result = store.import_files(sources, user=actor, validated=parsed,
                                                    accept_unmapped=may_commit)
                    except (ImportRejected, PermissionDenied) as exc:
                        st.error(md_text(exc))
                    else:
                        st.session_state.pop(KEY_CHECK, None)
                        st.session_state.pop(KEY_PENDING, None)
                        st.session_state[KEY_UPLOADER] = st.session_state.get(KEY_UPLOADER, 0) + 1
                        st.session_state["upload_done"] = result.version_id
                        st.rerun()
        if "upload_done" in st.session_state:
            st.success(f"已提交，当前数据版本 v{st.session_state.pop('upload_done')}。所有页面已使用新数据。")
    draft_review.section(store, actor)  # 从自评报告起草: narrative report → reviewed draft → commit
    draft_review.committed_notice()

# the newest versions whose changed values 版本历史 names (each reads two archived states)
HISTORY_VALUE_VERSIONS = 20

if part == VERSIONS:
    versions = ui.read("dataset_versions", order_by=("version_id",)).iloc[::-1]
    programs = ui.read("programs")
    program_names = dict(zip(programs["program_id"], programs["program_name"], strict=True))
    scoped = not ui.user_scope().unrestricted
    shown = [int(v) for v in versions["version_id"]]
    before = counts_before(store, shown) if scoped else None
    if scoped:
        st.caption(HISTORY_LABELS["scoped"])
    # the values each recent version changed (the row counts alone said "各表行数未变" for a new figure)
    visible = tuple(sorted(programs["program_id"])) if scoped else None
    values = {v: ui.version_changes(v, visible) for v in shown[:HISTORY_VALUE_VERSIONS]}
    ui.show_table(history.table(versions, program_names, before, values), "dataset_versions", key="versions",
                  column_config={"version_id": st.column_config.NumberColumn("版本", format="v%d")})
    targets = history.rollback_targets(shown, ui.dataset_version(), scoped)
    if actor.can("rollback") and targets:
        target = st.selectbox("回滚到版本", list(targets), format_func=targets.get, key="rollback_target")
        st.caption("回滚会生成一个新版本，内容与所选版本相同；之后的版本仍保留在历史中，可再次恢复。")
        confirm = st.checkbox(f"确认将数据恢复为 v{target}", key="rollback_confirm")
        if st.button("回滚", disabled=not confirm, key="rollback_button"):
            try:
                result = store.rollback(target, user=actor)
            except PermissionDenied as exc:
                st.error(md_text(exc))
            else:
                st.session_state["rollback_done"] = (target, result.version_id)
                st.rerun()
    if "rollback_done" in st.session_state:
        target, new = st.session_state.pop("rollback_done")
        st.success(f"已恢复为 v{target} 的数据（新版本 v{new}）。")

if part == TEMPLATE:
    st.markdown("空白模板含“说明”工作表，逐列说明含义、类型与是否必填。示例为本系统自带的两份报告数据。")
    st.download_button("⬇ 下载空白模板", (DATA_DIR / "template.xlsx").read_bytes(),
                       file_name="绩效看板_数据模板.xlsx", key="dl_template", on_click="ignore")
    for name in SEED_WORKBOOKS:
        st.download_button(f"⬇ 下载示例：{name}", (DATA_DIR / name).read_bytes(), file_name=name,
                           key=f"dl_{name}", on_click="ignore")

if part == INBOX:  # 批量导入: a year's inbox, one drop, one version (lib/ui/inbox.py)
    inbox.section(store, actor)

if part == EXPORT:
    st.markdown("按侧栏筛选条件导出任意数据表或视图（CSV 为带 BOM 的 UTF-8，Excel 含筛选条件与版本说明）。")
    names = [n for n in EXPORTABLE if n != "dataset_versions"]
    relation = st.selectbox("数据表 / 视图", names, key="export_relation",
                            format_func=lambda n: f"{VIEW_LABELS.get(n) or SHEET_LABELS.get(n, n)}（{n}）")
    ui.show_rows(relation, ui.current_filters(), relation, key="export_table")

if part == LINEAGE:  # 跨年度关联: each program's lineage, for confirmation (lib/ui/across_years.py)
    across_years.data_part(actor)
