"""The 用户与日志 page with AppTest on the shipped data: an admin adds a user who then signs in, a
disabled user cannot, a viewer is refused the page, the log shows sign-ins and uploads, and
single sign-on maps an identity to a user (AppTest's ``user`` stands in for the provider)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, seeded_app
from streamlit.testing.v1 import AppTest
from test_data_page import lanzhou_with

from lib.access.auth import hash_password
from lib.labels import ADMIN_LABELS

PAGE = "pages/admin.py"


@pytest.fixture(scope="module", autouse=True)
def app_db(tmp_path_factory):
    yield from seeded_app(tmp_path_factory, "admin_page")


@pytest.fixture(scope="module", autouse=True)
def users_file(app_db):
    path = app_db.parent / "users.toml"
    path.write_text(
        "[users.root]\n"
        'name = "系统管理员"\nrole = "admin"\n'
        f'password_hash = "{hash_password("root-pass", iterations=1000)}"\n\n'
        "[users.leader]\n"
        'name = "局领导"\nrole = "viewer"\n'
        f'password_hash = "{hash_password("view-pass", iterations=1000)}"\n\n'
        "[users.analyst]\n"
        'name = "分析员"\nrole = "analyst"\n'
        f'password_hash = "{hash_password("analyst-pass", iterations=1000)}"\n',
        encoding="utf-8")
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_USERS", str(path))
    yield path
    mp.undo()


def login(username: str, password: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert at.title[0].value == "登录 · 绩效看板"
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(at: AppTest, page: str = PAGE) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, first_column: str):
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def test_an_admin_adds_a_user_who_can_then_sign_in_with_that_scope():
    at = open_page(login("root", "root-pass"))
    assert at.title[0].value == "用户与日志"
    at.text_input(key="new_username").input("Shenyang")
    at.text_input(key="new_name").input("沈阳分析员")
    at.selectbox(key="new_role").select("analyst")
    at.text_input(key="new_password").input("shenyang-2024")
    at.multiselect(key="new_regions").select("沈阳市")
    at.multiselect(key="new_departments").select("辽宁省应急管理厅")
    at.button(key="add_user_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已添加用户 shenyang" in s.value for s in at.success)
    users = table(at, "用户名").set_index("用户名")
    assert users.loc["shenyang", "姓名"] == "沈阳分析员"
    assert users.loc["shenyang", "角色"] == "分析员"
    assert users.loc["shenyang", "范围"] == "部门：辽宁省应急管理厅；地区：沈阳市"
    assert users.loc["shenyang", "最后修改人"] == "root"

    at = login("shenyang", "shenyang-2024")
    assert any("沈阳分析员" in m.value for m in at.sidebar.markdown)
    assert at.metric  # the overview is shown
    refused = open_page(at)
    assert any("仅管理员可以打开" in e.value for e in refused.error)


def test_a_short_password_or_a_taken_name_is_refused_with_the_reason():
    at = open_page(login("root", "root-pass"))
    at.text_input(key="new_username").input("leader")
    at.text_input(key="new_name").input("重名")
    at.text_input(key="new_password").input("long-enough-1")
    at.button(key="add_user_submit").click().run()
    assert any("用户名“leader”已存在" in e.value for e in at.error)
    at.text_input(key="new_username").input("newbie")
    at.text_input(key="new_name").input("新人")
    at.text_input(key="new_password").input("short")
    at.button(key="add_user_submit").click().run()
    assert any("密码至少 8 个字符" in e.value for e in at.error)


def test_a_disabled_user_cannot_sign_in_and_a_signed_in_one_is_signed_out():
    victim = login("analyst", "analyst-pass")
    assert victim.metric
    at = open_page(login("root", "root-pass"))
    at.selectbox(key="edit_user").select("analyst").run()
    at.checkbox(key="edit_disabled_analyst").check()
    at.button(key="edit_submit_analyst").click().run()
    assert any("已保存用户 analyst 的修改" in s.value for s in at.success)
    assert table(at, "用户名").set_index("用户名").loc["analyst", "状态"] == "停用"

    victim.run()  # the open session's next click
    assert victim.title[0].value == "登录 · 绩效看板" and not victim.metric
    assert any("已被管理员停用" in e.value for e in victim.error)
    at = login("analyst", "analyst-pass")
    assert any("该用户已停用" in e.value for e in at.error) and not at.metric

    admin = open_page(login("root", "root-pass"))  # enabled again, with a new password
    admin.selectbox(key="edit_user").select("analyst").run()
    admin.checkbox(key="edit_disabled_analyst").uncheck()
    admin.text_input(key="edit_password_analyst").input("fresh-pass-1")
    admin.button(key="edit_submit_analyst").click().run()
    assert login("analyst", "analyst-pass").title[0].value == "登录 · 绩效看板"
    assert login("analyst", "fresh-pass-1").metric


def test_a_viewer_is_refused_the_admin_page():
    at = open_page(login("leader", "view-pass"))
    assert any(e.value == ADMIN_LABELS["refused"].format("局领导，浏览者") for e in at.error)
    assert not [b for b in at.button if b.key == "add_user_submit"] and not at.dataframe


def test_the_log_shows_the_sign_in_and_the_upload_and_filters_by_action():
    login("leader", "wrong-pass")
    login("leader", "view-pass")
    uploader = open_page(login("root", "root-pass"), "pages/data.py")
    uploader.get("file_uploader")[0].upload("lanzhou_v2.xlsx", lanzhou_with(18)).run()
    uploader.button(key="commit_upload").click().run()
    assert any("当前数据版本 v2" in s.value for s in uploader.success)

    at = open_page(login("root", "root-pass"))
    log = table(at, "时间")
    assert {"登录", "上传导入", "登录失败"} <= set(log["操作"])
    upload = log[log["操作"] == "上传导入"].iloc[0]  # newest first
    assert upload["用户"] == "root" and "lanzhou_v2.xlsx" in upload["详情"] and "LZ2022-YJJ" in upload["详情"]
    assert (log[log["操作"] == "登录"]["用户"] == "leader").any()
    assert (log[log["操作"] == "登录失败"]["用户"] == "leader").any()
    shown = " ".join(log["详情"]) + " ".join(log["时间"])
    assert not any(word in shown for word in ("None", "nan", "NaT", "null"))
    at.selectbox(key="log_action").select("upload").run()
    only = table(at, "时间")
    # the shipped data's first load (version 1, by system) and root's upload
    assert set(only["操作"]) == {"上传导入"} and list(only["用户"]) == ["root", "system"]
    at.selectbox(key="log_action").select(None)
    at.selectbox(key="log_user").select("leader").run()
    mine = table(at, "时间")
    assert set(mine["用户"]) == {"leader"} and list(mine["操作"])[:2] == ["登录", "登录失败"]  # newest first
    assert any(b.label == "⬇ 下载 Excel" for b in at.get("download_button"))


def test_single_sign_on_maps_an_identity_and_refuses_an_unknown_one():
    admin = open_page(login("root", "root-pass"))
    admin.text_input(key="new_username").input("zhao")
    admin.text_input(key="new_name").input("赵科长")
    admin.text_input(key="new_email").input("Zhao@Example.cn")
    admin.button(key="add_user_submit").click().run()
    assert any("已添加用户 zhao" in s.value for s in admin.success)  # no password: single sign-on only

    def sso(identity: dict) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s",
                              "client_id": "jixiao", "client_secret": "c",
                              "server_metadata_url": "https://idp.example.cn/.well-known/openid-configuration"}
        at.user = identity
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    at = sso({"is_logged_in": False})
    assert at.title[0].value == "登录 · 绩效看板"
    assert [b.label for b in at.button][0] == "单点登录（统一身份认证）"
    at = sso({"is_logged_in": True, "email": "zhao@example.cn", "sub": "idp|7", "name": "Zhao"})
    assert any("赵科长" in m.value for m in at.sidebar.markdown) and at.metric
    at = sso({"is_logged_in": True, "email": "stranger@example.cn", "sub": "idp|8"})
    assert at.title[0].value == "登录 · 绩效看板" and not at.metric
    # md_text puts a word joiner after @ so that Markdown makes no mail link of it
    assert any("stranger@\u2060example.cn" in e.value and "未在本系统开通" in e.value for e in at.error)
    assert [b.label for b in at.button][0] == "退出单点登录身份"  # to try another identity


def test_a_download_click_logs_the_export_with_its_filters():
    """The deferred data of a download button (what Streamlit calls on the click) logs who
    exported what, from which selection: run inside the app's store and session."""
    from lib.access.auth import User
    from lib.store import accounts
    from lib.ui.login import KEY_USER

    def script():
        from lib import ui

        build = ui.logged_export(lambda: b"rows", "v_projects", "projects.csv", {"year": "2023"}, 7)
        assert build() == b"rows"

    at = AppTest.from_function(script, default_timeout=60)
    at.session_state[KEY_USER] = User("leader", "局领导", "viewer", "")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    from lib import ui

    last = accounts.read_activity(ui.get_store(), action="export", limit=1).iloc[0]
    assert last["user_name"] == "leader"
    assert json.loads(last["details"]) == {"what": "v_projects", "file": "projects.csv", "format": "csv",
                                           "filters": {"year": "2023"}, "via": "app", "rows": 7}
