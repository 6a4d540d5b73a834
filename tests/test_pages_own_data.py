"""Pages on a database of the analyst's own small dataset (conftest.minimal_dataset), for
selections the shipped reports do not have, such as money allocated to a single project."""

from __future__ import annotations

import pytest
from conftest import figure_text, make_workbook, metrics, minimal_dataset, run_page

from lib.store import Store


@pytest.fixture(scope="module", autouse=True)
def own_db(tmp_path_factory):
    import streamlit as st

    folder = tmp_path_factory.mktemp("own")
    path = folder / "own.duckdb"
    store = Store(path)
    store.import_files([("dataset.xlsx", make_workbook(folder, minimal_dataset()))], user="test")
    store.close()
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_DB", str(path))
    mp.setenv("JIXIAO_USERS", str(folder / "no-users.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()
    mp.undo()


def region_totals(at) -> dict[str, float]:
    pivot = next(d.value for d in at.dataframe if "total" in d.value.columns)
    return dict(zip(pivot["region"], pivot["total"], strict=True))


def test_funding_of_the_program_sums_every_allocation():
    at = run_page("funding", "分地区分来源汇总", program="P1")
    assert metrics(at)["分配合计（万元）"] == "2,000.50"
    assert region_totals(at) == {"沈阳市": 1500.5, "大连市": 500}


def test_funding_of_one_project_counts_only_its_allocations():
    # The stored per-region sums have no project; the page must not fall back to the program's.
    at = run_page("funding", "分地区分来源汇总", program="P1", project="PJ2")
    assert metrics(at)["分配合计（万元）"] == "500.00"
    assert region_totals(at) == {"大连市": 500}
    stacked = figure_text(run_page("funding", program="P1", project="PJ2").get("plotly_chart")[0])
    assert "大连市" in stacked and "沈阳市" not in stacked
