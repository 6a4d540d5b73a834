"""数据管理 through AppTest: upload → findings or preview → commit → every page shows it →
roll back; and login with roles (a viewer cannot upload or roll back in the UI)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from conftest import open_part
from streamlit.testing.v1 import AppTest

from lib.access.auth import hash_password

ROOT = Path(__file__).resolve().parents[1]
LANZHOU = ROOT / "data" / "lanzhou_2022_emergency.xlsx"


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    """A fresh database per test (uploads change it); no login config unless a test adds one."""
    db = tmp_path / "app.duckdb"
    monkeypatch.setenv("JIXIAO_DB", str(db))
    monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "no-users.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield db
    st.cache_resource.clear()
    st.cache_data.clear()


def run(page: str, at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def lanzhou_with(budget_p01: float | str) -> bytes:
    """The shipped Lanzhou workbook with 档案整理专项's 全年预算数 replaced."""
    book = openpyxl.load_workbook(LANZHOU)
    ws = book["项目"]
    col = [c.value for c in ws[1]].index("全年预算数") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "LZ2022-P01")
    ws.cell(row=row, column=col, value=budget_p01)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def frame_with(at: AppTest, column: str):
    for df in (d.value for d in at.dataframe):
        if column in df.columns:
            return df
    raise AssertionError(f"no table with column {column}")


def archive_budget(at: AppTest) -> float:
    at.query_params["overview_view"] = "项目一览"  # the part of 总览 that lists the projects
    projects = frame_with(run("overview", at), "stated_rating")
    return float(projects.loc[projects["project_name"] == "档案整理专项", "budget"].iloc[0])


def test_local_mode_says_so_and_allows_upload(app_env):
    at = run("data")
    assert any("本地单用户模式" in m.value for m in at.sidebar.markdown)
    assert len(at.get("file_uploader")) == 1


def test_the_uploader_says_in_chinese_what_it_takes_and_has_the_readers_limit(app_env):
    from lib.intake.workbook import MAX_FILE_BYTES

    at = run("data")
    uploader = at.get("file_uploader")[0]
    # Streamlit's own drop-zone words stay English (no locale setting): the note beside it says it all
    note = "支持 .xlsx、.xls、.ods、.docx、.csv 格式，每个文件不超过 50 MB"  # no .doc/.wps: they are refused
    assert note in uploader.proto.help and any(note in c.value for c in at.caption)
    assert "可多选" in uploader.proto.help
    assert uploader.proto.max_upload_size_mb == 50 == MAX_FILE_BYTES // (1024 * 1024)  # not Streamlit's 200


