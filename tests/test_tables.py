"""Tables on screen: one rate format (a percentage with one decimal), numbers kept numeric with
their empty cells blank, and long names that do not push the figures out of view."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import run_page, seeded_app

from lib.ui import fmt


@pytest.fixture(scope="module", autouse=True)
def seeded_db(tmp_path_factory):
    yield from seeded_app(tmp_path_factory, "tables")


def _table(at, column: str):
    return next(t for t in at.dataframe if column in t.value.columns)


def _config(table) -> dict:
    return json.loads(table.proto.columns)


def test_overview_rates_share_one_format_and_the_long_program_name_leaves_room():
    at = run_page("overview", "各资金/部门预算执行")
    totals = _table(at, "basis")
    config = _config(totals)
    # one precision per figure kind: two decimals, as the cards (18.18%), never 18.2% beside it
    assert config["execution_rate"]["type_config"]["format"] == fmt.RATE_FORMAT == "%.2f%%"
    assert config["year"].get("pinned") and config["program_name"].get("pinned")  # who the row is, kept in view
    # 中央安全生产预防和应急救援能力建设补助资金（危险化学品重大安全风险防控支出）: 38 characters
    assert config["program_name"]["width"] == "medium"
    rates = dict(zip(totals.value["program_name"].str[:4], totals.value["execution_rate"], strict=True))
    assert rates == {"中央安全": pytest.approx(3250 / 17880 * 100), "兰州新区": pytest.approx(7719.74 / 7750.69 * 100)}
    projects = _table(run_page("overview", "项目一览"), "stated_execution_rate")
    config = _config(projects)
    for col in ("execution_rate", "stated_execution_rate"):  # before: 100% beside 94.65% and 18.4%
        assert config[col]["type_config"]["format"] == "%.2f%%"
    archive = projects.value.set_index("project_name").loc["档案整理专项"]
    assert archive["stated_execution_rate"] == 94.65 and archive["execution_rate"] == pytest.approx(94.6470625)


def test_numbers_with_empty_cells_stay_numbers_and_show_blank():
    at = run_page("overview", "项目一览", program="LZ2022-YJJ")
    projects = _table(at, "computed_score")
    scores = projects.value["computed_score"]
    assert pd.api.types.is_float_dtype(scores) and scores.isna().sum() == 7  # 7 of 9 have no indicator scores
    assert projects.proto.placeholder == ""
    assert sorted(scores.dropna().round(2).tolist()) == [87.04, 93.46]  # sorted as numbers


def test_a_moment_shows_its_time_and_a_day_its_date():
    versions = _table(run_page("data", "版本历史"), "changes")
    config = _config(versions)
    assert config["created_at"]["type_config"] == {"type": "datetime", "format": "YYYY-MM-DD HH:mm"}
    assert config["version_id"]["type_config"]["format"] == "v%d"
    totals = _table(run_page("overview", "各资金/部门预算执行"), "basis")
    assert _config(totals)["as_of"]["type_config"]["format"] == "YYYY-MM-DD"  # 2023-12-31, a day


def test_low_execution_rates_are_coloured_as_their_band():
    import pandas as pd

    from lib.ui import tables

    # 气象灾害预警 18.37% (red), a 75% (amber), 档案整理 94.65% (none), one without a rate
    screen = pd.DataFrame({"project_name": ["气象", "乙", "档案", "丙"],
                           "execution_rate": [18.37, 75.0, 94.65, None]})
    styled = tables._low_rates_coloured(screen, {"execution_rate"})
    styled._compute()
    colours = {row: dict(css).get("color") for (row, _), css in styled.ctx.items()}
    assert colours == {0: "#d62728", 1: "#b26b00"}
    assert tables._low_rates_coloured(screen, set()) is screen  # a rate not shown as a percentage: as it is
