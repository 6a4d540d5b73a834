"""What the 用户与日志 page shows: the users and the activity log as display tables (Chinese
headers and labels, times in local time), and the scope choices from the data.

Times are stored in UTC; they are shown in $JIXIAO_TIMEZONE (default Asia/Shanghai, the zone of
the people reading them), and the log's date filters are local dates turned into UTC bounds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from zoneinfo import ZoneInfo

import pandas as pd

from lib.access.roles import ROLE_LABELS
from lib.access.scope import Scope
from lib.labels import ACTIVITY_ACTIONS, ACTIVITY_COLUMNS, ADMIN_LABELS, SCOPE_LABELS, USER_COLUMNS
from lib.store import accounts
from lib.ui.safe import MISSING


def local_zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("JIXIAO_TIMEZONE") or "Asia/Shanghai")


def local_text(values: pd.Series) -> pd.Series:
    """UTC timestamps (naive) as local 'YYYY-MM-DD HH:MM:SS' text; an empty cell as ''."""
    stamps = pd.to_datetime(values)
    if stamps.empty:
        return stamps.astype(str)
    local = stamps.dt.tz_localize("UTC").dt.tz_convert(local_zone())
    return local.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")


def scope_text(scope: Scope) -> str:
    """'部门：A、B；地区：C', or 全部数据 for an unrestricted scope."""
    if scope.unrestricted:
        return SCOPE_LABELS["all"]
    parts = [f"{SCOPE_LABELS[key]}：{'、'.join(values)}" for key, values in scope.to_dict().items() if values]
    return "；".join(parts)


def users_frame(store) -> pd.DataFrame:
    """Every user, one row each, with Chinese headers (no password hashes)."""
    frame = accounts.users_table(store)
    out = pd.DataFrame({
        "username": frame["username"],
        "name": frame["name"],
        "role": frame["role"].map(lambda r: ROLE_LABELS.get(r, r)),
        "scope": frame["scope"].map(lambda s: scope_text(Scope.from_dict(json.loads(s)))),
        "email": frame["email"].map(lambda v: v if isinstance(v, str) else ""),
        "status": frame["disabled"].map(lambda off: ADMIN_LABELS["status_off" if off else "status_on"]),
        "updated_at": local_text(frame["updated_at"]),
        "updated_by": frame["updated_by"],
    })
    return out.rename(columns=USER_COLUMNS)


def utc_bounds(since: dt.date | None, until: dt.date | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Local dates (both included) as UTC [start, end) instants, naive as stored."""
    zone = local_zone()

    def utc(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.UTC).replace(tzinfo=None)

    return (utc(since) if since else None, utc(until + dt.timedelta(days=1)) if until else None)


def activity_frame(store, since: dt.date | None = None, until: dt.date | None = None, user: str | None = None,
                   action: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Log entries, newest first, for display and export: local time, user, action, details."""
    start, end = utc_bounds(since, until)
    frame = accounts.read_activity(store, start, end, user, action, limit)
    out = pd.DataFrame({
        "at": local_text(frame["at_utc"]),
        "user_name": frame["user_name"],
        "action": frame["action"].map(lambda a: ACTIVITY_ACTIONS.get(a, a)),
        "details": frame["details"].map(_details_text),
    })
    return out.rename(columns=ACTIVITY_COLUMNS)


def activity_count(store, since: dt.date | None = None, until: dt.date | None = None,
                   user: str | None = None, action: str | None = None) -> int:
    return accounts.count_activity(store, *utc_bounds(since, until), user, action)


def _details_text(details: str) -> str:
    """The JSON details as one line of 'key: value' pairs (an empty object as ''). Texts are
    shown as they are, lists joined with 、 and objects as （key: value，…）, never as JSON: JSON
    would show a file name's quotes as \\" and so not the name an admin is looking for."""
    try:
        data = json.loads(details)
    except (TypeError, ValueError):
        return str(details)
    if not isinstance(data, dict):
        return _value_text(data)
    # a key without a value (no e-mail given) is left out: a reader should not see null
    return "；".join(f"{k}: {_value_text(v)}" for k, v in data.items() if v is not None)


def _value_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ADMIN_LABELS["yes"] if value else ADMIN_LABELS["no"]
    if value is None:
        return MISSING
    if isinstance(value, list):
        return "、".join(_value_text(v) for v in value) or MISSING
    if isinstance(value, dict):
        return "（" + "，".join(f"{k}: {_value_text(v)}" for k, v in value.items()) + "）"
    return str(value)


def program_names(choices: dict) -> dict[str, str]:
    """program id -> 'id 名称', for the scope picker."""
    return {pid: f"{pid} {name}" for pid, name in choices["programs"]}
