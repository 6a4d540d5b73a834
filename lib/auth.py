"""Login: users with hashed passwords and roles, read from a TOML config file.

Without a config file the app runs in single-user local mode (the local user is an analyst) and
says so on screen. Passwords are stored as PBKDF2-HMAC-SHA256 hashes (Python's hashlib; OWASP's
recommended 600,000 iterations) and compared in constant time. Make a hash with
``python -m lib.cli hash-password``.

Config (``$JIXIAO_USERS``, default ``config/users.toml``)::

    [users.zhangsan]
    name = "张三"
    role = "analyst"            # or "viewer"
    password_hash = "pbkdf2_sha256$600000$<salt>$<hash>"
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from lib.access import ROLES, Actor

ROOT = Path(__file__).resolve().parents[1]
ITERATIONS = 600_000
SCHEME = "pbkdf2_sha256"


class AuthConfigError(ValueError):
    """The users file is malformed; the message names the user and the problem."""


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    password_hash: str

    def actor(self) -> Actor:
        return Actor(self.name, self.role)


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
        users[username] = User(username, entry.get("name") or username, role, entry["password_hash"])
    if not users:
        raise AuthConfigError(f"{path}: 没有配置任何用户 ([users.<用户名>])")
    return users


def authenticate(users: dict[str, User], username: str, password: str) -> User | None:
    """The user when the password matches, else None (same work either way)."""
    user = users.get(username.strip())
    if user is None:
        verify_password(password, hash_password("x", iterations=ITERATIONS, salt=b"0" * 16))
        return None
    return user if verify_password(password, user.password_hash) else None