def test_upload_preview_commit_then_rollback(app_env):
    at = run("data")
    at.get("file_uploader")[0].upload("lanzhou_v2.xlsx", lanzhou_with(17)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("将整体替换" in md.value and "LZ2022-YJJ" in md.value for md in at.markdown)
    changes = [d.value for d in at.dataframe if "原值" in d.value.columns]
    assert changes, "the preview shows old → new values"
    change = changes[0].iloc[0]
    assert (change["项目编号"], change["项目名称"], change["列"], change["原值"], change["新值"]) == (
        "LZ2022-P01", "档案整理专项", "全年预算数", "16", "17")

    at.button(key="commit_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("当前数据版本 v2" in s.value for s in at.success)
    assert archive_budget(at) == 17  # every page reads the new version
    assert any("数据版本 v2" in c.value for c in at.caption)

    at = open_part(run("data", at), "data", "版本历史")
    versions = frame_with(at, "restored_version")
    assert versions["version_id"].tolist() == [2, 1]
    assert versions["user_name"].tolist() == ["本地用户", "系统（初始数据）"]
    # the value that changed, named: the row counts alone said "各表行数未变"
    assert versions["changes"].iloc[0] == "改动 1 处：项目 LZ2022-P01 全年预算数 16 → 17"
    assert "row_counts" not in versions.columns
    assert at.button(key="rollback_button").disabled  # until the confirmation is ticked
    at.selectbox(key="rollback_target").set_value(1)
    at.checkbox(key="rollback_confirm").check().run()
    at.button(key="rollback_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已恢复为 v1" in s.value for s in at.success)
    assert archive_budget(at) == 16


def test_bad_upload_shows_findings_and_changes_nothing(app_env):
    at = run("data")
    at.get("file_uploader")[0].upload("lanzhou_bad.xlsx", lanzhou_with("十六万")).run()
    assert not at.exception
    assert any("未做任何更改" in e.value for e in at.error)
    findings = frame_with(at, "problem")
    row = findings.iloc[0]
    assert row["sheet"] == "项目" and row["row"] == 2 and "全年预算数" in row["column"]
    assert "金额" in row["problem"]
    assert not [b for b in at.button if b.key == "commit_upload"]
    assert archive_budget(at) == 16
    assert any("数据版本 v1" in c.value for c in at.caption)


def test_template_and_examples_are_offered(app_env):
    at = open_part(run("data"), "data", "模板下载")
    labels = [b.label for b in at.get("download_button")]
    assert "⬇ 下载空白模板" in labels
    assert any("lanzhou_2022_emergency.xlsx" in label for label in labels)


# ---------------------------------------------------------------- login and roles


@pytest.fixture
def users_file(app_env, tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    path.write_text(
        "[users.leader]\n"
        'name = "局领导"\nrole = "viewer"\n'
        f'password_hash = "{hash_password("view-pass", iterations=1000)}"\n\n'
        "[users.analyst]\n"
        'name = "分析员"\nrole = "analyst"\n'
        f'password_hash = "{hash_password("analyst-pass", iterations=1000)}"\n',
        encoding="utf-8")
    monkeypatch.setenv("JIXIAO_USERS", str(path))
    return path


def login(username: str, password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert at.title[0].value == "登录 · 绩效看板"
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def test_login_required_when_configured(users_file):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert at.title[0].value == "登录 · 绩效看板"
    assert not at.metric  # no data before login


def test_wrong_password_is_refused(users_file):
    at = login("leader", "wrong")
    assert any("用户名或密码错误" in e.value for e in at.error)
    assert at.title[0].value == "登录 · 绩效看板"


def test_viewer_browses_and_exports_but_cannot_upload_or_roll_back(users_file):
    at = login("leader", "view-pass")
    assert not at.exception
    assert any("局领导" in md.value for md in at.sidebar.markdown)
    assert at.metric  # the overview is shown
    at = run("data", at)
    assert any("浏览者" in i.value for i in at.info)
    assert len(at.get("file_uploader")) == 0
    open_part(at, "data", "版本历史")
    assert not [b for b in at.button if b.key == "rollback_button"]
    open_part(at, "data", "数据导出")
    assert any(b.label == "⬇ 下载 CSV" for b in at.get("download_button"))  # export still allowed


def test_analyst_can_upload(users_file):
    at = login("analyst", "analyst-pass")
    at = run("data", at)
    assert len(at.get("file_uploader")) == 1
    at.get("file_uploader")[0].upload("lanzhou_v2.xlsx", lanzhou_with(18)).run()
    at.button(key="commit_upload").click().run()
    assert any("当前数据版本 v2" in s.value for s in at.success)
    versions = frame_with(open_part(run("data", at), "data", "版本历史"), "restored_version")
    assert versions.iloc[0]["user_name"] == "分析员"


def test_commit_after_someone_else_committed_shows_the_new_preview_first(app_env):
    from lib.store import Store

    at = run("data")
    at.get("file_uploader")[0].upload("lanzhou_v2.xlsx", lanzhou_with(17)).run()
    # another analyst commits while this preview is on screen (old → new was 16 → 17)
    other = Store(app_env)
    try:
        other.import_files([("other.xlsx", lanzhou_with(19))], user="李四")
    finally:
        other.close()
    st.cache_resource.clear()  # the app's Store reopens the file, as another server process would
    at.button(key="commit_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("预览之后数据已有新的版本" in w.value for w in at.warning)
    assert not any("当前数据版本" in s.value for s in at.success)  # nothing committed on that click
    change = next(d.value for d in at.dataframe if "原值" in d.value.columns).iloc[0]
    assert (change["原值"], change["新值"]) == ("19", "17")  # the preview against the new data
    at.button(key="commit_upload").click().run()
    assert any("当前数据版本 v3" in s.value for s in at.success)
    assert archive_budget(at) == 17


def test_repeated_wrong_passwords_lock_the_name_even_for_the_right_one(users_file):
    for _ in range(5):
        at = login("leader", "wrong")
    assert any("已锁定 15 分钟" in e.value for e in at.error)
    at = login("leader", "view-pass")  # a new tab, same server: still locked
    assert any("已暂时锁定" in e.value for e in at.error)
    assert at.title[0].value == "登录 · 绩效看板" and not at.metric
    at = login("analyst", "analyst-pass")  # other names are not affected
    assert at.metric


def test_an_idle_session_signs_out(users_file):
    import time

    from lib import ui
    from lib.access import auth

    at = login("leader", "view-pass")
    assert at.metric
    at.session_state[ui.KEY_LAST_SEEN] = time.time() - auth.IDLE_TIMEOUT - 1
    at.run()
    assert at.title[0].value == "登录 · 绩效看板" and not at.metric
    assert any("已自动退出" in i.value for i in at.info)


def test_preview_of_a_large_upload_lists_the_first_rows_with_the_count(app_env, tmp_path, monkeypatch):
    from conftest import make_workbook, minimal_dataset

    import lib.ui

    monkeypatch.setattr(lib.ui.limits, "DETAIL_ROWS", 2)
    data = make_workbook(tmp_path, minimal_dataset(program_id="NEW1", project_prefix="NP")).read_bytes()
    at = run("data")
    at.get("file_uploader")[0].upload("new.xlsx", data).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("共 5 行，列出前 2 行" in c.value for c in at.caption)  # the 5 new indicators
    assert all(len(d.value) <= 2 for d in at.dataframe if "三级指标" in d.value.columns)


def test_many_findings_are_listed_first_rows_and_all_downloaded(app_env, monkeypatch):
    import lib.ui

    monkeypatch.setattr(lib.ui.limits, "DETAIL_ROWS", 1)
    book = openpyxl.load_workbook(LANZHOU)
    ws = book["项目"]
    col = [c.value for c in ws[1]].index("全年预算数") + 1
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=col, value="十六万")  # nine bad cells
    buf = io.BytesIO()
    book.save(buf)
    at = run("data")
    at.get("file_uploader")[0].upload("bad.xlsx", buf.getvalue()).run()
    assert any("发现 9 个问题" in e.value for e in at.error)
    assert len(frame_with(at, "problem")) == 1
    assert any("共 9 行，表中列出前 1 行；下载的文件包含全部 9 行" in c.value for c in at.caption)
