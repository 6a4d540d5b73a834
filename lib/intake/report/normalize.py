"""Text normalization before matching: width, traditional characters, numbers split by conversion.

Reports arrive as Word, PDF or mirrored web pages. Before the grammar matches labels and
amounts, the text is brought to one form:

- full-width digits, Latin letters, ``％`` ``．`` ``，`` between digits and spaces → ASCII;
- traditional characters of the labels the reader matches → simplified (a small table: only the
  characters of budget vocabulary, not a general converter); pinyin in brackets after characters
  (mirrored pages) is dropped;
- spaces and line breaks inside numbers, amounts and document numbers (PDF conversion:
  ``614 万元``, ``〔 2022 〕225 号``) are removed;
- paragraphs broken by a page end (a line that stops mid-sentence, continued after a blank
  line) are joined again.

The normalized text is what the sentences shown to a reviewer are cut from.
"""

from __future__ import annotations

import re
import unicodedata

# Traditional → simplified for characters of the vocabulary the reader matches.
_T2S = str.maketrans(
    "預執財撥資績標實際達項單專補貼區縣鎮級數質時產經濟會態續響滿務對評結優離進總體値額萬億劃應災險設備監測報況與為於這個點號發開關門廳處將內轉並從後過還無據問題當決規範準確營運護維環顯動參訓練蓋檢驗證調費購裝傳綜風統籌現狀層隊園業築電網絡導則兩條類種聯繫係齊雙縮減舊彙匯齡計採儲錄幣稅權製",
    "预执财拨资绩标实际达项单专补贴区县镇级数质时产经济会态续响满务对评结优离进总体值额万亿划应灾险设备监测报况与为于这个点号发开关门厅处将内转并从后过还无据问题当决规范准确营运护维环显动参训练盖检验证调费购装传综风统筹现状层队园业筑电网络导则两条类种联系系齐双缩减旧汇汇龄计采储录币税权制",
)
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü\s]{1,12}[)）]")
_BRACKET_OPEN = "〔﹝［[【"
_BRACKET_CLOSE = "〕﹞］]】"
# spaces inside a number ("1 500", "15. 14") or between a number and its unit ("614 万元")
_SPACE_IN_NUMBER = re.compile(r"(?<=\d)[ \t\u3000]+(?=[\d.,])|(?<=[\d.])[ \t\u3000]+(?=\d)")
_SPACE_BEFORE_UNIT = re.compile(r"(?<=\d)[ \t\u3000]+(?=(?:亿元|万元|元|万|%|个|项|号|年|月|日))")
# document numbers: "〔 2022 〕225 号" → "〔2022〕225号"
_DOC_SPACES = re.compile(r"([〔﹝\[［【])\s*(\d{4})\s*([〕﹞\]］】])\s*(\d+)\s*号")
_SENTENCE_END = "。！？；：:…”’）)!?;"
HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}\s*[.、．](?!\d)|[（(]\d{1,2}[)）]"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]|目标\d|附表|附件)"
)


# CJK radicals that PDF fonts map text to ("⽣产", "⻛险"): Kangxi radicals fold by NFKC, the
# supplement block by this table.
_RADICALS_SUPPLEMENT = str.maketrans(
    "⻛⻓⻅⻔⻢⻋⻜⻝⻚⻆⻉⻬⻰⻥⻦⻧⻨⻩⻪⻫⻮⻯⻳⺠⺟⻁⻄⻈⻊⻌⻍⻎⻏⻑⻒⻓⻕⻖⻗⻘⻙⻟⻠⻡⻢⻣⻤",
    "风长见门马车飞食页角贝齐龙鱼鸟卤麦黄黾斉齿龟民母虎西讠辶辶辶辶阝阝阝长长金青韦韦韦饣饣饣马骨鬼",
)


def fold_radicals(text: str) -> str:
    """Kangxi and supplementary radicals (from PDF text extraction) → the ideographs they stand for."""
    out = []
    for ch in text:
        if "\u2f00" <= ch <= "\u2fdf":
            out.append(unicodedata.normalize("NFKC", ch))
        else:
            out.append(ch)
    return "".join(out).translate(_RADICALS_SUPPLEMENT)


def fold_width(text: str) -> str:
    """Full-width digits, letters, ％ and the ideographic space → ASCII; Chinese punctuation kept."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
            out.append(chr(code - 0xFEE0))
        elif ch == "％":
            out.append("%")
        elif ch == "\u3000":
            out.append(" ")
        elif ch in "＜＞＝≧≦":
            out.append({"＜": "<", "＞": ">", "＝": "=", "≧": "≥", "≦": "≤"}[ch])
        else:
            out.append(ch)
    return "".join(out)


def to_simplified(text: str) -> str:
    """Traditional characters of the matched vocabulary → simplified; pinyin glosses dropped."""
    return _PINYIN.sub("", text.translate(_T2S))


def fix_numbers(text: str) -> str:
    """Remove spaces inside numbers and document numbers; full-width point and comma between digits."""
    text = re.sub(r"(?<=\d)[．。](?=\d)", ".", text)
    text = re.sub(r"(?<=\d)，(?=\d{3}(?!\d))", ",", text)
    text = _DOC_SPACES.sub(lambda m: f"{m[1]}{m[2]}{m[3]}{m[4]}号", text)
    text = re.sub(r"([〔﹝［【])\s+(?=\d)", r"\1", text)
    text = re.sub(r"(?<=\d)\s+(?=[〕﹞］】])", "", text)
    text = _SPACE_IN_NUMBER.sub("", text)
    return _SPACE_BEFORE_UNIT.sub("", text)


def join_broken_lines(text: str) -> list[str]:
    """Paragraphs of the text, with page-break splits joined.

    A paragraph that stops mid-sentence (no closing punctuation) is continued by the next
    non-empty line unless that line starts a heading; an amount split from its unit
    ("6116.3万" / "元") is joined the same way.
    """
    lines = [ln.strip() for ln in text.splitlines()]
    paragraphs: list[str] = []
    open_paragraph = False
    for line in lines:
        if not line:
            continue
        if paragraphs and open_paragraph and not HEADING_START.match(line):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
        last = paragraphs[-1]
        open_paragraph = not last.endswith(tuple(_SENTENCE_END)) and not _looks_like_heading(last)
    return paragraphs


def _looks_like_heading(paragraph: str) -> bool:
    """A short numbered line without punctuation is a heading, not a broken sentence."""
    if re.fullmatch(r"附件[\d\-－—]*", paragraph):
        return True
    if re.search(r"[\d万亿,，、]$", paragraph):
        return False
    if paragraph.endswith(("报告", "总结", "自评表", "情况")):
        return True
    return bool(HEADING_START.match(paragraph)) and len(paragraph) <= 40 and "，" not in paragraph


def normalize(text: str) -> list[str]:
    """The report's paragraphs, normalized for matching (see the module docstring)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = fix_numbers(to_simplified(fold_width(fold_radicals(text))))
    return join_broken_lines(text)
