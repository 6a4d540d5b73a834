"""The section tree of a report: 一、 → （一） → 1. / 1、 → （1） → ①.

Every paragraph gets the path of headings above it and a reference in the dataset's
``source_ref`` notation (``§二(三)7(3)①``). A marker out of sequence (a second "①", a "3." where
the next is "7.") is a numbering slip of the report, not a new section: the paragraph stays in
the current section, and the extractors read its own label ("①效益指标。…") instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_CN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
_MARKERS = (
    (1, re.compile(r"^(?P<n>[一二三四五六七八九十]{1,3})、\s*")),
    (2, re.compile(r"^[（(](?P<n>[一二三四五六七八九十]{1,3})[)）]\s*")),
    (3, re.compile(r"^(?P<n>\d{1,2})\s*[.、．](?!\d)\s*")),
    (4, re.compile(r"^[（(](?P<n>\d{1,2})[)）]\s*")),
    (5, re.compile(r"^(?P<n>[①②③④⑤⑥⑦⑧⑨⑩])\s*")),
)
_APPENDIX = re.compile(r"^(附表|附件)\s*[:：\d]")


def cn_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20."""
    if text in _CIRCLED:
        return _CIRCLED.index(text) + 1
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN.index(text) + 1
    tens, _, ones = text.partition("十")
    return (cn_number(tens) if tens else 1) * 10 + (cn_number(ones) if ones else 0)


@dataclass
class Para:
    """One paragraph with its place in the report."""

    index: int
    text: str  # the paragraph as normalized, marker included
    body: str  # the text after its own marker (= text when it has none)
    level: int  # its heading level (1–5), 0 when it is not a heading
    path: tuple[tuple[int, str], ...]  # (level, marker number as written) from the top
    heads: dict[int, str] = field(default_factory=dict)  # level → heading title above/at this paragraph
    appendix: bool = False

    @property
    def ref(self) -> str:
        parts = []
        for level, n in self.path:
            parts.append(f"({n})" if level in (2, 4) else n)
        return "§" + "".join(parts) if parts else "§开头"

    def head(self, level: int) -> str:
        return self.heads.get(level, "")

    def under(self, *words: str) -> bool:
        """Whether any heading above (or at) this paragraph contains one of the words."""
        return any(w in h for h in self.heads.values() for w in words)


def heading_title(body: str) -> str:
    """The title of a heading paragraph: its text up to the first 。 or ：."""
    m = re.match(r"^([^。：:]{1,40})[。：:]", body)
    return (m[1] if m else body[:40]).strip(" .。")


def build(paragraphs: list[str]) -> list[Para]:
    """Assign every paragraph its section path."""
    out: list[Para] = []
    path: list[tuple[int, str]] = []
    heads: dict[int, str] = {}
    last: dict[int, int] = {}  # level → last ordinal under the current parent
    appendix = False
    for i, text in enumerate(paragraphs):
        if path and _APPENDIX.match(text):
            appendix = True
        level, body = 0, text
        if not appendix:
            for lvl, pattern in _MARKERS:
                m = pattern.match(text)
                if not m:
                    continue
                ordinal = cn_number(m["n"])
                expected = last.get(lvl, 0) + 1
                if ordinal == expected or (ordinal == 1 and lvl not in last):
                    level, body = lvl, text[m.end() :]
                    path = [p for p in path if p[0] < lvl] + [(lvl, m["n"])]
                    heads = {k: v for k, v in heads.items() if k < lvl}
                    heads[lvl] = heading_title(body)
                    last = {k: v for k, v in last.items() if k <= lvl}
                    last[lvl] = ordinal
                break
        out.append(Para(i, text, body, level, tuple(path), dict(heads), appendix))
    return out
