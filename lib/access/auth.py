"""Login: users with hashed passwords, roles and scopes; the TOML users file that seeds them.

The users file is the bootstrap: lib/store/accounts.py adds its names to the store's users table
when absent, and from then on the table is what sign-in reads (the admin page edits it). Without
a users file, users in the store or single sign-on, the app runs in single-user local mode (the
local user is an analyst) and says so on screen. Passwords are stored as PBKDF2-HMAC-SHA256
hashes (Python's hashlib; OWASP's recommended 600,000 iterations) and compared in constant time.
Make a hash with ``python -m lib.cli hash-password``.

Guessing is slowed down: after MAX_FAILURES wrong passwords for one user name within
FAILURE_WINDOW, that name is locked for LOCKOUT (``lockout_until``). The failures are counted in
the store (lib/store/accounts.StoreThrottle), so every server process and replica sees the same
ones. A signed-in session ends after IDLE_TIMEOUT without a page run.

Config (``$JIXIAO_USERS``, default ``config/users.toml``)::

    [users.zhangsan]
    name = "张三"
    role = "analyst"            # or "viewer" / "admin"
    departments = ["应急管理厅"]   # scope; omitted = everything (see lib/access/scope.py)
    regions = ["沈阳市"]
    password_hash = "pbkdf2_sha256$600000$<salt>$<hash>"
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import secrets
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lib.access.roles import ROLES, Actor
from lib.access.scope import EVERYTHING, Scope

ROOT = Path(__file__).resolve().parents[2]
ITERATIONS = 600_000
SCHEME = "pbkdf2_sha256"
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60  # seconds
LOCKOUT = 15 * 60
IDLE_TIMEOUT = 60 * 60


class AuthConfigError(ValueError):
    """The users file is malformed; the message names the user and the problem."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    password_hash: str
    scope: Scope = field(default=EVERYTHING)
    disabled: bool = False
    email: str | None = None  # single sign-on identities are matched on these (lib/store/accounts.py)
    subject: str | None = None

    def actor(self) -> Actor:
        return Actor(self.name, self.role, self.scope, self.username)


def users_path() -> Path:
    return Path(os.environ.get("JIXIAO_USERS") or ROOT / "config" / "users.toml")


def hash_password(password: str, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """'pbkdf2_sha256$iterations$salt$hash' with a random 16-byte salt."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    b64 = base64.b64encode
    return f"{SCHEME}${iterations}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), base64.b64decode(salt),
                                     int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def load_users(path: Path | None = None) -> dict[str, User] | None:
    """The configured users, or None when there is no config file (local mode).

    Raises:
        AuthConfigError: the file exists but a user lacks a role or hash, or has an unknown role.
    """
    path = path or users_path()
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise AuthConfigError(f"{path}: 不是有效的 TOML（{exc}）") from exc
    users: dict[str, User] = {}
    for username, entry in (data.get("users") or {}).items():
        role = entry.get("role")
        if role not in ROLES:
            raise AuthConfigError(f"{path}: 用户 {username} 的角色应为 {'/'.join(ROLES)}，实际为 {role!r}")
        if not str(entry.get("password_hash", "")).startswith(SCHEME + "$"):
            raise AuthConfigError(f"{path}: 用户 {username} 缺少 password_hash（用 python -m lib.cli "
                                  "hash-password 生成）")
        users[username] = User(username, entry.get("name") or username, role, entry["password_hash"],
                               Scope.from_dict(entry))
    if not users:
        raise AuthConfigError(f"{path}: 没有配置任何用户 ([users.<用户名>])")
    return users


def authenticate(users: Mapping[str, User], username: str, password: str) -> User | None:
    """The user when the password matches, else None (same work either way)."""
    user = users.get(username.strip())
    if user is None:
        verify_password(password, hash_password("x", iterations=ITERATIONS, salt=b"0" * 16))
        return None
    return user if verify_password(password, user.password_hash) else None


def lockout_until(failures: Sequence[float], now: float, max_failures: int = MAX_FAILURES,
                  window: float = FAILURE_WINDOW, lockout: float = LOCKOUT) -> float | None:
    """The lockout rule, the one place it is written: when a name's wrong passwords (times in
    seconds, the newest at ``now``) number ``max_failures`` within ``window`` before ``now``, the
    name is locked until the returned time; None while it is not. lib/store/accounts.StoreThrottle
    keeps the times in the store and asks this after each failure."""
    recent = [t for t in failures if now - t < window]
    return now + lockout if len(recent) >= max_failures else None


DISABLED_MESSAGE = "该用户已停用，请联系管理员。"


def sign_in(users: Mapping[str, User], throttle, username: str,
            password: str) -> tuple[User | None, str | None]:
    """(user, None) on success, else (None, the message to show): wrong name or password, a
    lockout (which names the minutes left and is checked before the password), or a disabled
    user (said only to someone who knows the password, so it does not reveal which names exist).

    ``throttle``: lib.store.accounts.StoreThrottle (its ``locked_for``, ``failed`` and
    ``succeeded``), which counts in the store so that every server process sees the failures."""
    wait = throttle.locked_for(username)
    if wait > 0:
        return None, f"该用户连续输错密码，已暂时锁定，请 {math.ceil(wait / 60)} 分钟后再试。"
    user = authenticate(users, username, password)
    if user is None:
        throttle.failed(username)
        wait = throttle.locked_for(username)
        if wait > 0:
            return None, (f"用户名或密码错误；连续输错 {MAX_FAILURES} 次，"
                          f"该用户已锁定 {math.ceil(wait / 60)} 分钟。")
        return None, "用户名或密码错误。"
    throttle.succeeded(username)
    if user.disabled:
        return None, DISABLED_MESSAGE
    return user, None


def session_expired(last_seen: float | None, now: float, idle_timeout: float = IDLE_TIMEOUT) -> bool:
    """Whether a signed-in session last active at ``last_seen`` has been idle too long."""
    return last_seen is not None and now - last_seen > idle_timeout
