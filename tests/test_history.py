"""版本历史: each version's changes in the sheets' Chinese names, the first load as the system's."""

from __future__ import annotations

import pandas as pd
from conftest import ROOT, make_workbook

from lib.access.roles import LOCAL_ANALYST
from lib.store import open_store
from lib.ui import history


def test_history_of_the_shipped_data_then_an_upload_and_a_rollback(tmp_path, minimal_tables):
    store = open_store(tmp_path / "seed.duckdb")
    try:
        store.import_files([("p1.xlsx", make_workbook(tmp_path, minimal_tables()))], user=LOCAL_ANALYST)
        store.rollback(1, user=LOCAL_ANALYST)
        versions = store.read("dataset_versions")
        names = dict(zip(*(store.read("programs")[c] for c in ("program_id", "program_name")), strict=True))
    finally:
        store.close()
    shown = history.table(versions, names)
    assert shown["version_id"].tolist() == [3, 2, 1]
    first = shown.iloc[2]
    assert first["user_name"] == "系统（初始数据）" and first["action"] == "导入"
    assert first["changes"] == ("载入：来源 2、资金与部门 2、项目 9、资金分配 10、执行进度 3、建设进度 7、"
                                "绩效目标 35、绩效指标 59、得分构成 6、支出明细 12、报告声明数 137")
    assert first["programs"] == ("中央安全生产预防和应急救援能力建设补助资金（危险化学品重大安全风险防控支出）"
                                 "（LN2023-WHP）、兰州新区应急管理局部门本级预算（LZ2022-YJJ）")
    upload = shown.iloc[1]
    assert upload["user_name"] == "本地用户"
    assert upload["changes"].startswith("来源 2 → 3（+1）；资金与部门 2 → 3（+1）；项目 9 → 11（+2）；")
    assert upload["programs"] == "P1"  # rolled back since: no longer among the stored programs
    rollback = shown.iloc[0]
    assert rollback["action"] == "回滚" and rollback["restored_version"] == "v1"
    assert rollback["changes"].startswith("来源 3 → 2（−1）；资金与部门 3 → 2（−1）；项目 11 → 9（−2）；")
    text = " ".join(str(v) for v in shown.to_numpy().ravel())
    assert "indicators" not in text and "system" not in text and "{" not in text


def test_a_version_that_keeps_every_count_says_so():
    counts = {"projects": 9, "indicators": 59}
    assert history.changes(counts, dict(counts)) == "各表行数未变（所涉资金/部门的记录已替换）"
    assert history.changes(None, {"projects": 0}) == "空数据"


def test_a_scoped_history_shows_each_versions_own_differences():
    counts = {"projects": 9, "indicators": 59}
    assert history.changes(counts, {"projects": 11, "indicators": 54}, totals=False) == "项目 +2；绩效指标 −5"
    versions = pd.DataFrame([{"version_id": 4, "created_at": None, "user_name": "kp", "action": "import",
                              "programs": "KP1", "row_counts": '{"projects": 12}', "files": "kp.xlsx"}])
    shown = history.table(versions, {"KP1": "康平县项目"}, counts_before={4: '{"projects": 10}'})
    assert shown[["changes", "programs", "files"]].values.tolist() == [["项目 +2", "康平县项目（KP1）", "kp.xlsx"]]


def test_rollback_targets():
    assert history.rollback_targets([1, 2, 3], 3, scoped=False) == {2: "v2", 1: "v1"}
    # a scoped user's own versions 3 and 5 (current 6): each, and the version before each
    assert history.rollback_targets([3, 5], 6, scoped=True) == {5: "v5", 4: "v4（v5 之前）", 3: "v3",
                                                                2: "v2（v3 之前）"}
    assert history.rollback_targets([6], 6, scoped=True) == {5: "v5（v6 之前）"}
    assert history.rollback_targets([1], 1, scoped=True) == {}


def test_a_changed_value_is_named_where_the_counts_did_not_move(tmp_path):
    import io

    import openpyxl

    from lib.store import version_diff

    workbook = ROOT / "data" / "lanzhou_2022_emergency.xlsx"
    book = openpyxl.load_workbook(workbook)
    ws = book["项目"]
    headers = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "LZ2022-P04")
    ws.cell(row=row, column=headers.index("全年执行数") + 1, value=12)
    ws.cell(row=row, column=headers.index("报告执行率") + 1, value=0.2449)
    buf = io.BytesIO()
    book.save(buf)
    store = open_store(tmp_path / "seed.duckdb")
    try:
        store.import_files([("lanzhou_v2.xlsx", buf.getvalue())], user=LOCAL_ANALYST)
        values = {2: version_diff.value_changes(store, 2)}
        assert version_diff.value_changes(store, 1) == ([], 0)  # the first load: its counts say it
        shown = history.table(store.read("dataset_versions"), {}, values=values)
    finally:
        store.close()
    change = shown.iloc[0]["changes"]
    assert "各表行数未变" not in change
    assert change == "改动 2 处：项目 LZ2022-P04 全年执行数 9 → 12；项目 LZ2022-P04 报告执行率 18.4% → 24.49%"
