"""Users, the activity log and login lockouts, kept in the store (tables in schema.sql).

These rows live outside the dataset versions: they are written through the store's small-write
transaction (``Store._record_write``) and read from the system of record (``primary_query``), so
on the shared PostgreSQL store every replica sees a new user, a disabled one or a failed sign-in
at once, not after its DuckDB read copy catches up.

The users file (config/users.toml) is the bootstrap: ``seed_users`` adds each name of the file
that the store does not hold yet. After that the store wins: a role, scope, password or disabled
flag changed on the admin page is not undone by the file, and editing an existing user in the
file changes nothing (delete nothing there either: the store keeps the user). The file only
ever adds new names.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace

import pandas as pd

from lib.access import auth
from lib.access.auth import FAILURE_WINDOW, LOCKOUT, MAX_FAILURES, User
from lib.access.roles import ROLE_LABELS, ROLES, Actor, require
from lib.access.scope import Scope

_USER_COLUMNS = ("username, name, role, scope, password_hash, email, oidc_subject, disabled, "
                 "created_at, created_by, updated_at, updated_by")
# A name typed at the sign-in form is logged; one of a megabyte must not reach the log whole.
_MAX_LOGGED_NAME = 64
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A user change that cannot be made; the message says why, in Chinese."""


def utc_now() -> dt.datetime:
    """Now in UTC, without a zone (TIMESTAMP columns hold UTC; pages show local time)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def fold(username: str) -> str:
    """User names compare without case and surrounding spaces (as the login throttle does)."""
    return str(username).strip().casefold()


def who(actor: Actor | str) -> str:
    """The name the activity log records for an actor: the user name when signed in."""
    if isinstance(actor, Actor):
        return actor.username or actor.name
    return str(actor)


# ---------------------------------------------------------------- the activity log
def record(cur, user: Actor | str, action: str, details: dict | None = None) -> None:
    """Add a log entry inside an open write transaction (an upload logs in its own)."""
    cur.execute("INSERT INTO activity_log (at_utc, user_name, action, details) VALUES (?, ?, ?, ?)",
                [utc_now(), who(user), action, json.dumps(details or {}, ensure_ascii=False, default=str)])


def log(store, user: Actor | str, action: str, details: dict | None = None) -> None:
    """Add a log entry in a transaction of its own."""
    with store._record_write() as cur:
        record(cur, user, action, details)


def log_export(store, user: Actor | str, what: str, file_name: str, filters: Mapping | None = None,
               rows: int | None = None, via: str = "app", fmt: str | None = None) -> None:
    """An export: which table, view or document, the file written (``fmt``: its suffix unless
    given), the filters it was made with, and how many rows when it is a table."""
    details = {"what": what, "file": file_name, "format": fmt or file_name.rsplit(".", 1)[-1],
               "filters": {str(k): str(v) for k, v in (filters or {}).items()}, "via": via}
    if rows is not None:
        details["rows"] = int(rows)
    log(store, user, "export", details)


def _activity_where(start: dt.datetime | None, end: dt.datetime | None, user: str | None,
                    action: str | None) -> tuple[str, list]:
    conditions, params = [], []
    for sql, value in (("at_utc >= ?", start), ("at_utc < ?", end), ("user_name = ?", user or None),
                       ("action = ?", action or None)):
        if value is not None:
            conditions.append(sql)
            params.append(value)
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), params


def read_activity(store, start: dt.datetime | None = None, end: dt.datetime | None = None,
                  user: str | None = None, action: str | None = None,
                  limit: int | None = None) -> pd.DataFrame:
    """Log entries from ``start`` up to (not including) ``end`` (UTC), newest first."""
    where, params = _activity_where(start, end, user, action)
    sql = f"SELECT at_utc, user_name, action, details FROM activity_log{where} ORDER BY at_utc DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return store.primary_query(sql, params)


def count_activity(store, start: dt.datetime | None = None, end: dt.datetime | None = None,
                   user: str | None = None, action: str | None = None) -> int:
    where, params = _activity_where(start, end, user, action)
    return int(store.primary_query(f"SELECT COUNT(*) AS n FROM activity_log{where}", params)["n"].iloc[0])


def activity_choices(store) -> tuple[list[str], list[str]]:
    """The user names and actions that occur in the log (the admin page's filter choices)."""
    users = store.primary_query("SELECT DISTINCT user_name FROM activity_log ORDER BY user_name")
    actions = store.primary_query("SELECT DISTINCT action FROM activity_log ORDER BY action")
    return list(users["user_name"]), list(actions["action"])


# ---------------------------------------------------------------- users
def _value(value):
    """A cell of a stored row as Python (NaN / NaT / pd.NA of an empty cell as None)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _user(row: Mapping) -> User:
    return User(row["username"], row["name"], row["role"], _value(row["password_hash"]) or "",
                Scope.from_dict(json.loads(row["scope"])), bool(row["disabled"]),
                _value(row["email"]), _value(row["oidc_subject"]))


def get_user(store, username: str) -> User | None:
    frame = store.primary_query(f"SELECT {_USER_COLUMNS} FROM users WHERE username = ?", [fold(username)])
    return _user(frame.iloc[0]) if len(frame) else None


def all_users(store) -> list[User]:
    frame = store.primary_query(f"SELECT {_USER_COLUMNS} FROM users ORDER BY username")
    return [_user(row) for _, row in frame.iterrows()]


def users_table(store) -> pd.DataFrame:
    """Every user for the admin page (no password hashes): who changed each one last, when (UTC)."""
    return store.primary_query(
        "SELECT username, name, role, scope, email, oidc_subject, disabled, created_at, created_by, "
        "updated_at, updated_by FROM users ORDER BY username")


def has_users(store) -> bool:
    return int(store.primary_query("SELECT COUNT(*) AS n FROM users")["n"].iloc[0]) > 0


class StoredUsers(Mapping):
    """The users table as the mapping lib.access.auth.sign_in looks names up in."""

    def __init__(self, store):
        self._store = store

    def __getitem__(self, username: str) -> User:
        user = get_user(self._store, username)
        if user is None:
            raise KeyError(username)
        return user

    def __iter__(self) -> Iterator[str]:
        return iter([u.username for u in all_users(self._store)])

    def __len__(self) -> int:
        return len(all_users(self._store))


def _insert_user(cur, user: User, by: str) -> None:
    now = utc_now()
    cur.execute(f"INSERT INTO users ({_USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [fold(user.username), user.name, user.role, _scope_json(user.scope),
                 user.password_hash or None, _fold_email(user.email), user.subject or None,
                 bool(user.disabled), now, by, now, by])


def _scope_json(scope: Scope) -> str:
    return json.dumps(scope.to_dict(), ensure_ascii=False)


def _exists(cur, username: str) -> bool:
    return cur.execute("SELECT COUNT(*) FROM users WHERE username = ?", [username]).fetchone()[0] > 0


def _fold_email(email: str | None) -> str | None:
    return email.strip().casefold() if email and email.strip() else None


def seed_users(store, users: Mapping[str, User] | None) -> list[str]:
    """Add the users of the users file whose names the store lacks; returns the names added.
    Existing rows are left as they are (the store wins once a name is in it)."""
    if not users:
        return []
    present = {u.username for u in all_users(store)}
    missing = [u for name, u in sorted(users.items()) if fold(name) not in present]
    if not missing:
        return []
    with store._record_write() as cur:
        added = []
        for user in missing:
            # two replicas starting together may both seed: the second finds the row and skips it
            if _exists(cur, fold(user.username)):
                continue
            _insert_user(cur, user, "users.toml")
            record(cur, "system", "user_seeded", {"username": fold(user.username), "role": user.role})
            added.append(fold(user.username))
    return added


_SEEDED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def seed_once(store, users: Mapping[str, User], stamp: tuple) -> None:
    """seed_users once per store and version of the users file (``stamp``: path, mtime), not on
    every page run."""
    if _SEEDED.get(store) != stamp:
        seed_users(store, users)
        _SEEDED[store] = stamp


def _check(name: str, role: str, scope: Scope) -> None:
    if not name.strip():
        raise AccountError("姓名不能为空。")
    if role not in ROLES:
        raise AccountError(f"角色应为 {'、'.join(ROLE_LABELS[r] for r in ROLES)} 之一，实际为“{role}”。")
    if not isinstance(scope, Scope):
        raise AccountError("范围无效。")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 个字符。")


def add_user(store, actor: Actor, username: str, name: str, role: str, scope: Scope,
             password: str | None, email: str | None = None, subject: str | None = None) -> User:
    """Create a user (admins only). A user with an e-mail or OIDC subject may have no password
    (single sign-on only); anyone else needs one of at least MIN_PASSWORD characters.

    Raises:
        PermissionDenied: the actor may not manage users.
        AccountError: the name is taken or empty, the role unknown, the password too short.
    """
    require(actor, "manage_users")
    key = fold(username)
    if not key or any(c.isspace() for c in key):
        raise AccountError("用户名不能为空，也不能含空格。")
    _check(name, role, scope)
    if password or not (email or subject):
        _check_password(password or "")
    user = User(key, name.strip(), role, auth.hash_password(password) if password else "", scope,
                False, _fold_email(email), (subject or "").strip() or None)
    with store._record_write() as cur:
        if _exists(cur, key):
            raise AccountError(f"用户名“{key}”已存在。")
        _insert_user(cur, user, who(actor))
        record(cur, actor, "user_added", {"username": key, "name": user.name, "role": role,
                                           "scope": scope.to_dict(), "email": user.email,
                                           "subject": user.subject})
    return user


def update_user(store, actor: Actor, username: str, *, name: str | None = None, role: str | None = None,
                scope: Scope | None = None, disabled: bool | None = None, password: str | None = None,
                email: str | None = None, subject: str | None = None) -> User:
    """Change what is given of one user (admins only) and log what changed (a new password is
    logged as reset, never its hash). An admin cannot disable or demote themselves: the last
    admin would otherwise lock everyone out of this page.

    Raises:
        PermissionDenied / AccountError / KeyError (no such user).
    """
    require(actor, "manage_users")
    current = get_user(store, username)
    if current is None:
        raise KeyError(f"没有用户“{fold(username)}”")
    updated = replace(
        current, name=current.name if name is None else name.strip(), role=role or current.role,
        scope=current.scope if scope is None else scope,
        disabled=current.disabled if disabled is None else bool(disabled),
        email=current.email if email is None else _fold_email(email),
        subject=current.subject if subject is None else (subject.strip() or None))
    _check(updated.name, updated.role, updated.scope)
    if current.username == fold(actor.username) and (updated.disabled or updated.role != current.role):
        raise AccountError("不能停用自己或更改自己的角色（请由另一位管理员操作）。")
    changes = {field: {"from": _shown(getattr(current, field)), "to": _shown(getattr(updated, field))}
               for field in ("name", "role", "scope", "disabled", "email", "subject")
               if getattr(current, field) != getattr(updated, field)}
    if password is not None:
        _check_password(password)
        updated = replace(updated, password_hash=auth.hash_password(password))
        changes["password"] = "reset"
    if not changes:
        return current
    with store._record_write() as cur:
        cur.execute("UPDATE users SET name = ?, role = ?, scope = ?, password_hash = ?, email = ?, "
                    "oidc_subject = ?, disabled = ?, updated_at = ?, updated_by = ? WHERE username = ?",
                    [updated.name, updated.role, _scope_json(updated.scope),
                     updated.password_hash or None, updated.email, updated.subject, updated.disabled,
                     utc_now(), who(actor), current.username])
        record(cur, actor, "user_changed", {"username": current.username, "changes": changes})
    return updated


def _shown(value):
    return value.to_dict() if isinstance(value, Scope) else value


# ---------------------------------------------------------------- sign-in and lockouts
class StoreThrottle:
    """Wrong passwords per user name, counted in the store: every process and replica sees the
    same failures, and a restart does not unlock a name. The rule itself is auth.lockout_until
    (MAX_FAILURES within FAILURE_WINDOW lock a name for LOCKOUT). Times are wall-clock seconds,
    comparable across machines; names compare folded (case and spaces do not count)."""

    def __init__(self, store, clock: Callable[[], float] = time.time, max_failures: int = MAX_FAILURES,
                 window: float = FAILURE_WINDOW, lockout: float = LOCKOUT):
        self._store, self._clock = store, clock
        self._max, self._window, self._lockout = max_failures, window, lockout

    def locked_for(self, username: str) -> float:
        """Seconds until the name may try again (0 when it may now)."""
        frame = self._store.primary_query("SELECT locked_until FROM login_lockouts WHERE username = ?",
                                          [fold(username)[:_MAX_LOGGED_NAME]])
        until = float(frame["locked_until"].iloc[0]) if len(frame) else 0.0
        return max(0.0, until - self._clock())

    def failed(self, username: str) -> None:
        name, now = fold(username)[:_MAX_LOGGED_NAME], self._clock()
        with self._store._record_write() as cur:
            # old failures of every name go: names tried at random must not fill the table
            cur.execute("DELETE FROM login_failures WHERE failed_at <= ?", [now - self._window])
            cur.execute("DELETE FROM login_lockouts WHERE locked_until <= ?", [now])
            cur.execute("INSERT INTO login_failures (username, failed_at) VALUES (?, ?)", [name, now])
            times = [float(t) for (t,) in cur.execute(
                "SELECT failed_at FROM login_failures WHERE username = ?", [name]).fetchall()]
            until = auth.lockout_until(times, now, self._max, self._window, self._lockout)
            if until is not None:
                cur.execute("DELETE FROM login_lockouts WHERE username = ?", [name])
                cur.execute("INSERT INTO login_lockouts (username, locked_until) VALUES (?, ?)",
                            [name, until])
                cur.execute("DELETE FROM login_failures WHERE username = ?", [name])

    def succeeded(self, username: str) -> None:
        with self._store._record_write() as cur:
            cur.execute("DELETE FROM login_failures WHERE username = ?", [fold(username)[:_MAX_LOGGED_NAME]])


def sign_in(store, username: str, password: str,
            clock: Callable[[], float] = time.time) -> tuple[User | None, str | None]:
    """auth.sign_in against the users table with the store's lockouts, logged: sign_in,
    sign_in_failed, lockout (the failure that locked the name), sign_in_locked (a try while
    locked) or sign_in_disabled."""
    throttle = StoreThrottle(store, clock)
    was_locked = throttle.locked_for(username) > 0
    user, problem = auth.sign_in(StoredUsers(store), throttle, username, password)
    name = fold(username)[:_MAX_LOGGED_NAME]
    if user is not None:
        log(store, user.username, "sign_in", {"method": "password"})
    elif was_locked:
        log(store, name, "sign_in_locked", {})
    elif problem == auth.DISABLED_MESSAGE:
        log(store, name, "sign_in_disabled", {"method": "password"})
    elif throttle.locked_for(username) > 0:
        log(store, name, "lockout", {"failures": MAX_FAILURES, "minutes": math.ceil(LOCKOUT / 60)})
    else:
        log(store, name, "sign_in_failed", {})
    return user, problem


# ---------------------------------------------------------------- single sign-on
def match_identity(users: list[User], identity: Mapping) -> User | None:
    """The user an OIDC identity (st.user's claims) belongs to: the one whose OIDC subject is the
    identity's ``sub``, else the one whose e-mail is the identity's ``email`` (folded; only when
    the provider says it is verified, if it says so at all). Disabled users match too: the
    caller refuses them with their own message."""
    subject = str(identity.get("sub") or "").strip()
    if subject:
        for user in users:
            if user.subject and user.subject == subject:
                return user
    email = _fold_email(str(identity.get("email") or ""))
    if email and identity.get("email_verified", True) not in (False, "false"):
        for user in users:
            if user.email and user.email == email:
                return user
    return None


def identity_sign_in(store, identity: Mapping) -> tuple[User | None, str | None]:
    """(user, None) for a known, enabled identity, else (None, the message); logged."""
    shown = str(identity.get("email") or identity.get("sub") or "")[:_MAX_LOGGED_NAME]
    user = match_identity(all_users(store), identity)
    if user is None:
        log(store, shown or "unknown", "sign_in_failed", {"method": "sso", "reason": "unknown identity"})
        return None, f"单点登录身份“{shown}”未在本系统开通，请联系管理员添加（按邮箱或 OIDC subject 对应）。"
    if user.disabled:
        log(store, user.username, "sign_in_disabled", {"method": "sso"})
        return None, auth.DISABLED_MESSAGE
    log(store, user.username, "sign_in", {"method": "sso"})
    return user, None


# ---------------------------------------------------------------- scope choices
def scope_choices(store) -> dict[str, list]:
    """What a scope can name, from the data: departments, (program id, name) pairs, regions."""
    departments = store.query("SELECT DISTINCT department FROM programs ORDER BY department")
    programs = store.query("SELECT DISTINCT program_id, program_name FROM programs ORDER BY program_id")
    regions = store.query("SELECT DISTINCT region FROM region_options ORDER BY region")
    return {"departments": list(departments["department"]),
            "programs": list(programs.itertuples(index=False, name=None)),
            "regions": list(regions["region"])}
