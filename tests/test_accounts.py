"""Users, the activity log and lockouts in the store (lib/store/accounts.py), on a real DuckDB
file and on real PostgreSQL (the session's private cluster): each test runs on both."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from conftest import make_workbook, minimal_dataset

from lib import cli
from lib.access import auth
from lib.access.roles import ADMIN, ANALYST, VIEWER, Actor, PermissionDenied
from lib.access.scope import Scope
from lib.store import Store, accounts

ROOT_ADMIN = Actor("管理员", ADMIN, username="root")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["duckdb", "postgresql"])
def opener(request, tmp_path):
    """A function opening a new Store on one database (call it again: another Store, as another
    server process would have); every store it opened is closed after the test."""
    opened: list[Store] = []
    if request.param == "duckdb":
        path = tmp_path / "accounts.duckdb"

        def open_one() -> Store:
            opened.append(Store(path))
            return opened[-1]
    else:
        from lib.store.postgres import PostgresStore

        cluster = request.getfixturevalue("pg_cluster")
        name = f"t_{uuid.uuid4().hex[:12]}"
        url = cluster.url(name)

        def open_one() -> Store:
            opened.append(PostgresStore(url))
            return opened[-1]
    yield open_one
    for store in opened:
        store.close()
    if request.param == "postgresql":
        cluster.drop(name)


def actions(store) -> list[tuple[str, str]]:
    """(user, action) of every log entry, oldest first."""
    frame = accounts.read_activity(store)
    return list(zip(frame["user_name"], frame["action"], strict=True))[::-1]


def test_an_admin_adds_and_changes_users_and_every_change_is_logged(opener):
    store = opener()
    scope = Scope(departments=("辽宁省应急管理厅",), regions=("沈阳市",))
    added = accounts.add_user(store, ROOT_ADMIN, " ZhangSan ", "张三", ANALYST, scope, "pass-1234",
                              email="Zhang@Example.cn")
    assert added.username == "zhangsan"
    stored = accounts.get_user(store, "ZHANGSAN")
    assert (stored.name, stored.role, stored.scope, stored.email, stored.disabled) == (
        "张三", ANALYST, scope, "zhang@example.cn", False)
    assert auth.verify_password("pass-1234", stored.password_hash)
    assert "password_hash" not in accounts.users_table(store).columns

    with pytest.raises(accounts.AccountError, match="已存在"):
        accounts.add_user(store, ROOT_ADMIN, "zhangsan", "又一个", VIEWER, Scope(), "pass-5678")
    with pytest.raises(accounts.AccountError, match="至少 8 个字符"):
        accounts.add_user(store, ROOT_ADMIN, "lisi", "李四", VIEWER, Scope(), "short")
    with pytest.raises(PermissionDenied):
        accounts.add_user(store, Actor("分析员", ANALYST, username="a"), "lisi", "李四", VIEWER, Scope(), "pass-1234")

    accounts.update_user(store, ROOT_ADMIN, "zhangsan", role=VIEWER, scope=Scope(programs=("LN2023-WHP",)),
                         disabled=True, password="new-pass-99")
    changed = accounts.get_user(store, "zhangsan")
    assert (changed.role, changed.scope.programs, changed.disabled) == (VIEWER, ("LN2023-WHP",), True)
    assert auth.verify_password("new-pass-99", changed.password_hash)
    accounts.add_user(store, ROOT_ADMIN, "root", "管理员", ADMIN, Scope(), "root-pass-1")
    with pytest.raises(accounts.AccountError, match="不能停用自己"):
        accounts.update_user(store, ROOT_ADMIN, "root", disabled=True)

    log = accounts.read_activity(store)
    assert [(u, a) for u, a in actions(store)] == [("root", "user_added"), ("root", "user_changed"),
                                                    ("root", "user_added")]
    change = json.loads(log["details"].iloc[1])
    assert change["username"] == "zhangsan" and change["changes"]["password"] == "reset"
    assert change["changes"]["role"] == {"from": ANALYST, "to": VIEWER}
    assert change["changes"]["scope"]["to"]["programs"] == ["LN2023-WHP"]
    assert "new-pass-99" not in "".join(log["details"]) and "pbkdf2" not in "".join(log["details"])
    users = accounts.users_table(store)
    assert users.set_index("username").loc["zhangsan", "updated_by"] == "root"
    assert users["updated_at"].max() <= accounts.utc_now()  # stored in UTC


def test_the_users_file_seeds_new_names_only(opener):
    store = opener()
    file_users = {"leader": auth.User("leader", "局领导", VIEWER, auth.hash_password("view-pass", iterations=1000)),
                  "boss": auth.User("boss", "处长", ADMIN, auth.hash_password("boss-pass", iterations=1000))}
    assert accounts.seed_users(store, file_users) == ["boss", "leader"]
    accounts.update_user(store, ROOT_ADMIN, "leader", role=ANALYST)
    # the file still says viewer and adds a third name: the store keeps its analyst
    file_users["leader"] = auth.User("leader", "局领导", VIEWER, auth.hash_password("other", iterations=1000))
    file_users["clerk"] = auth.User("clerk", "科员", VIEWER, auth.hash_password("clerk-pass", iterations=1000))
    assert accounts.seed_users(store, file_users) == ["clerk"]
    assert accounts.get_user(store, "leader").role == ANALYST
    assert accounts.sign_in(store, "leader", "view-pass")[0] is not None  # the stored hash, not the file's
    assert [a for _, a in actions(store)].count("user_seeded") == 3


def test_sign_ins_are_logged_and_a_disabled_user_is_refused(opener):
    store = opener()
    accounts.add_user(store, ROOT_ADMIN, "leader", "局领导", VIEWER, Scope(), "view-pass")
    user, problem = accounts.sign_in(store, "Leader", "view-pass")
    assert user.username == "leader" and problem is None
    assert accounts.sign_in(store, "leader", "wrong") == (None, "用户名或密码错误。")
    assert accounts.sign_in(store, "nobody", "wrong")[0] is None
    accounts.update_user(store, ROOT_ADMIN, "leader", disabled=True)
    assert accounts.sign_in(store, "leader", "view-pass") == (None, auth.DISABLED_MESSAGE)
    assert accounts.sign_in(store, "leader", "wrong") == (None, "用户名或密码错误。")  # no hint without it
    assert actions(store)[1:] == [("leader", "sign_in"), ("leader", "sign_in_failed"),
                                  ("nobody", "sign_in_failed"), ("root", "user_changed"),
                                  ("leader", "sign_in_disabled"), ("leader", "sign_in_failed")]


def test_failures_through_two_stores_add_up_to_one_lockout(opener):
    """Two server processes (two Stores on one database): on PostgreSQL open at once, on DuckDB
    one after the other (the file takes one process at a time); a restart does not unlock."""
    first = opener()
    accounts.add_user(first, ROOT_ADMIN, "leader", "局领导", VIEWER, Scope(), "view-pass")
    clock = Clock()
    for _ in range(3):
        accounts.sign_in(first, "leader", "wrong", clock=clock)
    if not hasattr(first, "url"):  # DuckDB: the next process opens the file after this one closed it
        first.close()
    second = opener()
    assert accounts.StoreThrottle(second, clock).locked_for("leader") == 0
    accounts.sign_in(second, "LEADER ", "wrong", clock=clock)
    user, problem = accounts.sign_in(second, "leader", "wrong", clock=clock)
    assert user is None and "连续输错 5 次" in problem and "锁定 15 分钟" in problem
    if not hasattr(first, "url"):
        second.close()
        first = opener()
    user, problem = accounts.sign_in(first, "leader", "view-pass", clock=clock)  # right password, refused
    assert user is None and "已暂时锁定" in problem and "15 分钟后" in problem
    assert accounts.StoreThrottle(first, clock).locked_for("leader") == auth.LOCKOUT
    clock.now += auth.LOCKOUT + 1
    assert accounts.sign_in(first, "leader", "view-pass", clock=clock)[0] is not None
    assert [a for _, a in actions(first)][-4:] == ["sign_in_failed", "lockout", "sign_in_locked", "sign_in"]


def test_failures_spread_beyond_the_window_do_not_lock(opener):
    store = opener()
    clock = Clock()
    throttle = accounts.StoreThrottle(store, clock)
    for _ in range(10):
        throttle.failed("leader")
        clock.now += auth.FAILURE_WINDOW / 4 + 1  # never five within one window
    assert throttle.locked_for("leader") == 0
    clock.now += auth.FAILURE_WINDOW
    for _ in range(4):
        throttle.failed("leader")
    throttle.succeeded("leader")  # a success clears the count
    throttle.failed("leader")
    assert throttle.locked_for("leader") == 0


def test_uploads_rollbacks_layouts_and_exports_are_logged(opener, tmp_path):
    store = opener()
    analyst = Actor("分析员", ANALYST, username="fenxi")
    workbook = make_workbook(tmp_path, minimal_dataset())
    first = store.import_files([("dataset.xlsx", workbook)], user=analyst)
    second = store.import_files([("again.xlsx", workbook)], user=analyst)
    store.rollback(first.version_id, user=analyst)
    from lib.intake.layouts import Layout

    store.save_layout(Layout("区级表", {"年初目标值": "target"}), user=analyst)
    log = accounts.read_activity(store)
    entries = [(u, a, json.loads(d)) for u, a, d in zip(log["user_name"], log["action"], log["details"],
                                                           strict=True)][::-1]
    assert [(u, a) for u, a, _ in entries] == [("fenxi", "upload"), ("fenxi", "upload"),
                                               ("fenxi", "rollback"), ("fenxi", "layout_save")]
    assert entries[0][2]["files"] == ["dataset.xlsx"] and entries[0][2]["programs"] == ["P1"]
    assert entries[1][2]["version"] == second.version_id
    assert entries[2][2] == {"version": second.version_id + 1, "restored": first.version_id,
                          "programs": ["P1"]}  # P1 of v2 was another archived state than v1's
    assert entries[3][2] == {"name": "区级表", "version": 1, "columns": 1}

    since = accounts.utc_now() - dt.timedelta(minutes=5)
    assert accounts.count_activity(store, since, None, "fenxi", "upload") == 2
    assert accounts.count_activity(store, None, since) == 0
    assert accounts.activity_choices(store) == (["fenxi"], ["layout_save", "rollback", "upload"])

    db = getattr(store, "url", None)
    if db is None:  # the command line opens the DuckDB file itself
        store.close()
        db = str(tmp_path / "accounts.duckdb")
    out = tmp_path / "projects.csv"
    assert cli.main(["export", "v_projects", "--where", "program_id=P1", "--format", "csv",
                     "--out", str(out), "--db", db]) == 0
    reopened = store if hasattr(store, "url") else opener()
    last = accounts.read_activity(reopened, limit=1).iloc[0]
    details = json.loads(last["details"])
    assert last["action"] == "export"
    assert details == {"what": "v_projects", "file": str(out), "format": "csv",
                       "filters": {"program_id": "P1"}, "via": "cli", "rows": 2}


def test_an_identity_maps_to_a_user_by_subject_or_verified_email():
    users = [auth.User("zhang", "张三", ANALYST, "", email="zhang@example.cn"),
             auth.User("li", "李四", VIEWER, "", subject="oidc|42"),
             auth.User("wang", "王五", VIEWER, "", email="wang@example.cn", disabled=True)]
    assert accounts.match_identity(users, {"email": " Zhang@Example.CN", "sub": "x"}).username == "zhang"
    assert accounts.match_identity(users, {"email": "li@elsewhere.cn", "sub": "oidc|42"}).username == "li"
    assert accounts.match_identity(users, {"email": "zhang@example.cn", "email_verified": False}) is None
    assert accounts.match_identity(users, {"email": "nobody@example.cn"}) is None
    assert accounts.match_identity(users, {}) is None
    assert accounts.match_identity(users, {"email": "wang@example.cn"}).disabled  # the caller refuses


def test_sso_sign_in_refuses_unknown_and_disabled_identities(opener):
    store = opener()
    accounts.add_user(store, ROOT_ADMIN, "zhang", "张三", ANALYST, Scope(), None, email="zhang@example.cn")
    user, problem = accounts.identity_sign_in(store, {"email": "zhang@example.cn", "sub": "s1"})
    assert user.username == "zhang" and problem is None
    assert accounts.sign_in(store, "zhang", "")[0] is None  # no password: single sign-on only
    user, problem = accounts.identity_sign_in(store, {"email": "evil@example.cn", "sub": "s2"})
    assert user is None and "evil@example.cn" in problem and "未在本系统开通" in problem
    accounts.update_user(store, ROOT_ADMIN, "zhang", disabled=True)
    assert accounts.identity_sign_in(store, {"email": "zhang@example.cn"}) == (None, auth.DISABLED_MESSAGE)
    assert actions(store)[1:] == [("zhang", "sign_in"), ("zhang", "sign_in_failed"),
                                  ("evil@example.cn", "sign_in_failed"), ("root", "user_changed"),
                                  ("zhang", "sign_in_disabled")]
