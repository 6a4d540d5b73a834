"""Scoring rules from 财预〔2020〕10号 (see DOMAIN.md): pure functions, no I/O."""

from __future__ import annotations

from dataclasses import dataclass

RATING_BANDS = ((90.0, "优"), (80.0, "良"), (60.0, "中"), (0.0, "差"))


@dataclass(frozen=True)
class ExecutionBands:
    """Execution is judged against the share of the year elapsed at the as-of date.

    red: execution_rate < red × elapsed share; yellow: < yellow × elapsed share; else green.
    At year end (elapsed share 1) the defaults are red < 60%, yellow < 80%.
    """

    red: float = 0.60
    yellow: float = 0.80


DEFAULT_BANDS = ExecutionBands()


def execution_band(execution_rate: float | None, elapsed_share: float = 1.0,
                   bands: ExecutionBands = DEFAULT_BANDS) -> str | None:
    """'red' / 'yellow' / 'green', or None when the rate is unknown."""
    if execution_rate is None or execution_rate != execution_rate:  # NaN
        return None
    share = elapsed_share if elapsed_share and elapsed_share > 0 else 1.0
    if execution_rate < bands.red * share:
        return "red"
    if execution_rate < bands.yellow * share:
        return "yellow"
    return "green"


def execution_score(execution_rate: float, weight: float = 10.0) -> float:
    """Budget-execution points: weight × min(执行率, 100%)."""
    return weight * min(max(execution_rate, 0.0), 1.0)


def rating_band(total_score: float | None) -> str | None:
    """优 ≥ 90; 良 80 to < 90; 中 60 to < 80; 差 < 60."""
    if total_score is None or total_score != total_score:
        return None
    for floor, rating in RATING_BANDS:
        if total_score >= floor:
            return rating
    return "差"
