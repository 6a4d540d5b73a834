"""Polish a leader notices: no "None", "nan" or "NaT" anywhere a person reads a page.

Every page runs with AppTest on the shipped dataset, under several selections; every table cell
and every text element is read as shown.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import run_page, seeded_app

from lib.ui import fmt

PAGES = ["overview", "funding", "execution", "indicators", "deviations", "reports", "audit", "data"]
SELECTIONS = [{}, {"program": "LN2023-WHP"}, {"program": "LZ2022-YJJ"}, {"region": "沈阳市"}]
WORDS = re.compile(r"\b(None|nan|NaN|NaT|<NA>)\b")


@pytest.fixture(scope="module", autouse=True)
def seeded_db(tmp_path_factory):
    yield from seeded_app(tmp_path_factory, "polish")


def _texts(at) -> list[str]:
    out = []
    for kind in ("markdown", "caption", "info", "warning", "subheader", "title", "expander", "metric"):
        for element in getattr(at, kind):
            for attr in ("value", "label"):
                value = getattr(element, attr, None)
                if isinstance(value, str):
                    out.append(value)
    return out


@pytest.mark.parametrize("query", SELECTIONS, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items()) or "all")
@pytest.mark.parametrize("page", PAGES)
def test_no_none_nan_or_nat_on_any_page(page, query):
    at = run_page(page, **query)
    for table in at.dataframe:
        frame = table.value
        if frame.isna().any().any():  # numbers stay numbers: the grid leaves their empty cells blank
            assert table.proto.HasField("placeholder") and table.proto.placeholder == fmt.TABLE_PLACEHOLDER, (
                page, [c for c in frame.columns if frame[c].isna().any()])
        for col in frame.columns:
            if frame[col].dtype == object:
                bad = [v for v in frame[col] if isinstance(v, str) and WORDS.fullmatch(v.strip())]
                assert not bad, (page, col, bad)
    for text in _texts(at):
        assert not WORDS.search(text), (page, text)


def test_display_frame_keeps_numbers_with_empty_cells_numeric():
    from decimal import Decimal

    frame = pd.DataFrame({
        "budget": [1500.0, np.nan, 16.0], "execution_rate": [0.9465, None, 1.0],
        "stated_score": [94.0, np.nan, 9.5], "weight": [Decimal("10.5"), None, Decimal("2")],
        "fund_year": pd.array([2023, None, 2024], dtype="Int64"), "region": ["沈阳市", None, "大连市"],
    })
    shown = fmt.display_frame(frame, {"execution_rate"})
    # numbers sort as numbers: 9.5 before 94 (as text "94" < "9.5")
    assert shown.sort_values("stated_score")["stated_score"].dropna().tolist() == [9.5, 94.0]
    assert pd.api.types.is_float_dtype(shown["weight"]) and shown["weight"].tolist()[0] == 10.5
    assert shown["execution_rate"].tolist()[0] == 94.65 and shown["execution_rate"].tolist()[2] == 100
    assert shown["execution_rate"].isna().tolist() == [False, True, False]  # empty stays empty
    assert shown["budget"].tolist()[0] == 1500 and shown["fund_year"].dtype == "Int64"
    assert frame["execution_rate"].tolist()[0] == 0.9465  # the frame given (and the downloads) unchanged


def test_text_helpers_never_write_nan():
    assert fmt.text_or(np.nan, "第1项") == "第1项" and fmt.text_or(pd.NA) == "—" and fmt.text_or("优") == "优"
    assert fmt.joined("辽宁省", np.nan, None, "中央补助") == "辽宁省 中央补助"
    assert fmt.text(pd.NaT) == "—" and fmt.money(pd.NA) == "—"


def test_long_names_are_cut_on_chart_axes_and_whole_in_the_hover():
    from lib.ui import charts

    names = ["兰州新区危险化学品产业转移安全设计诊断项目", "档案整理专项"]
    ranking = charts.execution_ranking(pd.DataFrame({
        "label": names, "execution_rate": [1.0, 0.9465], "band": ["green", "green"]}))
    axis = ranking.layout.yaxis
    assert list(axis.tickvals) == names and list(axis.ticktext) == ["兰州新区危险化学品产业…", "档案整理专项"]
    assert list(ranking.data[0].y) == names and "%{y}" in ranking.data[0].hovertemplate
    budget = charts.budget_vs_executed(pd.DataFrame({"project_name": names, "budget": [415.0, 16.0],
                                                     "executed": [415.0, 15.14]}))
    assert "兰州新区危险化学品产业…" in list(budget.layout.yaxis.ticktext)
    assert fmt.short("档案整理专项") == "档案整理专项" and fmt.short(np.nan) == "—"
