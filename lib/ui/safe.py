"""Data text is never markup: the one place that escapes text from workbooks, forms and reports.

Streamlit renders st.markdown / st.caption / st.subheader, metric, expander, tab and widget labels,
st.info and friends as GitHub-flavoured Markdown with its own additions: colour and size directives
(``:red[…]``, ``:small[…]``), emoji and icon shortcodes (``:smile:``, ``:material/home:``) and LaTeX
(``$…$``). A project name such as ``![x](http://host/beacon.png)`` would be drawn as an image, so
every leader opening the page would ask that host for it. Plotly reads a subset of HTML in its text
(``<b>``, ``<a href>``, ``<br>``, entities).

So pages never put data into Markdown by hand:

- ``md_text(value)``: a value as Markdown that shows exactly the value (markup characters
  backslash-escaped, which CommonMark turns back into the character; line breaks kept).
- ``md(template, *values)``: Markdown from a trusted template (``str.format`` syntax) with the values
  escaped; a value that is itself ``Markdown`` (the result of ``md``) is put in as it is.
- ``md_join(separator, values)``: escaped values joined; ``md_code(value)``: a code span (a command).
- ``plot_text(value)``: a value for plotly text (names, labels, hover text, titles).

Not for plain-text places, where a backslash would show: st.dataframe cells and column headers,
and select-box / multiselect options (``format_func`` labels) are not Markdown in Streamlit, so
data goes there as it is (checked in Chromium by tests/test_browser.py).

Pure: no Streamlit, so lib/ui/charts.py and tests use it too.
"""

from __future__ import annotations

import re
import string

import pandas as pd

MISSING = "—"  # what a person reads where a value is missing (never "None" or "nan")

# CommonMark turns a backslash before any ASCII punctuation back into the plain character.
# Escaped anywhere in a text: the characters that open markup wherever they stand — emphasis and
# strike (* _ ~), code (`), links and images ([ ]), HTML, autolinks and entities (< > &), tables
# (|), Streamlit's directives, colours, emoji and icon shortcodes (:), LaTeX ($), the escape
# itself (\). Escaped at the start of a line only: what makes a block there — a heading (#), a
# list (- + or "1." / "1)"), a setext underline (= -). ( ) ! { } . elsewhere do nothing once
# [ ] and : are escaped, so figures such as 3,011.00 万元 or 94.65% stay as they are.
_ESCAPED = {ord(ch): "\\" + ch for ch in "\\`*_~[]<>&|:$"}
_BLOCK_START = re.compile(r"^(?:([-+](?=\s|$)|#(?=#{0,5}(?:\s|$))|=(?==*$)|-(?=-*$))"  # list, heading, setext
                          r"|(\d{1,9})([.)])(?=\s|$))")  # ordered list


def _escape_line(line: str) -> str:
    line = line.strip().translate(_ESCAPED)
    return _BLOCK_START.sub(lambda m: "\\" + m[1] if m[1] else m[2] + "\\" + m[3], line)


# Streamlit and GitHub also rewrite the text itself, after the escapes are resolved: the
# autolinker turns web and e-mail addresses into links where they follow a space, punctuation or
# the start; Streamlit turns ":streamlit:" into its logo (an <img>), ":material/…:" into an icon
# (it rewrites the raw source before parsing), and " -> ", " <- ", " <-> ", " -- ", " >= ",
# " <= ", " ~= " into arrows and signs. An invisible WORD JOINER (U+2060) in each — before
# "http://", "https://" and "www.", after "@", after the colon of ":streamlit" and
# ":material", between the two signs — keeps them text; what a reader sees is unchanged.
WORD_JOINER = "\u2060"
_HELD_BACK = [
    (re.compile(r"(https?://|www\.)", re.IGNORECASE), WORD_JOINER + r"\1"),
    (re.compile(r"@"), "@" + WORD_JOINER),
    (re.compile(r":(?=material|streamlit)", re.IGNORECASE), ":" + WORD_JOINER),
    (re.compile(r"(?<!\S)([<>~-])(?=(?:->|-|=|>)(?!\S))"), r"\1" + WORD_JOINER),
]


def _hold_back(text: str) -> str:
    for pattern, replacement in _HELD_BACK:
        text = pattern.sub(replacement, text)
    return text


class Markdown(str):
    """Markdown that is safe to render: a trusted template with escaped values (see ``md``)."""

    __slots__ = ()


def _missing(value: object) -> bool:
    """None, NaN, NA or NaT (a blank text is a text: it shows as nothing)."""
    if isinstance(value, str):
        return False
    try:
        return pd.isna(value) is True
    except (TypeError, ValueError):
        return False


def _text_of(value: object) -> str:
    return MISSING if _missing(value) else str(value)


def md_text(value: object) -> Markdown:
    """``value`` as Markdown that renders as exactly its text; a missing value (None, NaN) as —.

    Lines are kept as hard line breaks inside one paragraph (so a line can never start a
    heading, list, quote or code block); blank lines and the whitespace around lines go, as they
    would in HTML anyway.
    """
    if isinstance(value, Markdown):
        return value
    text = _hold_back(_text_of(value))
    lines = [_escape_line(line) for line in text.splitlines()]
    return Markdown("  \n".join(line for line in lines if line))


class _Formatter(string.Formatter):
    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, Markdown):
            return format(str(value), format_spec)
        if _missing(value):
            return MISSING
        return md_text(format(value, format_spec))


_FORMATTER = _Formatter()


def md(template: str, *values: object, **named: object) -> Markdown:
    """Markdown from a trusted ``template`` (``str.format`` syntax, format specs allowed) and
    values, each escaped with ``md_text`` after formatting (a ``Markdown`` value goes in as is;
    a missing one shows as —). ``md("**偏差原因：** {}", reason)``."""
    return Markdown(_FORMATTER.vformat(template, values, named))


def md_join(separator: str, values) -> Markdown:
    """Escaped values joined with a trusted separator: ``md_join("、", names)``."""
    return Markdown(separator.join(md_text(v) for v in values))


_PLOT_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}


def plot_text(value: object) -> str:
    """``value`` for plotly text (trace names, category labels, titles, hover text): plotly
    reads ``<b>``, ``<a href>``, ``<br>`` and entities in text, so ``& < >`` are written as
    entities, which it shows as the characters. Missing shows as —."""
    return _text_of(value).translate(_PLOT_ESCAPES)


def plot_texts(values) -> list[str]:
    """``plot_text`` of each value (a column of category labels)."""
    return [plot_text(v) for v in values]


def md_code(value: object) -> Markdown:
    """``value`` as an inline code span (a command to copy): the fence is one backtick longer
    than any run of backticks in it, so the text cannot close the span and nothing inside is
    read as Markdown; line breaks become spaces."""
    text = " ".join(_text_of(value).split("\n"))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markdown(f"{fence}{pad}{text}{pad}{fence}")
