"""File uploaders that state what they take, and the names an upload's preview shows."""

from __future__ import annotations

import streamlit as st

from lib.intake.workbook import MAX_FILE_BYTES
from lib.labels import UPLOAD_NOTE
from lib.ui.cached import read

# Each file's upload limit, the one the readers enforce, set on every uploader: the widget then
# states it, and a server started from another folder (without .streamlit/config.toml) does not
# fall back to Streamlit's 200 MB.
UPLOAD_LIMIT_MB = MAX_FILE_BYTES // (1024 * 1024)


def file_uploader(label: str, types, key: str, multiple: bool = False):
    """st.file_uploader with the Chinese note of what it takes (types, limit) beside its English
    drop zone, and the product's upload limit on the widget itself."""
    types = [t.lstrip(".") for t in types]
    note = UPLOAD_NOTE.format(many="（可多选）" if multiple else "", limit=UPLOAD_LIMIT_MB,
                              types="、".join(f".{t}" for t in types))
    files = st.file_uploader(label, type=types, accept_multiple_files=multiple, key=key, help=note,
                             max_upload_size=UPLOAD_LIMIT_MB)
    st.caption(note)
    return files


def project_names(parsed) -> dict[str, str]:
    """Project id -> name for an upload's preview: the incoming projects, and the stored ones of
    the programs it replaces (a project the upload removes is named too)."""
    names = {r["project_id"]: r["project_name"] for r in parsed.tables.get("projects", [])}
    programs = sorted({r["program_id"] for r in parsed.tables.get("programs", [])})
    if programs:
        stored = read("projects", where_in={"program_id": programs})
        for pid, name in zip(stored["project_id"], stored["project_name"], strict=True):
            names.setdefault(pid, name)
    return names
