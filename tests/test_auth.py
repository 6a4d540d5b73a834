"""Passwords, the lockout rule and idle sessions (lib/access/auth.py), with a fake clock; the
throttle the app signs in with (lib/store/accounts.StoreThrottle) on a real DuckDB file."""

from __future__ import annotations

import pytest

from lib.access import auth
from lib.store import accounts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


USERS = {"leader": auth.User("leader", "局领导", "viewer", auth.hash_password("view-pass", iterations=1000))}


def test_hash_and_verify():
    stored = auth.hash_password("密码-1", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$")
    assert auth.verify_password("密码-1", stored) and not auth.verify_password("密码-2", stored)
    assert not auth.verify_password("x", "not-a-hash")


def test_the_lockout_rule_counts_failures_inside_the_window():
    now = 10_000.0
    window = auth.FAILURE_WINDOW
    assert auth.lockout_until([now - 4, now - 3, now - 2, now - 1], now) is None  # four are allowed
    assert auth.lockout_until([now - 4, now - 3, now - 2, now - 1, now], now) == now + auth.LOCKOUT
    # the oldest of five fell out of the window: four recent ones do not lock
    assert auth.lockout_until([now - window, now - 3, now - 2, now - 1, now], now) is None
    assert auth.lockout_until([now - window + 1, now - 3, now - 2, now - 1, now], now) == now + auth.LOCKOUT
    assert auth.lockout_until([now - 1, now], now, max_failures=2, lockout=60) == now + 60


@pytest.fixture
def throttle(tmp_db):
    """The app's throttle (counted in the store) on a real DuckDB file, with a fake clock."""
    clock = Clock()
    t = accounts.StoreThrottle(tmp_db, clock)
    t.clock = clock
    return t


def test_five_failures_in_the_window_lock_the_name_for_the_lockout(throttle):
    for _ in range(4):
        throttle.failed("Leader ")
    assert throttle.locked_for("leader") == 0  # four are allowed
    throttle.failed("leader")
    assert throttle.locked_for("LEADER") == auth.LOCKOUT  # names compare without case and spaces
    assert auth.sign_in(USERS, throttle, "leader", "view-pass")[0] is None  # right password, refused
    throttle.clock.now += auth.LOCKOUT + 1
    user, problem = auth.sign_in(USERS, throttle, "leader", "view-pass")
    assert user is not None and problem is None


def test_a_success_clears_the_count(throttle):
    for _ in range(4):
        assert auth.sign_in(USERS, throttle, "leader", "wrong") == (None, "用户名或密码错误。")
    assert auth.sign_in(USERS, throttle, "leader", "view-pass")[0] is not None
    for _ in range(4):
        auth.sign_in(USERS, throttle, "leader", "wrong")
    assert throttle.locked_for("leader") == 0


def test_the_fifth_failure_says_the_name_is_locked(throttle):
    for _ in range(4):
        auth.sign_in(USERS, throttle, "leader", "wrong")
    user, problem = auth.sign_in(USERS, throttle, "leader", "wrong")
    assert user is None and "连续输错 5 次" in problem and "锁定 15 分钟" in problem


def test_session_expiry():
    assert not auth.session_expired(None, 10_000)
    assert not auth.session_expired(1000, 1000 + auth.IDLE_TIMEOUT)
    assert auth.session_expired(1000, 1001 + auth.IDLE_TIMEOUT)
