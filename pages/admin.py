"""用户与日志 (admins only): the users (add, disable / enable, reset a password, change role and
scope) and the activity log with its filters and downloads."""

import datetime as dt

import streamlit as st

from lib import ui
from lib.access.roles import ROLE_LABELS, ROLES, PermissionDenied
from lib.access.scope import Scope
from lib.labels import ACTIVITY_ACTIONS, ADMIN_LABELS, PAGES
from lib.store import accounts
from lib.ui import admin
from lib.ui.safe import md, md_text

ui.require_entrypoint()
st.title(PAGES["admin"])
actor = ui.current_actor()
if not actor.can("manage_users"):
    st.error(md(ADMIN_LABELS["refused"],
                f"{actor.name or '未登录'}，{ROLE_LABELS.get(actor.role, '无角色')}"))
    st.stop()

store = ui.get_store()
L = ADMIN_LABELS
choices = accounts.scope_choices(store)
program_names = admin.program_names(choices)


def scope_pickers(prefix: str, current: Scope) -> Scope:
    """Three multiselects (departments, programs, regions) from the data; values of the current
    scope that the data no longer has stay choosable, so saving does not drop them silently."""
    st.caption(L["scope_help"])
    picked = {}
    for dim, options in (("departments", choices["departments"]), ("programs", list(program_names)),
                         ("regions", choices["regions"])):
        have = list(getattr(current, dim))
        shown = (lambda p: program_names.get(p, p)) if dim == "programs" else str
        picked[dim] = st.multiselect(L[dim], list(dict.fromkeys([*options, *have])), default=have,
                                     key=f"{prefix}_{dim}", format_func=shown)
    return Scope.from_dict(picked)


def show_result(action, success: str) -> None:
    try:
        done = action()
    except (accounts.AccountError, PermissionDenied, KeyError) as exc:
        st.error(md_text(exc.args[0] if exc.args else str(exc)))
        return
    st.success(md_text(success if done is not False else L["unchanged"]))


tab_users, tab_log = st.tabs([L["users"], L["log"]])

with tab_users:
    st.subheader(L["add"])
    with st.form("add_user", clear_on_submit=True):
        left, right = st.columns(2)
        username = left.text_input(L["username"], key="new_username")
        name = right.text_input(L["name"], key="new_name")
        role = left.selectbox(L["role"], ROLES, format_func=ROLE_LABELS.get, key="new_role")
        password = right.text_input(L["password"], type="password", key="new_password",
                                    help=L["password_help"].format(accounts.MIN_PASSWORD))
        email = left.text_input(L["email"], key="new_email")
        subject = right.text_input(L["subject"], key="new_subject")
        scope = scope_pickers("new", Scope())
        if st.form_submit_button(L["add_submit"], type="primary", key="add_user_submit"):
            show_result(lambda: accounts.add_user(store, actor, username, name, role, scope, password or None,
                                                  email or None, subject or None),
                        L["added"].format(accounts.fold(username)))

    users = accounts.all_users(store)
    if users:
        st.subheader(L["edit"])
        by_name = {u.username: u for u in users}
        chosen = st.selectbox(L["username"], list(by_name), key="edit_user",
                              format_func=lambda u: f"{u}（{by_name[u].name}）")
        user = by_name[chosen]
        with st.form(f"edit_{chosen}"):
            left, right = st.columns(2)
            name = left.text_input(L["name"], value=user.name, key=f"edit_name_{chosen}")
            role = right.selectbox(L["role"], ROLES, index=ROLES.index(user.role),
                                   format_func=ROLE_LABELS.get, key=f"edit_role_{chosen}")
            email = left.text_input(L["email"], value=user.email or "", key=f"edit_email_{chosen}")
            subject = right.text_input(L["subject"], value=user.subject or "", key=f"edit_subject_{chosen}")
            password = left.text_input(L["new_password"], type="password", key=f"edit_password_{chosen}")
            disabled = right.checkbox(L["disabled"], value=user.disabled, key=f"edit_disabled_{chosen}")
            scope = scope_pickers(f"edit_{chosen}", user.scope)
            if st.form_submit_button(L["save_submit"], type="primary", key=f"edit_submit_{chosen}"):
                def save():
                    updated = accounts.update_user(store, actor, chosen, name=name, role=role, scope=scope,
                                                   disabled=disabled, password=password or None,
                                                   email=email, subject=subject)
                    return updated != user

                show_result(save, L["saved"].format(chosen))

    st.subheader(L["users"])
    ui.show_table(admin.users_frame(store), "用户", key="users_table")

with tab_log:
    today = dt.datetime.now(admin.local_zone()).date()
    names, actions = accounts.activity_choices(store)
    cols = st.columns(4)
    since = cols[0].date_input(L["since"], value=today - dt.timedelta(days=30), key="log_since")
    until = cols[1].date_input(L["until"], value=today, key="log_until")
    who = cols[2].selectbox(L["user_filter"], [None, *names], key="log_user",
                            format_func=lambda v: L["all"] if v is None else v)
    what = cols[3].selectbox(L["action_filter"], [None, *actions], key="log_action",
                             format_func=lambda v: L["all"] if v is None else ACTIVITY_ACTIONS.get(v, v))
    total = admin.activity_count(store, since, until, who, what)
    if total == 0:
        st.info(L["empty"])
    else:
        shown = admin.activity_frame(store, since, until, who, what, limit=ui.limits.DETAIL_ROWS)
        ui.show_table(shown, "操作日志", key="activity_table", total=total,
                      full=lambda: admin.activity_frame(store, since, until, who, what))
