"""The server's heap kept out of Python's full garbage collections.

Measured (bench/gc_pauses.py): once the app has run, the Streamlit process holds ~180,000
objects that live as long as it does (pandas, plotly, DuckDB, pyarrow, Streamlit's own modules,
the caches). Every page visit makes a new session whose objects survive long enough to trigger a
full (generation 2) collection, and that collection walked all of them: 110–220 ms on every
visit of every page, the script and the server's message loop stopped meanwhile. `gc.freeze()`
moves the objects alive at that moment out of the collector's reach (they are still freed by
reference counting), so a full collection walks only what came since: ~1 ms.

The heap is frozen at the end of a page's first run in this process, once per page, because that
run imports what the page needs and fills its module-level tables. What a frozen object keeps in
a reference cycle is never collected; gc.collect() first would find ~500 such objects a run but
cost one full collection (~150 ms) on the first visit of each page, so the heap is frozen as it
is: a bounded few hundred objects per page, once.

JIXIAO_GC_FREEZE=0 turns it off (the benchmark's comparison).
"""

from __future__ import annotations

import gc
import os

_frozen: set[str] = set()


def enabled() -> bool:
    return os.environ.get("JIXIAO_GC_FREEZE", "1") != "0"


def settle(page: str) -> bool:
    """After ``page``'s run: freeze the heap if this is the page's first run in the process.
    Returns whether it froze."""
    if page in _frozen or not enabled():
        return False
    _frozen.add(page)
    gc.freeze()
    return True
