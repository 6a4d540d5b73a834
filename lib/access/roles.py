"""Who may do what: viewer (browse, export), analyst (upload, roll back) and admin (also manage
users and read the activity log).

The check lives in the code path that writes (lib/store/writes.py calls :func:`require`), not only in
the UI, so a viewer cannot change the figures by any route.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lib.access.scope import EVERYTHING, Scope

VIEWER = "viewer"
ANALYST = "analyst"
ADMIN = "admin"
ROLES = (VIEWER, ANALYST, ADMIN)
ROLE_LABELS = {VIEWER: "浏览者", ANALYST: "分析员", ADMIN: "管理员"}

# action -> roles allowed
PERMISSIONS = {
    "browse": {VIEWER, ANALYST, ADMIN},
    "export": {VIEWER, ANALYST, ADMIN},
    "upload": {ANALYST, ADMIN},
    "rollback": {ANALYST, ADMIN},
    "manage_users": {ADMIN},
    "read_activity": {ADMIN},
}


class PermissionDenied(PermissionError):
    """The actor's role does not allow the action."""


@dataclass(frozen=True)
class Actor:
    """The person (or process) acting: a display name, a role, a scope and, for a signed-in
    user, the user name the activity log records."""

    name: str
    role: str = VIEWER
    scope: Scope = field(default=EVERYTHING)
    username: str = ""

    def can(self, action: str) -> bool:
        return self.role in PERMISSIONS.get(action, set())


# The app without a login config, the command line and the first build of the database act
# with the rights of the local user who can already write the database file.
LOCAL_ANALYST = Actor("本地用户", ANALYST)
SYSTEM = Actor("system", ANALYST)


def require(actor: Actor, action: str) -> None:
    """Raise PermissionDenied unless the actor may do the action."""
    if not actor.can(action):
        label = ROLE_LABELS.get(actor.role, actor.role)
        raise PermissionDenied(f"{actor.name}（{label}）无权执行此操作：{action} "
                               f"(role '{actor.role}' may not {action})")
