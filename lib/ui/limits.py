"""How much a page reads, sends to the browser and offers to download.

Read as ``limits.NAME`` at call time (not imported by value), so that one setting reaches every
table and a test can lower it.
"""

from __future__ import annotations

# Detail tables and lists read at most this many rows; the count and the downloads cover all.
DETAIL_ROWS = 1000
# A table on screen holds at most this many of them: the browser decodes and lays out every row
# sent (1,000 rows of a dozen text columns cost more than the chart beside them, bench/run.py
# --only browser), while a reader scrolls a few dozen; the downloads still have every row.
SCREEN_ROWS = 100
# Downloads are built on the click, while the user waits: past these sizes (about half a minute
# on 2 cores: an xlsx of 21 columns writes ~6,000 rows/s, a csv ~70,000) the page offers the
# command line instead.
XLSX_DOWNLOAD_MAX_ROWS = 200_000
CSV_DOWNLOAD_MAX_ROWS = 2_000_000
