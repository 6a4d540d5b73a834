"""What one Streamlit element of each kind costs the browser: a bare page with five elements of one
kind, reloaded in Debian Chromium, against the same page with none (warm = median of reloads, the
same "drawn" as bench/run.py --only browser). The figures that decided how the pages are built
(lib/ui/sections.py): a plotly chart or a table costs the browser several times a caption, and a
closed expander's content is drawn all the same.

    python bench/elements.py [--reloads 4] [--kinds caption,metric,...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import part_browser  # noqa: E402

N = 5
KINDS = ("caption", "subheader", "metric", "download", "selectbox", "selectbox_small", "pills", "radio",
         "segmented", "popover_selectbox", "sidebar_markdown", "text_input", "expander",
         "expander_table", "dataframe", "plotly", "expander_plotly")

PAGE = '''
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

kind, n = st.query_params.get("kind", "none"), int(st.query_params.get("n", "5"))
st.title("elements")
frame = pd.DataFrame({f"c{j}": [f"值{i}-{j}" if j % 2 else i * 1.5 for i in range(100)] for j in range(10)})


def chart():
    return go.Figure([go.Bar(x=[f"项目{k}" for k in range(12)], y=list(range(12)))])


for i in range(n):
    if kind == "caption":
        st.caption(f"说明 {i}")
    elif kind == "subheader":
        st.subheader(f"标题 {i}")
    elif kind == "metric":
        st.metric(f"指标{i}", "1,234.56", help="h", border=True)
    elif kind == "download":
        st.download_button(f"下载 {i}", lambda: b"x", file_name="a.csv", key=f"d{i}", on_click="ignore")
    elif kind == "selectbox":
        st.sidebar.selectbox(f"选{i}", [f"o{k}" for k in range(250)], key=f"s{i}")
    elif kind == "selectbox_small":
        st.sidebar.selectbox(f"选{i}", [f"o{k}" for k in range(6)], key=f"s{i}")
    elif kind == "pills":
        st.sidebar.pills(f"选{i}", [f"o{k}" for k in range(6)], key=f"s{i}")
    elif kind == "radio":
        st.sidebar.radio(f"选{i}", [f"o{k}" for k in range(6)], key=f"s{i}")
    elif kind == "segmented":
        st.sidebar.segmented_control(f"选{i}", [f"o{k}" for k in range(3)], key=f"s{i}")
    elif kind == "popover_selectbox":
        st.sidebar.popover(f"选{i}").selectbox(f"选{i}", [f"o{k}" for k in range(250)], key=f"s{i}")
    elif kind == "sidebar_markdown":
        st.sidebar.markdown(f"**年度** 2023 · 说明 {i}")
    elif kind == "text_input":
        st.sidebar.text_input(f"搜 {i}", key=f"t{i}")
    elif kind == "expander":
        st.expander(f"展开 {i}").markdown("内容")
    elif kind == "expander_table":
        st.expander(f"展开 {i}").dataframe(frame, hide_index=True)
    elif kind == "dataframe":
        st.dataframe(frame, hide_index=True)
    elif kind == "plotly":
        st.plotly_chart(chart(), key=f"p{i}")
    elif kind == "expander_plotly":
        st.expander(f"展开 {i}").plotly_chart(chart(), key=f"e{i}")
'''


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reloads", type=int, default=4)
    p.add_argument("--kinds", default=",".join(KINDS))
    a = p.parse_args(argv)
    if not Path(common.CHROMIUM).exists():
        print(f"{common.CHROMIUM} is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "elements_app.py"
        app.write_text(PAGE, encoding="utf-8")
        with common._streamlit_server(Path(tmp) / "unused.duckdb", "elements", app) as (port, _, started), \
                sync_playwright() as pw:
            if common._wait_ready(port, started) is None:
                print("the server did not start within 60 s", file=sys.stderr)
                return 1
            browser = common.launch_chromium(pw)
            url = f"http://127.0.0.1:{port}/?kind={{}}&n={N}"
            # the lazily loaded components, once
            part_browser._browser_times(browser, url.format("plotly"), 1)

            def warm(kind: str) -> float:
                times, error = part_browser._browser_times(browser, url.format(kind), a.reloads)
                if error:
                    raise RuntimeError(f"{kind}: {error}")
                return statistics.median(times[1:])

            print(f"{N} elements of one kind on a bare page, warm reload in Chromium (median of "
                  f"{a.reloads}); each against the same page without them, measured just before it")
            for kind in a.kinds.split(","):
                base, with_them = warm("none"), warm(kind)
                print(f"  {kind:16s} {with_them * 1000:5.0f} ms  (bare {base * 1000:4.0f} ms: "
                      f"{(with_them - base) * 1000 / N:+4.0f} ms each)", flush=True)
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
