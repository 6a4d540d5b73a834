"""The saved column mappings of official forms (the ``layouts`` table), versioned: saving a
name again adds a version; the highest version of each name is the one applied.

Layouts sit outside the dataset versions, so they are written through the store's write
transaction and read from the system of record (``primary_query``): on the shared PostgreSQL
store a layout saved through one replica applies at once on every other."""

from __future__ import annotations

import datetime as dt

from lib.access.roles import Actor
from lib.intake.layouts import Layout
from lib.store import accounts

_LATEST = ("SELECT l.name, l.version, l.mapping FROM layouts l "
           "WHERE l.version = (SELECT MAX(v.version) FROM layouts v WHERE v.name = l.name)")


def save_layout(store, layout: Layout, user: Actor) -> Layout:
    """Store ``layout`` as the next version of its name (logged); returns it with that version."""
    with store._write() as cur:
        version = cur.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM layouts WHERE name = ?",
                              [layout.name]).fetchone()[0]
        cur.execute("INSERT INTO layouts (name, version, mapping, created_at, user_name) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [layout.name, version, layout.to_json(), dt.datetime.now(), user.name])
        accounts.record(cur, user, "layout_save", {"name": layout.name, "version": int(version),
                                                   "columns": len(layout.mapping)})
    return Layout(layout.name, dict(layout.mapping), int(version))


def latest_layouts(store) -> list[Layout]:
    """The current version of every saved layout, oldest name first (a later one wins a tie)."""
    rows = store.primary_query(_LATEST + " ORDER BY l.name")
    return [Layout.from_json(r.name, r.mapping, int(r.version)) for r in rows.itertuples()]


def layout_versions(store, name: str) -> list[int]:
    rows = store.primary_query("SELECT version FROM layouts WHERE name = ? ORDER BY version", [name])
    return [int(v) for v in rows["version"]]
