"""Streamlit glue shared by every page, behind one name: pages write ``ui.read(...)``,
``ui.show_table(...)``. The code lives in modules by job:

- ``keys``: session-state keys of the sidebar filters and their URL parameters;
- ``limits``: how many rows a page reads, sends to the browser and offers to download;
- ``entry``: app.py drives every run (``require_entrypoint``), the login gate;
- ``cached``: the cached store and its cached reads, always inside the user's scope;
- ``captions``: the scope and data-version lines under a page's title;
- ``cards``: rows of metric cards;
- ``tables``: tables with their csv/xlsx downloads, logged exports;
- ``uploads``: file uploaders that state what they take;
- ``brief_button``: the sidebar's 导出简报PDF button;
- ``years``: the one 年度口径 choice every headline follows;
- ``sidebar``: the shared filters, kept in the URL.

Display formatting (``fmt``) lives in lib/outputs, where the exports use it too.

The limits are read as ``limits.NAME`` where they are used: set ``lib.ui.limits.DETAIL_ROWS``
(not ``lib.ui.DETAIL_ROWS``, a copy) to change them for every table.
"""

from __future__ import annotations

from lib.outputs import fmt  # noqa: F401  (pages: from lib.ui import fmt)
from lib.ui import limits, login  # noqa: F401
from lib.ui.brief_button import brief_download  # noqa: F401
from lib.ui.cached import (  # noqa: F401
    audit_findings,
    count,
    count_distinct,
    current_filters,
    dataset_version,
    execution_band_counts,
    get_store,
    program_totals,
    read,
    read_all,
    require_store,
    scoped,
    scoped_store,
    stated_execution,
    summarize,
    user_scope,
    version_changes,
    with_project_scores,
    yearly_execution,
)
from lib.ui.captions import scope_text, version_caption  # noqa: F401
from lib.ui.cards import metric_row  # noqa: F401
from lib.ui.entry import APP_PATH, login_gate, require_entrypoint  # noqa: F401
from lib.ui.keys import (  # noqa: F401
    KEY_FILTERS,
    KEY_PROGRAM,
    KEY_PROGRAM_SEARCH,
    KEY_PROJECT,
    KEY_PROJECT_SEARCH,
    KEY_REGION,
    KEY_REGION_SEARCH,
    KEY_YEAR,
    URL_PARAMS,
)
from lib.ui.limits import (  # noqa: F401  (read only: see above)
    CSV_DOWNLOAD_MAX_ROWS,
    DETAIL_ROWS,
    SCREEN_ROWS,
    XLSX_DOWNLOAD_MAX_ROWS,
)
from lib.ui.login import KEY_EXPIRED, KEY_LAST_SEEN, KEY_USER, current_actor  # noqa: F401  (pages, tests)
from lib.ui.sidebar import sidebar_filters  # noqa: F401  (app.py, bench/run.py)
from lib.ui.tables import LONG_NAME, NAME_COLUMNS, logged_export, show_rows, show_table  # noqa: F401
from lib.ui.uploads import UPLOAD_LIMIT_MB, file_uploader, project_names  # noqa: F401
from lib.ui.url_picks import keep_url_picks, url_picks  # noqa: F401
from lib.ui.years import headline_scopes, kept_year_basis, year_basis  # noqa: F401
