"""Saved column mappings ("layouts"): for a form whose headers the reader does not know, the
analyst says once what each unknown column is (a field of the indicator or funds table, or
ignore on purpose); the choice is saved under a name (lib/store keeps it, versioned) and applied
to the next file with the same headers. Pure: the store only keeps the JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lib.intake.form_layout import label_key

IGNORE = "ignore"
# What an unknown column can be mapped to, by block; the names are the form's own headers.
INDICATOR_FIELDS = {
    "target": "年度指标值", "actual": "实际完成值", "weight": "分值", "score": "得分",
    "deviation": "偏差原因分析及改进措施", "target_op": "指标性质", "unit": "度量单位",
    "level3": "三级指标", "level2": "二级指标",
}
FUND_FIELDS = {"budget_initial": "年初预算数", "budget": "全年预算数", "executed": "全年执行数",
               "weight": "分值", "rate": "执行率", "score": "得分"}
FIELDS_BY_BLOCK = {"indicators": INDICATOR_FIELDS, "funds": FUND_FIELDS}


@dataclass(frozen=True)
class Layout:
    """A named mapping of header (as folded by label_key) → field name, or IGNORE."""

    name: str
    mapping: dict[str, str] = field(default_factory=dict)
    version: int = 0

    def covers(self, headers: set[str]) -> bool:
        """Whether this layout decides every one of a sheet's unknown headers."""
        return bool(headers) and headers <= set(self.mapping)

    def to_json(self) -> str:
        return json.dumps(self.mapping, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, name: str, text: str, version: int = 0) -> Layout:
        return cls(name, dict(json.loads(text)), version)


def make_layout(name: str, choices: dict[str, str]) -> Layout:
    """A layout from the mapping step: header as printed → field name or IGNORE.

    Raises:
        ValueError: an empty name, or a choice that is no field of any block.
    """
    if not name.strip():
        raise ValueError("版式名称不能为空 (the layout needs a name)")
    known = {IGNORE} | set(INDICATOR_FIELDS) | set(FUND_FIELDS)
    bad = [f for f in choices.values() if f not in known]
    if bad:
        raise ValueError(f"未知字段 (unknown field): {bad}")
    return Layout(name.strip(), {label_key(h): f for h, f in choices.items()})
