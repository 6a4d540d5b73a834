"""Who is using the app: the sign-in form (users table, lockouts in the store), single sign-on
through ``st.login`` when an OIDC provider is configured, and the sidebar's who-am-I and sign-out.

Sign-in is required when there is a users file, a user in the store, or an ``[auth]`` section in
.streamlit/secrets.toml; otherwise the app runs in local single-user mode. A signed-in user is
read again from the store on every run: a user an admin disables is signed out at their next
click, and a new role or scope applies at once.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import streamlit as st

from lib.access.auth import IDLE_TIMEOUT, AuthConfigError, User, load_users, session_expired, users_path
from lib.access.roles import LOCAL_ANALYST, ROLE_LABELS, Actor
from lib.store import accounts
from lib.ui.safe import md, md_text

KEY_USER = "auth_user"  # the signed-in auth.User
KEY_LAST_SEEN = "auth_last_seen"  # time.time() of the signed-in session's last page run
KEY_EXPIRED = "auth_expired"  # the session was just ended for idleness (said on the login form)
KEY_NOTICE = "auth_notice"  # why the session was ended (disabled by an admin), said on the form
KEY_SSO_REFUSED = "auth_sso_refused"  # an OIDC identity this app refused, so it is not retried


def sso_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section with an OIDC client (st.login)."""
    if not st.secrets.load_if_toml_exists():
        return False
    section = st.secrets.get("auth") or {}
    if section.get("client_id"):
        return True
    return any(isinstance(v, Mapping) and v.get("client_id") for v in section.values())


def _seed(store) -> bool:
    """Seed the users file into the store (new names only); whether a users file exists."""
    try:
        users = load_users()
    except AuthConfigError as exc:
        st.error(md("登录配置有误，已停止：{}", exc))
        st.stop()
    if users is None:
        return False
    path = users_path()
    accounts.seed_once(store, users, (str(path), path.stat().st_mtime_ns))
    return True


def _identity() -> dict:
    """st.user's claims as a plain dict ({} when no one signed in through the provider)."""
    info = dict(st.user)
    return info if info.get("is_logged_in") is True else {}


def local_mode(store) -> bool:
    """Whether no login is configured (no users file, no SSO, no users in the store): the app
    then serves one local analyst (``gate`` returns LOCAL_ANALYST) and says so under its title."""
    try:
        no_file = load_users() is None
    except AuthConfigError:  # a broken users file: gate() says what is wrong
        return False
    return no_file and not sso_configured() and not accounts.has_users(store)


def gate(store, pages: list | None = None, local: bool | None = None) -> Actor:
    """The acting user; draws the sign-in form and stops the run until someone signs in.

    ``pages`` are registered with st.navigation, unlisted, while the form shows: without it the
    run that draws the form knows no page, and Streamlit forgets the address that was opened
    (a bookmarked page, or /admin) by the time the user has signed in."""
    # ``local``: local_mode(store) as the caller found it on this run (app.py, for its header)
    if local_mode(store) if local is None else local:
        return LOCAL_ANALYST  # app.py says so under the title (LOCAL_MODE_NOTE)
    _seed(store)  # the users file into the store (new names only)
    sso = sso_configured()
    user: User | None = st.session_state.get(KEY_USER)
    now = time.time()
    if user is not None and session_expired(st.session_state.get(KEY_LAST_SEEN), now):
        _end_session()
        user = None
        st.session_state[KEY_EXPIRED] = True
    if user is not None:
        fresh = accounts.get_user(store, user.username)
        if fresh is None or fresh.disabled:
            _end_session()
            user = None
            st.session_state[KEY_NOTICE] = "该用户已被管理员停用或删除，已退出。"
        else:
            user = st.session_state[KEY_USER] = fresh
    identity = _identity() if sso else {}
    if user is None and identity and st.session_state.get(KEY_SSO_REFUSED) != identity.get("sub"):
        found, problem = accounts.identity_sign_in(store, identity)
        if found is not None:
            user = _start_session(found, now)
        else:
            st.session_state[KEY_SSO_REFUSED] = identity.get("sub")
            st.session_state[KEY_NOTICE] = problem
    if user is None:
        if pages:
            st.navigation(pages, position="hidden")
        _sign_in_form(store, sso, bool(identity), now)
        st.stop()
    st.session_state[KEY_LAST_SEEN] = now
    st.sidebar.markdown(md("**{}**（{}）", user.name, ROLE_LABELS[user.role]))
    if st.sidebar.button("退出登录", key="logout"):
        accounts.log(store, user.username, "sign_out", {})
        _end_session()
        if identity:
            st.logout()
        st.rerun()
    return user.actor()


def _start_session(user: User, now: float) -> User:
    st.session_state[KEY_USER] = user
    st.session_state[KEY_LAST_SEEN] = now
    return user


def _end_session() -> None:
    st.session_state.pop(KEY_USER, None)


def _sign_in_form(store, sso: bool, provider_signed_in: bool, now: float) -> None:
    st.title("登录 · 绩效看板")
    if st.session_state.pop(KEY_EXPIRED, False):
        st.info(f"超过 {IDLE_TIMEOUT // 60} 分钟未操作，已自动退出，请重新登录。")
    notice = st.session_state.pop(KEY_NOTICE, None)
    if notice:
        st.error(md_text(notice))
    if sso:
        if provider_signed_in:  # refused: let them leave the provider's session to try another
            if st.button("退出单点登录身份", key="sso_logout"):
                st.session_state.pop(KEY_SSO_REFUSED, None)
                st.logout()
        elif st.button("单点登录（统一身份认证）", key="sso_login", type="primary"):
            st.login()
        st.caption("或使用用户名和密码：")
    with st.form("login"):
        username = st.text_input("用户名", key="login_username")
        password = st.text_input("密码", type="password", key="login_password")
        if st.form_submit_button("登录", type="primary"):
            found, problem = accounts.sign_in(store, username, password)
            if found is None:
                st.error(md_text(problem))
            else:
                _start_session(found, now)
                st.rerun()


def current_actor() -> Actor:
    """The user acting on this run (app.py's gate decided it)."""
    user = st.session_state.get(KEY_USER)
    if user is not None:
        return user.actor()
    return LOCAL_ANALYST if load_users() is None and not sso_configured() else Actor("", "")
