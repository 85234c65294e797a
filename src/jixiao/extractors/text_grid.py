"""Text dumps of a table, in the shapes web pages and converters leave them, as a Grid.

Forms recognised (by what the lines look like, never by the file name):

- ``pipe``: one table row per line, cells separated by ``|`` (a saved page or
  a Markdown-ish export);
- ``cell_lines``: one cell per line ending in ``|``, a row opened by a lone
  ``|`` and closed by a line of pipes (an HTML table dumped by a crawler); or
  each cell on bare lines of its own with a lone ``|`` line after it;
- ``spaced``: one row per line, cells separated by spaces (a spreadsheet's
  text); cells are whitespace tokens, so a free-text cell may have been split
  into several tokens and the layout reader joins them again.
- ``cell_stream``: one cell per line and nothing else (no pipes, blank lines
  between cells): the header is a run of lines that are each a column name;
  below it a new row starts at each 一级指标 name (or 二级 where no 一级 is printed).
- ``lead_pipe``: one cell per line led by blanks and ``| ``, a row opening with a bare
  line, a wrapped cell going on indented without its pipe.
- ``tree``: a budget system's tree export, no grid: 一级/二级/三级 nodes told apart only by
  their indent, each 三级's value on the unindented line below it.
- ``outline``: no table at all, but headings ``【产出指标-数量指标】`` each followed
  by lines ``指标1:机柜数量(≥77台)``: each such line is a row under the
  heading's 一级/二级, its value the parenthesised part.
- ``prose``: no table at all, but numbered 一级 headings ``一、 产出指标`` each followed
  by lines of labelled clauses ``数量指标:…种植数量(≥**株)>=17600株;…``: each
  indicator is its name up to a sign-led value (or a statement closed by ``;``/``。``)
  under the heading's 一级 and the label's 二级. Or an outline: numbered 一级 headings over
  二级 sub-headings in another ordinal style (``一、产出指标`` / ``(一)数量指标``), then one
  indicator a line (``名称≧300人``, ``名称,2025年10月底前``, or clauses naming their fields
  ``名称(项),目标值2,完成值2,分值6,得分6``).
- ``glued``: one row per line with the cells run together and no separator
  at all (``预算执行率10%=100``), recognised by a header line of column names
  printed back to back. Header lines are cut at the vocabulary's names; rows
  are cut into taxonomy names, text, numbers, percent signs and operators, and
  the layout reader joins the pieces of a cell again without spaces.

The tree, outline and prose forms print no header: they know which cell is which, and say so in
each cell's role (:func:`hinted`); the reader takes those roles as the columns'. In the other forms
empty cells are dropped (a merged cell leaves no trace), so the reader aligns each row to the header
by what its cells hold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional, Union

from ..layout.header_block import FURNITURE
from ..layout.taxonomy import QUALITATIVE_TARGETS
from ..layout.vocabulary_file import current as current_vocabulary
from ..layout.values import is_unit, level1_name, level2_name
from ..layout.vocabulary import (
    is_row_label_header,
    is_weight_header,
    match_header,
    place_columns,
    printed_header_names,
    printed_header_names_by_start,
)
from ..model import GridCell, Provenance
from ..layout.taxonomy import OPERATOR_ALIASES
from ..layout.values import is_number, split_value

_PIPE_ONLY = re.compile(r"^\s*\|{2,}\s*$")
_CELL_LINE = re.compile(r"^([^|]*?)\s*\|(\s*\|+)?\s*$")  # "text |", or "text | |||" closing the row


# the group names as printed: a 自评表 words its groups as goals (产出目标, 数量目标) as often as indicators
Piece = Union[tuple[str, int], tuple[str, int, str]]
"""A row's cell as a form cuts it: (text, line), or (text, line, role) where the form knows the field
the cell holds (a tree's, an outline's or prose's 一级 / 二级 / 三级 / 指标值)."""


def hinted(line: int, **cells: Optional[str]) -> list[Piece]:
    """One row of cells whose roles the form knows, in the order given; a role with no text is left out."""
    return [(text, line, role) for role, text in cells.items() if text]


@dataclass(frozen=True)
class GroupNames:
    """The 一级 / 二级 group names of the vocabulary in force, as the text forms cut by them: the
    taxonomy's and a user's vocabulary's ([levels]), and each 指标 name worded '…目标' as 自评表 word it."""

    level1: frozenset[str]
    level2: frozenset[str]
    every: frozenset[str]  # every group name
    in_text: "re.Pattern[str]"  # a group name inside a run of text (the longest names first)
    cell_in_text: "re.Pattern[str]"  # a group name, a qualitative target's set phrase or a kind of standard


@lru_cache(maxsize=8)
def _group_names_for(digest: str) -> GroupNames:
    vocabulary = current_vocabulary()
    level1 = frozenset({*vocabulary.taxonomy, *vocabulary.level1})
    level2 = frozenset({*(n for ns in vocabulary.taxonomy.values() for n in ns), *vocabulary.level2})
    both = {*level1, *level2}
    names = tuple(sorted({*both, *(n[:-2] + "目标" for n in both if n.endswith("指标") and len(n) > 3)},
                         key=len, reverse=True))
    qualitative = tuple(dict.fromkeys((*QUALITATIVE_TARGETS, *vocabulary.qualitative)))
    return GroupNames(level1, level2, frozenset(names), re.compile("|".join(re.escape(n) for n in names)),
                      re.compile("|".join(re.escape(n) for n in (*names, *qualitative, *_STANDARD_KINDS))))


def group_names() -> GroupNames:
    """The group names of the vocabulary in force (a user's vocabulary file reaches every text form)."""
    return _group_names_for(current_vocabulary().digest)


def segment_header(line: str) -> list[str]:
    """Cut a header line printed without separators at the vocabulary's column names;
    what no name covers stays as a cell of its own."""
    cells: list[str] = []
    other = ""
    names = printed_header_names_by_start()  # the same first match: only names starting with line[i] can
    i = 0
    while i < len(line):
        if line[i].isspace():
            i += 1
            continue
        name = next((n for n in names.get(line[i], ()) if line.startswith(n, i)), None)
        if name is None:
            other += line[i]
            i += 1
            continue
        if other:
            cells.append(other)
            other = ""
        cells.append(name)
        i += len(name)
    if other:
        cells.append(other)
    return cells


def _glued_header(line: str) -> bool:
    """A line holding three or more column names printed back to back in one run of text."""
    for token in line.split():
        cells = segment_header(token)
        run = 0
        for cell in cells:
            run = run + 1 if cell in printed_header_names() else 0
            if run >= 3:
                return True
    return False


def _header_run_end(parts: list[str]) -> int:
    """Where the first run of three or more column names ends (the header of a glued line)."""
    names = printed_header_names()
    run = 0
    for k, part in enumerate(parts):
        run = run + 1 if part in names else 0
        if run >= 3 and (k + 1 == len(parts) or parts[k + 1] not in names):
            return k + 1
    return len(parts)


# A comparison printed in words right before a number ('大于90%') is the value's operator, and one
# printed after a number or percent sign ('95%以上') its suffix: both are pieces of the value, not
# the start or end of the text around it.
_WORD_OPERATOR = r"大于等于|小于等于|不低于|不高于|不少于|不超过|不多于|大于|小于|高于|低于"
_OPERATOR_CHARS = "≥≤=<>＞＜≧≦﹦"
_RANGE = r"[(（]\d+(?:\.\d+)?分[)）]"
_NUMBERED_SLOT = r"指标\s*\d{1,2}\s*[:：]"  # a template's numbered indicator slot ('指标2:'), one piece
_PIECE = re.compile(
    rf"(?P<range>{_RANGE})"  # a section's score range: '产出指标(70分)'
    rf"|(?P<slot>{_NUMBERED_SLOT})"
    rf"|(?P<op>>=|<=|[{_OPERATOR_CHARS}]|(?:{_WORD_OPERATOR})(?=\d))"
    r"|(?P<date>\d{4}年\d{1,2}月(?:\d{1,2}日)?)"  # a date is one value: '2023年12月31日'
    r"|(?P<num>\d+(?:\.\d+)?)|(?P<pct>[%％])"
    r"|(?P<suffix>(?<=[\d%％])(?:及以上|以上|及以下|以下|以内))"
    # a unit in brackets inside a name ('成本控制率(%)') is part of the name, not a value's percent sign
    rf"|(?P<text>(?:[(（][%％][)）]|(?!(?:{_WORD_OPERATOR})\d|{_RANGE}|{_NUMBERED_SLOT})[^\d{_OPERATOR_CHARS}%％])+)")


# where a text run is cut: taxonomy names, and set phrases of a qualitative target ('…负担率有所减轻对…')
# the kinds of standard a 绩效标准 column names (计划标准 …): a cell of their own wherever they stand
_STANDARD_KINDS = tuple(f"{kind}标准" for kind in ("计划", "历史", "行业", "其他", "国家", "地方"))

# A scoring rule (评(扣)分标准) printed in a row: '得10分', '扣1分' with the words between them. Its
# numbers are the rule's, not cells of their own ('按期完成得10分,每超出10天扣1分' is one cell).
_DATE = re.compile(r"\d{4}年\d{1,2}月(?:\d{1,2}日)?")
_SCORING_PHRASE = re.compile(r"[得扣]\s*\d+(?:\.\d+)?\s*分")
_RULE_GAP = 24  # at most this many characters between two phrases of one rule ('得10分,每减少1%,扣1分')
# The value type (指标值类型) closing a row, after the empty 度量单位 cell's '-': '…扣1分-定量'.
_VALUE_TYPE_TAIL = re.compile(r"^(.*?)([-－—/]?)(定量|定性)$")


def _scoring_spans(line: str) -> list[tuple[int, int]]:
    """Where scoring rules stand in a run-together line: from the text before the first 得N分/扣N分
    phrase (back to the previous value or taxonomy name) to the last phrase of the same rule. A rule
    that opens with the value it scores against ('95%以上得10分', '90%得10分') takes that value along
    when the row has printed a value before it (the target) and only a short word ('以上') stands
    between the value and the phrase."""
    spans: list[tuple[int, int]] = []
    phrases = list(_SCORING_PHRASE.finditer(line))
    k = 0
    while k < len(phrases):
        start, end = phrases[k].start(), phrases[k].end()
        while k + 1 < len(phrases) and phrases[k + 1].start() - end <= _RULE_GAP and \
                not group_names().in_text.search(line, end, phrases[k + 1].start()):
            k += 1
            end = phrases[k].end()
        k += 1
        floor = spans[-1][1] if spans else 0
        run = start
        while run > floor and not re.match(rf"[\d{_OPERATOR_CHARS}%％]", line[run - 1]):
            run -= 1
        names = [m.end() for m in group_names().cell_in_text.finditer(line, run, start)]
        run = names[-1] if names else run
        run = next((d.end() for d in _DATE.finditer(line) if d.start() < run < d.end()), run)  # '…31日' stays whole
        if start - run <= 3 and run > floor:
            value = re.search(r"[\d.%％]+$", line[floor:run])
            if value is not None and re.search(r"\d", line[floor:floor + value.start()]):
                run = floor + value.start()
        spans.append((run, end))
    return spans


def _cut_run(text: str, at_end: bool) -> list[str]:
    """Cut a stretch of a row with no scoring rule in it (see :func:`cut_glued_row`)."""
    pieces: list[str] = []
    matches = list(_PIECE.finditer(text))
    for n, match in enumerate(matches):
        piece = match.group(0)
        if match.lastgroup == "range" and pieces and pieces[-1] in group_names().every:
            pieces[-1] += piece  # the score range belongs to the section name before it
            continue
        if match.lastgroup == "num" and re.fullmatch(r"(0\d*)\1", piece):
            # '00': no number is printed with a leading zero, so this is a value and its 实际值 again
            pieces.extend([piece[:len(piece) // 2]] * 2)
            continue
        if match.lastgroup != "text":
            pieces.append(piece)
            continue
        tail: list[str] = []
        typed = _VALUE_TYPE_TAIL.match(piece.strip()) if at_end and n == len(matches) - 1 else None
        if typed is not None:
            piece = typed.group(1)
            tail = [t for t in typed.group(2, 3) if t]
        position = 0
        for name in group_names().cell_in_text.finditer(piece):  # longest names first in the alternation
            if piece[position:name.start()].strip():
                pieces.extend(p for part in _explained(piece[position:name.start()].strip()) for p in _echoed(part))
            pieces.append(name.group(0))
            position = name.end()
        if piece[position:].strip():
            pieces.extend(p for part in _explained(piece[position:].strip()) for p in _echoed(part))
        pieces.extend(tail)
    return pieces


# An indicator's explanation (指标解释, 指标说明, 绩效标准) is worded '反映…' ('反映办公大楼全年维修维护情况')
# or '达到目标值' / '达到预计值': in a run-together row it opens a cell of its own after the 三级 name
# (also after a name closing on a bracketed unit: '开展修复工程(个)反映…').
_EXPLAINED = re.compile(r"(?<=[\u4e00-\u9fff)）])(?=反映|达到(?:预计|目标|预期)值)")


def _explained(text: str) -> list[str]:
    return [part for part in _EXPLAINED.split(text) for part in _restated(part) if part]


def _restated(text: str) -> list[str]:
    """A name and the sentence restating it, run together: the restatement ends as the name does
    ('补贴覆盖率' + '对符合条件的对象发放解困工资的覆盖率', '补助人数' + '实际发放解困工资人数': cut after the
    first opening that ends with the text's last two characters), or names it again ('预算成本' +
    '项目预算成本,预算成本明细…': cut after the longest opening found again after it). The name is Han
    text of three characters or more, the restatement longer; the reader joins the pieces again
    where the table has no column for the restatement."""
    if len(text) < 7 or not re.match(r"[\u4e00-\u9fff]{3}", text):
        return [text]
    cut = text.find(text[-2:], 1) + 2
    if not (3 <= cut <= len(text) - 3 and re.fullmatch(r"[\u4e00-\u9fff]+", text)):
        cut = max((k for k in range(3, len(text) // 2) if text[:k] in text[k:]), default=0)
    if cut and re.fullmatch(r"[\u4e00-\u9fff]+", text[:cut]) and len(text) - cut > cut - 2:
        return [text[:cut], text[cut:]]
    return [text]


def _echoed(text: str) -> list[str]:
    """'显著提升显著提升': a value and the same value again (a self-evaluation's 实际值 repeating its
    指标值, a 二级 name its 三级) are two cells."""
    half = len(text) // 2
    # one character twice ('高高') only as a whole piece of its own: a value and its 实际值
    if len(text) % 2 == 0 and (half >= 2 or len(text) == 2) and text[:half] == text[half:]:
        return [text[:half], text[half:]]
    return [text]


def _unfuse(pieces: list[str]) -> list[str]:
    """Digits of two cells printed with nothing between them ('20100' '%' '100' '%': 分值 20, then 100%
    twice). Where a self-evaluation's 实际值 repeats its 指标值 with the same unit, the digit run before
    the first unit is cut where it ends in the repeated value; otherwise it stays as printed."""
    out = list(pieces)
    k = 0
    while k + 3 < len(out):
        run, unit, value, again = out[k:k + 4]
        value_digits = re.sub(r"^(?:>=|<=|[" + _OPERATOR_CHARS + r"])", "", value)
        if re.fullmatch(r"\d+", run) and re.fullmatch(r"\d+(?:\.\d+)?", value_digits) and unit == again \
                and not re.search(r"\d", unit) and value_digits == value and len(run) > len(value) \
                and run.endswith(value) and not run.startswith("0"):
            out[k:k + 1] = [run[:-len(value)], value]
            k += 2
        k += 1
    return out


def _echoed_unit(pieces: list[str]) -> list[str]:
    """'0' '起' '0' '起市民满意度调查': a value printed again as its 实际值 ('0起0起') whose second unit
    ran into the next row's name. The repeat says where the value ends: the unit is cut off the text."""
    out = list(pieces)
    for k in range(len(out) - 3):
        number, unit, again, text = out[k:k + 4]
        if number == again and re.fullmatch(r"\d+(?:\.\d+)?", number) and is_unit(unit) \
                and text.startswith(unit) and re.match(r"[\u4e00-\u9fff]", text[len(unit):]):
            out[k + 3:k + 4] = [unit, text[len(unit):]]
    return _line_unit(out)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _line_unit(pieces: list[str]) -> list[str]:
    """'200' '次' … '2280' '次大楼安检巡察次数': a unit the line prints after its other values, here run
    into the next row's name. Where a number is followed by a text opening with such a unit and a name of
    four or more characters, the unit is the number's (a name opening with a unit character after a bare
    number is far rarer than a flattened table's value running into the next row)."""
    units = {unit for number, unit in zip(pieces, pieces[1:]) if _NUMBER.fullmatch(number) and is_unit(unit)}
    out: list[str] = []
    for k, piece in enumerate(pieces):
        unit = next((u for u in sorted(units, key=len, reverse=True) if piece.startswith(u)), None)
        if k and unit and _NUMBER.fullmatch(pieces[k - 1]) and re.fullmatch(r"[\u4e00-\u9fff]{4,}", piece[len(unit):]):
            out.extend([unit, piece[len(unit):]])
        else:
            out.append(piece)
    return out


# The form's closing note ('注:1、其他资金包括…'): below the table, whatever ran into it on the line.
_NOTE = re.compile(r"注\s*[:：](?=\s*\d)")
# The next section of a report ('(二)项目财务管理状况…') run on after the table: prose, below the table.
_SECTION = re.compile(r"[(（][一二三四五六七八九十]{1,3}[)）](?=[\u4e00-\u9fff])")


def _closing(line: str) -> "re.Match[str] | None":
    """Where the text below a glued table starts on its line: a closing note or the next section."""
    found = [m for m in (_NOTE.search(line), _SECTION.search(line)) if m is not None and m.start() > 0]
    return min(found, key=lambda m: m.start()) if found else None


def cut_glued_row(line: str) -> list[str]:
    """Cut a row printed without separators into pieces: taxonomy names (wherever they stand in a
    text run: a flattened table runs one row's value into the next row's 二级), text, numbers,
    dates, percent signs, operators (signs, words before a number, suffixes after it), a scoring
    rule whole, and a closing value type (定量/定性); a closing note stays whole. No character is
    dropped or added."""
    note = _closing(line)
    if note is not None:
        return [*cut_glued_row(line[:note.start()]), line[note.start():].strip()]
    pieces: list[str] = []
    position = 0
    for start, end in _scoring_spans(line):
        pieces.extend(_cut_run(line[position:start], at_end=False))
        if line[start:end].strip():
            pieces.append(line[start:end].strip())
        position = end
    pieces.extend(_cut_run(line[position:], at_end=True))
    return _echoed_unit(_unfuse(pieces))


_TOTAL = re.compile(r"^[.。…·]*总分$")

# A blank between two Han characters inside a glued table is where the source wrapped a cell
# ('县级储备粮管理制 度严格执行率', '产 出 指 标'): cells have no separator in this form, so the blank
# separates nothing and is cut out (the provenance line keeps the raw text).
_WRAP_BLANK = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000\u00a0]+(?=[\u4e00-\u9fff])")
# A document-sharing site's preview numbers its pages at a line's start ('1、…', then '\n2、', '\n3、'),
# wherever the page broke, inside a row too: a line opening with the next page's number continues the row.
_PAGE_MARK = re.compile(r"^(\d{1,2})、")


def _unwrap(line: str) -> str:
    return _WRAP_BLANK.sub("", line)


def _at_totals(parts: list[str]) -> list[list[str]]:
    """A glued line's pieces, cut before each total row's label and before the closing note."""
    out: list[list[str]] = [[]]
    for part in parts:
        if (_TOTAL.match(part) or _NOTE.match(part) or _SECTION.match(part)) and out[-1]:
            out.append([])
        out[-1].append(part)
    return [cut for cut in out if cut]


def _stream_header(stripped: list[str]) -> int | None:
    """Index of the first of three or more consecutive lines that are each one column name."""
    run = 0
    for k, line in enumerate(stripped):
        names = segment_header(line)
        run = run + 1 if len(names) == 1 and names[0] in printed_header_names() or _is_name_with_note(line) else 0
        if run >= 3:
            return k - 2
    return None


def _is_name_with_note(line: str) -> bool:
    """'二级指标(长期)': a column name and a short parenthetical."""
    match = re.fullmatch(r"(.+?)[(（].{1,6}[)）]", line)
    return match is not None and match.group(1) in printed_header_names()


_OUTLINE_HEAD = re.compile(r"^【\s*([\u4e00-\u9fff]+指标)\s*[-－—]\s*([\u4e00-\u9fff]+指标)\s*】$")
_OUTLINE_ITEM = re.compile(r"^指标\s*\d+\s*[:：]\s*(.+?)\s*[(（](.+)[)）]\s*$")


def _outline_rows(numbered: list[tuple[int, str]]) -> list[list[Piece]]:
    """Rows of an outline: the page's other lines as they are, then a row per indicator line under its
    heading's 一级/二级, each cell with the role the outline gives it (no header is printed)."""
    rows: list[list[Piece]] = []
    heading: tuple[str, str] | None = None
    table: list[list[Piece]] = []
    for number, line in numbered:
        head = _OUTLINE_HEAD.match(line)
        item = _OUTLINE_ITEM.match(line)
        if head:
            heading = (head.group(1), head.group(2))
        elif item and heading is not None:
            table.append(hinted(number, level1=heading[0], level2=heading[1], level3=item.group(1),
                                target=item.group(2)))
        elif not table and heading is None:
            rows.append([(line, number)])
        # lines between and after the headings (a project's 【项目概况】, amounts) hold no indicator
    return rows + table


# ---------------------------------------------------------------------------- prose

# A goal form written as prose (Ningxia's 绩效目标设定的公示): numbered 一级 headings '一、 产出指标', each
# followed by lines of '二级名称:' labels and indicators '三级名称(hint)>=17600株;'. A heading is a 一级 name
# of the taxonomy alone on its line after a Chinese ordinal; a label is a group name of the taxonomy
# closed by ':' or ',' at a clause's start.
_PROSE_HEAD = re.compile(r"^[一二三四五六七八九十]{1,2}\s*[、.．]\s*([\u4e00-\u9fff]+?)\s*$")
# A heading of the outline kind of prose (Ningxia's 设定 notice, Fujian's 自评报告): an ordinal of one of
# the three styles documents number their sections with ('一、', '(一)', '1、') and a group name alone on
# its line. The style tells the level: the first heading naming a 一级 sets the 一级 style, and a heading
# of another style under it is a 二级 ('(四)成本指标' under '一、产出指标' is 二级, '(二) 成本指标' with
# '1、经济成本指标' under it is 一级): the same name can be either, so the name alone cannot tell.
_PROSE_ORDINAL = re.compile(
    r"^(?:(?P<cn>[一二三四五六七八九十]{1,2}\s*[、.．])|(?P<paren>[(（][一二三四五六七八九十]{1,2}[)）])"
    r"|(?P<num>\d{1,2}\s*[、.．](?!\d)))\s*(?P<name>[\u4e00-\u9fff]+?)\s*$")
# An indicator's own numbering in such a list ('1)', '(1)', '1、'): not part of its name.
_PROSE_ITEM_NUMBER = re.compile(r"^(?:\d{1,2}\s*[)）]|[(（]\d{1,2}[)）]|\d{1,2}\s*、)\s*")
_PROSE_CLAUSE = re.compile(r"[^,，;；。:：]*[,，;；。:：]?")
_SENTENCE_END = ",，;；。"  # where an indicator's value may end
_PROSE_SIGN = re.compile("|".join(re.escape(op) for op in sorted(
    (alias for alias in OPERATOR_ALIASES if alias not in ("定性", "定量")), key=len, reverse=True)))


def _prose_head(line: str) -> str | None:
    """The 一级 name a prose heading line ('一、 产出指标', '(一)产出指标') gives, as printed, or None."""
    match = _PROSE_HEAD.match(line) or _PROSE_ORDINAL.match(line)
    name = match.group(1) if match is not None and match.re is _PROSE_HEAD else match and match.group("name")
    return name if name and level1_name(name) and not level2_name(name) else None


def _prose_group(text: str) -> bool:
    """A group name of the taxonomy, or a 二级 name worded '…目标' for '…指标' (社会效益目标: the form
    calls its groups 目标 as often as 指标)."""
    return bool(level1_name(text) or level2_name(text)) or (
        text.endswith("目标") and bool(level2_name(f"{text[:-2]}指标")))


def _prose_label(clause: str) -> str | None:
    """The label a clause is ('数量指标:' or '服务对象满意度指标,'), without its mark, or None."""
    name = clause.rstrip(":：,，").strip()
    return name if clause != name and _prose_group(name) else None


# a figure closing a clause with no sign before it ('…贫困子女1966人', '资助标准100%达标'): its unit, and a
# word saying it is met, are the value's
_PLAIN_FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s*(?:%|[\u4e00-\u9fff/]{0,4}?)(?:达标|以上|以内|以下)?$")


def _prose_value(text: str) -> int | None:
    """Where the value closing an indicator's text begins ('…(≥**株)>=17600株' → at '>='): a sign, a
    number and what split_value reads as its unit, up to the clause's end; or, with no sign, a figure
    with its unit closing the clause ('…子女1966人' → at '1966'). A template hint ('≥**株') is no
    value: its sign has no number."""
    body = text.rstrip(_SENTENCE_END).rstrip()
    for sign in _PROSE_SIGN.finditer(body):
        split = split_value(body[sign.start():])
        if split.operator and split.target is not None and is_number(split.target) \
                and body[sign.end():].lstrip()[:1].isdigit():
            return sign.start()
    plain = _PLAIN_FIGURE.search(body)
    if plain is not None and plain.start() >= 2 and not body[plain.start() - 1].isdigit():
        unit = re.sub(r"(达标|以上|以内|以下)$", "", body[plain.start():]).lstrip("0123456789. ")
        if not unit or unit == "%" or is_unit(unit):
            return plain.start()
    return None


def _prose_items(line: str) -> list[tuple[str | None, str, str | None]]:
    """A prose line cut into (label, name, value): each indicator's name runs to its value (commas
    inside a name stay: '★补助…数量,黄金蜜(葡萄)种植数量(≥**株)>=17600株' is one indicator), a
    value ends at ',' ';' or '。', and text closed by ';' or '。' with no value is a statement (name
    only, '生态修复功能提高。'). A label names the group of the items after it; label is None when the
    item keeps the group before it. Every character returned is the line's own."""
    items: list[tuple[str | None, str, str | None]] = []
    label: str | None = None
    pending = ""
    for clause in (c for c in _PROSE_CLAUSE.findall(line) if c):
        if not pending.strip() and _prose_label(clause.strip()):
            label = _prose_label(clause.strip())
            items.append((label, "", None))
            pending = ""
            continue
        pending += clause
        at = _prose_value(pending)
        if at is not None:
            name, value = pending[:at].strip(), pending[at:].strip().rstrip(_SENTENCE_END).strip()
            if re.search(r"[\u4e00-\u9fff]", name):
                items.append((None, name, value))
            pending = ""
        elif clause.rstrip()[-1:] in ";；。":
            statement = pending.strip().rstrip(";；。").strip()
            if re.search(r"[\u4e00-\u9fff]", statement):
                items.append((None, statement, None))
            pending = ""
    statement = pending.strip()
    if re.search(r"[\u4e00-\u9fff]", statement) and not _prose_label(statement):
        items.append((None, statement, None))
    return items


def _unnumbered(line: str) -> str:
    """A prose line without the numbering of its list ('1、数量指标:…' → '数量指标:…')."""
    return _PROSE_ITEM_NUMBER.sub("", line)


def _opens_with_label(line: str) -> bool:
    first = _PROSE_CLAUSE.match(_unnumbered(line))
    return first is not None and _prose_label(first.group(0).strip()) is not None


def _prose_lines(stripped: list[str]) -> bool:
    """一级 headings each followed by a line that opens with a group label: two such, or one followed by
    three label lines (a notice cut after its first group): the prose form."""
    heads = [k for k, line in enumerate(stripped[:-1]) if _prose_head(line) and _opens_with_label(stripped[k + 1])]
    return len(heads) >= 2 or bool(heads) and all(_opens_with_label(line) for line in stripped[heads[0] + 1:heads[0] + 4]) \
        and len(stripped) >= heads[0] + 4


# a line that states a project's goals as a list of indicators ('(二)绩效目标:道路硬化≥0.565km;…')
_GOAL_LIST = re.compile(r"^(?:[(（][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十\d]{1,2}\s*[、.．])?\s*"
                        r"(?:年度|项目|整体)?绩效(?:目标|指标)\s*[:：]")


def _goal_list(line: str) -> list[tuple[str, str]]:
    """The (name, value) of each indicator a goal-list line states with a value (three or more, else
    none): a report or notice that gives its goals as one sentence of indicators, with no 一级/二级. A
    clause with no value is a statement of the goal, no indicator."""
    match = _GOAL_LIST.match(line)
    if match is None:
        return []
    items = [(name, value) for _, name, value in _prose_items(line[match.end():]) if name and value]
    return items if len(items) >= 3 else []


def _goal_list_rows(numbered: list[tuple[int, str]]) -> list[list[Piece]]:
    """Rows of a goal-list page: the page's lines above the first goal-list line as they are (its header
    block), then a row per indicator each goal-list line states (三级 and 指标值; the list names no group).
    The report's prose below the list is no part of the table."""
    rows: list[list[Piece]] = []
    table: list[list[Piece]] = []
    for number, line in numbered:
        items = _goal_list(line)
        table += [hinted(number, level3=name, target=value) for name, value in items]
        if not table:
            rows.append([(line, number)])
    return rows + table


def _numbered_heading(line: str) -> tuple[str, str] | None:
    """(ordinal style, group name) of an outline heading ('(一)数量指标' → ('paren', '数量指标')), or None
    when the line is no ordinal and a group name of the taxonomy alone."""
    match = _PROSE_ORDINAL.match(line)
    if not match or not _prose_group(match.group("name")):
        return None
    style = next(key for key in ("cn", "paren", "num") if match.group(key))
    return style, match.group("name")


def _prose_outline(stripped: list[str]) -> bool:
    """Two or more headings naming a 一级 each followed at once by a heading of another ordinal style
    naming a 二级 ('一、产出指标' / '(一)数量指标'): the outline kind of the prose form. A section title
    of a report ('一、项目基本情况') names no group and does not count."""
    count = 0
    for k, line in enumerate(stripped[:-1]):
        head, sub = _numbered_heading(line), _numbered_heading(stripped[k + 1])
        if head and sub and head[0] != sub[0] and level1_name(head[1]) and level2_name(sub[1]):
            count += 1
    return count >= 2


_NAMED_FIELDS = ("target", "actual", "score", "points")  # the columns a sentence may name ('目标值200')


def _labelled_fields(text: str) -> tuple[str, list[tuple[str, str]]] | None:
    """A sentence naming its fields ('…金额(万元),目标值200,完成值200,分值10,得分10'): the name before the
    first labelled clause and (column, value) for each clause that is a column name of the vocabulary
    followed by its value. The column is the field the clause names (目标值 → target). None when no
    clause is labelled."""
    clauses = [m for m in re.finditer(r"[^,，]+", text)]
    fields: list[tuple[str, str]] = []
    start: int | None = None
    for clause in clauses:
        body = clause.group(0).strip()
        # the longest opening that is exactly a value column's name, with something left for the value
        found = next(((n, match) for n in range(min(len(body) - 1, 8), 1, -1)
                      if (match := match_header(body[:n])) is not None and match.exact
                      and match.spec.name in _NAMED_FIELDS), None)
        if found is None:
            if start is not None:
                return None  # a clause after the fields that is none: not this shape
            continue
        if start is None:
            start = clause.start()
        fields.append((found[1].spec.name, body[found[0]:].strip()))
    if start is None or not fields or any(not value for _, value in fields):
        return None
    name = text[:start].rstrip(",， ").strip()
    return (name, fields) if re.search(r"[\u4e00-\u9fff]", name) else None


def _outline_item(line: str) -> tuple[str, list[tuple[str, str]]] | None:
    """One indicator on a line of its own under an outline heading, as (name, [(column, value)]): its
    numbering dropped, the closing ';' or '。' dropped, then (1) clauses naming their fields ('目标值200'),
    (2) a sign-led value after the name ('…(县内培训)≧300人'), or (3) a text value after the last comma
    ('完成时限,2025年10月底前': the notice writes the name, a comma, then the target). A line closed by
    ';' or '。' with none of these is a statement (name only). None for any other line (附件, signature):
    it ends the list."""
    text = _PROSE_ITEM_NUMBER.sub("", line).strip()
    closed = text[-1:] in ";；。"
    text = text.rstrip(";；。").strip()
    if not re.search(r"[\u4e00-\u9fff]", text):
        return None
    labelled = _labelled_fields(text)
    if labelled is not None:
        return labelled
    at = _prose_value(text)
    if at is not None and re.search(r"[\u4e00-\u9fff]", text[:at]):
        return text[:at].strip(), [("target", text[at:].strip())]
    if not closed:
        return None
    comma = max(text.rfind(","), text.rfind("，"))
    if comma > 0 and text[comma + 1:].strip() and re.search(r"[\u4e00-\u9fff]", text[:comma]):
        return text[:comma].strip(), [("target", text[comma + 1:].strip())]
    return text, []


def _prose_rows(numbered: list[tuple[int, str]]) -> list[list[Piece]]:
    """Rows of a prose form: the page's lines above the first heading as they are, then a row per
    indicator under its heading's 一级 and its label's (or sub-heading's) 二级, each cell with the role
    the prose gives it. A line under a heading that is neither a label line nor an indicator of its
    own ends the list (附件, the signature)."""
    if _prose_outline([line for _, line in numbered]):
        return _prose_outline_rows(numbered)
    if not _prose_lines([line for _, line in numbered]):
        return _goal_list_rows(numbered)
    rows: list[list[Piece]] = []
    table: list[list[Piece]] = []
    level1: str | None = None
    level2: str | None = None
    opened = False
    for number, line in numbered:
        head = _prose_head(line)
        if head is not None:
            level1, level2, opened = head, None, True
            continue
        if level1 is None:
            if not opened:
                rows.append([(line, number)])
            continue
        if not _opens_with_label(line):
            level1 = None  # the list has ended; a later heading may open it again
            continue
        for label, name, value in _prose_items(_unnumbered(line)):
            if label is not None:
                if level1_name(label) and not level2_name(label):
                    if level1_name(label) != level1_name(level1):  # a new 一级 named in the line
                        level1, level2 = label, None
                    continue  # the heading's own 一级 again ('效益指标:经济效益指标:…')
                level2 = label
                continue
            table.append(hinted(number, level1=level1, level2=level2, level3=name, target=value))
    return rows + table


def _prose_outline_rows(numbered: list[tuple[int, str]]) -> list[list[Piece]]:
    """Rows of the outline kind of prose: numbered 一级 headings, 二级 sub-headings of another ordinal
    style, one indicator a line, each cell with its role: 一级/二级/三级 and the value fields the lines
    give (指标值, and 实际完成值/分值/得分 where the sentences name them)."""
    rows: list[list[Piece]] = []
    items: list[tuple[int, str | None, str | None, str, list[tuple[str, str]]]] = []
    first: int | None = None
    style: str | None = None
    level1: str | None = None
    level2: str | None = None
    for number, line in numbered:
        heading = _numbered_heading(line)
        if heading is not None and (style is None and level1_name(heading[1]) or heading[0] == style):
            if first is None:
                first, style = number, heading[0]
            level1, level2 = (heading[1], None) if level1_name(heading[1]) else (None, None)
            continue
        if first is None:
            rows.append([(line, number)])
            continue
        if level1 is None:
            continue  # after the list, or under a section that is no group
        if heading is not None and level2_name(heading[1]):
            level2 = heading[1]
            continue
        item = _outline_item(line)
        if item is None:
            level1 = None  # the list has ended; a later heading may open it again
            continue
        items.append((number, level1, level2, *item))
    if first is None:
        return rows
    return rows + [hinted(number, level1=one, level2=two, level3=name, **dict(fields))
                   for number, one, two, name, fields in items]


def _name_broken_before(text: str) -> bool:
    """A cell that, with '指标' after it, is a group name the page broke over two lines: a 二级 or 一级
    name of the taxonomy (经济效益 / 指标) or of a form's own words (项目完成 / 指标)."""
    name = f"{text}指标"
    return name in group_names().every or bool(level1_name(name)) or bool(level2_name(name))


def _broken_name(last: str, first: str) -> bool:
    """Two cells that are one group name the page broke: '经济效益' / '指标', '经济效' / '益指标',
    '服务对象' / '满意度指标', '项目完成' / '指标' (a form's own 一级 word)."""
    every = group_names().every
    if f"{last}{first}" in every:
        return True  # the longer name, though the first part is a name too (项目完成 / 指标)
    return last not in every and first == "指标" and _name_broken_before(last)


_WEIGHT_AFTER_NAME = re.compile(r"^[(（]?\s*\d+(?:\.\d+)?\s*分?\s*[)）]\s*分?$")  # '(50)', '30分)' (its '(' lost)


def _join_broken_names(cells: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A group name the page broke over two cells joined again: '经济效益' / '指标', '经济效' / '益指标';
    and a 一级 cell's weight printed on the next line ('产出指标' / '(50)') kept with it, as in
    '产出指标 (40-50)分'."""
    out: list[tuple[int, str]] = []
    for number, text in cells:
        previous = out[-1][1] if out else ""
        if out and _broken_name(previous, text):
            out[-1] = (out[-1][0], f"{previous}{text}")
        elif out and level1_name(previous) and _WEIGHT_AFTER_NAME.match(text):
            out[-1] = (out[-1][0], f"{previous} {text}")
        else:
            out.append((number, text))
    return out


def _join_wrapped_names(rows: list[list[tuple[str, int]]]) -> list[list[tuple[str, int]]]:
    """A glued table's group name wrapped onto the next line ('经济效益' / '指标', '满意度指标服务对象' /
    '满意度指标'): where a line's last piece is no taxonomy name but it and the next line's first piece
    make one ('服务对象' + '满意度指标'), the source wrapped a cell there, and the two are one cell again
    (no character added). Only lines that follow each other: a blank line between them is an empty cell."""
    out: list[list[tuple[str, int]]] = []
    for row in rows:
        previous = out[-1] if out else None
        if previous and row and row[0][1] == previous[-1][1] + 1:
            (last, line), first = previous[-1], row[0][0]
            if _broken_name(last, first):
                previous[-1] = (f"{last}{first}", line)
                row = row[1:]
                if not row:
                    continue
        out.append(list(row))
    return out


_LEAD_PIPE = re.compile(r"^\s+\|(.*)$")


def _lead_pipe_rows(lines: list[str]) -> list[list[tuple[str, int]]]:
    """A table dumped a cell per line, each led by blanks and a pipe ('        | 二级指标'): a row opens
    with a line of its own (its first cell, no pipe), goes on with the piped lines, and closes at a
    line of pipes alone ('| |', '| ||', '| '); an indented line without a pipe is the cell above it
    wrapped ('社会效益' / '       指标')."""
    rows: list[list[tuple[str, int]]] = []
    current: list[tuple[str, int]] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        piped = _LEAD_PIPE.match(line)
        if piped:
            text = piped.group(1).strip()
            if re.fullmatch(r"[|\s]*", text):  # the row closes
                if current:
                    rows.append(current)
                current = None
                continue
            current = (current or []) + [(text, number)]
        elif line[:1].isspace() and current:
            text, first = current[-1]
            current[-1] = (text + line.strip(), first)  # no character added: the wrap's blanks go
        else:
            if current:
                rows.append(current)
            current = [(line.strip(), number)]
    if current:
        rows.append(current)
    return rows


_WRAPPED_RUN = 16  # characters: a cell wrapped in a narrow column ('绩'/'效'/'指', '打造金安国际网球')


def _pipe_after_cells(stripped: list[str]) -> bool:
    """A dump printing each cell on lines of its own with a lone '|' line after it ('项目名称' / '|'),
    rather than ending the cell's line in a pipe ('项目名称 |'): the lines show which (more bare lines
    closed by a lone pipe than lines of text ending in one)."""
    text_piped = sum(1 for line in stripped if (m := _CELL_LINE.match(line)) is not None and m.group(1).strip())
    closed_by_pipe = sum(1 for line, after in zip(stripped, stripped[1:]) if "|" not in line and after == "|")
    return closed_by_pipe >= 3 and closed_by_pipe > text_piped


class _CellLines:
    """Reads a cell-per-line dump line by line (see :func:`_cell_line_rows`); one method per kind of line."""

    def __init__(self, stripped: list[str]):
        self.pipe_after = _pipe_after_cells(stripped)
        self.rows_close = any(_PIPE_ONLY.match(line) for line in stripped)
        self.rows: list[list[tuple[str, int]]] = []
        self.current: list[tuple[str, int]] | None = None
        self.pending: list[tuple[str, int]] = []  # bare lines waiting for the pipe that closes their cell
        self.seen_pipe = False  # the table has begun (lines above its first pipe are the page's, not cells)
        self.just_closed = False  # the last line closed a cell (pipe_after dialect)

    def page_lines(self) -> None:
        """The bare lines waiting were no cell's: the row above ends, and each is a row of its own."""
        if self.current:
            self.rows.append(self.current)
        self.current = None
        self.rows.extend([item] for item in self.pending)
        self.pending.clear()

    def _pending_cell(self) -> tuple[str, int]:
        cell = ("".join(t for t, _ in self.pending), self.pending[0][1])
        self.pending.clear()
        return cell

    def closing_line(self) -> None:
        """'| |||': the row closes (a cell whose bare lines wait for it closes with it)."""
        if self.pending:
            if self.pipe_after and self.seen_pipe:
                self.current = (self.current or []) + [self._pending_cell()]
            else:
                self.page_lines()
        if self.current is not None:
            self.rows.append(self.current)
        self.current = None
        self.seen_pipe, self.just_closed = True, False

    def lone_pipe(self, number: int) -> None:
        """'|': closes the cell whose bare lines wait for it, ends a row ('|' / '|'), or is an empty cell."""
        if self.pipe_after and self.pending:
            if not self.seen_pipe:  # the page's lines above the table: only the last is its first cell
                self.rows.extend([item] for item in self.pending[:-1])
                del self.pending[:-1]
            self.current = (self.current or []) + [self._pending_cell()]
            self.seen_pipe, self.just_closed = True, True
            return
        if self.pending:
            self.page_lines()
        if self.pipe_after and self.just_closed and not self.rows_close and self.current is not None:
            self.rows.append(self.current)  # '|' / '|': the row ends here
            self.current, self.just_closed = None, False
            return
        if self.current is None:
            self.current = []  # a row opens
        elif not self.rows_close and not self.pipe_after:
            self.current.append(("", number))  # rows never close in this dump: an empty cell keeps its place
        self.seen_pipe, self.just_closed = True, False

    def cell_line(self, match: re.Match, number: int) -> None:
        """'text |' (or 'text | |||', closing the row): a cell, joined to the bare lines right above it
        when they are its wrapped start."""
        text = match.group(1).strip()
        wrapped = self.pending and self.current is not None and not self.pipe_after \
            and sum(len(t) for t, _ in self.pending) <= _WRAPPED_RUN
        if wrapped:  # a short run of bare lines right above a cell's line inside a row: the cell wrapped
            start, number = self._pending_cell()
            text = start + text
        elif self.pending:
            self.page_lines()
        self.current = (self.current or []) + [(text, number)]
        if match.group(2):  # the row closes on this line
            self.rows.append(self.current)
            self.current = None
        self.seen_pipe, self.just_closed = True, False

    def bare_line(self, line: str, number: int) -> None:
        """A cell's (first) line waiting for its pipe, or a line outside the table (title, sign-off)."""
        if self.pipe_after or self.current is not None:
            self.pending.append((line, number))
        else:
            self.rows.append([(line, number)])

    def finish(self) -> list[list[tuple[str, int]]]:
        if self.pending:  # bare lines no pipe closed: not shown to be cells (a sign-off, a cut excerpt's end)
            self.page_lines()
        if self.current:
            self.rows.append(self.current)
        rows = self.rows
        if not self.rows_close and not self.pipe_after:
            rows = [part for row in rows for part in regrid_stream(row)]
        return [[cell for cell in row if cell[0]] for row in rows]


def _cell_line_rows(lines: list[str]) -> list[list[tuple[str, int]]]:
    """The rows of a table dumped a cell per line (form ``cell_lines``), in its dialects:

    - each cell's line ends in ' |' (a lone '|' is an empty cell, or opens the first row), and a line
      of pipes ('| |||', '||||') closes a row; a cell the page wrapped in a narrow column starts on
      bare lines right above its piped line ('绩' / '效' / '指' / '标 |', '一级' / '指标 |');
    - each cell on bare lines of its own closed by a lone '|' line ('一级' / '指标' / '|'); a lone '|'
      right after a closed cell is an empty cell where lines of pipes close the rows, and closes the
      row where the dump has no such lines (its rows end '|' / '|');
    - cells ending in ' |' and rows that never close, empty cells printed as a lone '|': the cells keep
      their places, and the rows are cut by the header's width (:func:`regrid_stream`).

    A wrapped cell's lines are joined with nothing between them (no character added)."""
    numbered = [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]
    reader = _CellLines([line for _, line in numbered])
    for number, line in numbered:
        if _PIPE_ONLY.match(line):
            reader.closing_line()
        elif line == "|":
            reader.lone_pipe(number)
        elif (match := _CELL_LINE.match(line)) is not None:
            reader.cell_line(match, number)
        else:
            reader.bare_line(line, number)
    return reader.finish()


def _header_run_at(row: list[tuple[str, int]], i: int) -> int:
    """How many cells from ``i`` on are column names (a header printed a cell at a time)."""
    names = printed_header_names()
    k = i
    while k < len(row) and row[k][0] and (row[k][0] in names or _is_name_with_note(row[k][0])):
        k += 1
    return k - i


def _block_label(text: str) -> bool:
    from ..layout.header_block import all_labels, match_label

    return bool(text) and match_label(text, all_labels()) is not None


def regrid_stream(row: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """A table dumped one cell per line whose rows never close, empty cells kept: after each header (a
    run of three column names or more) every as many cells as the header has columns make a row, as
    long as each such row opens with a name (a dump that drops merged cells does not keep positions:
    then the row is left whole, for the reader to cut by what its cells hold). A header block's label
    and its value make a row of their own, anything else a row of one cell. A block label before the
    column names (绩效指标 over 指标 | 指标权重 …) spans the rows: no column of them."""
    if len(row) < 12:
        return [row]
    out: list[list[tuple[str, int]]] = []
    width, i = 0, 0
    groups: list[bool] = []
    while i < len(row):
        run = _header_run_at(row, i)
        if run >= 3:
            lead = 1 if is_row_label_header(row[i][0]) and is_row_label_header(row[i + 1][0]) else 0
            out.append(row[i:i + run])
            width, i = run - lead, i + run
            groups = [_names_group(text) for text, _ in row[i - width:i]]
            continue
        chunk = row[i:i + width]
        if width and len(chunk) == width and not _ends_stretch(chunk):
            if not _keeps_places(chunk, groups):
                return [row]  # the cells do not keep their places: not this dialect after all
            out.append(chunk)
            i += width
            continue
        width = 0  # the table has ended: what follows is the page's, until the next header
        if _block_label(row[i][0]) and i + 1 < len(row) and row[i + 1][0] and not _block_label(row[i + 1][0]):
            out.append(row[i:i + 2])  # 专项资金名称 | 在职村村干部补助: a label and its value
            i += 2
            continue
        out.append([row[i]])
        i += 1
    return [part for part in out if any(text for text, _ in part)]


def _ends_stretch(chunk: list[tuple[str, int]]) -> bool:
    """A run of cells that is no table row: a header block's label, a sign-off or a table's title in it."""
    return any(_block_label(text) or FURNITURE.match(text) or _TABLE_TITLE.search(text) for text, _ in chunk)


def _names_group(header: str) -> bool:
    match = match_header(header)
    return match is not None and match.spec.name in ("level1", "level2")


def _keeps_places(chunk: list[tuple[str, int]], groups: list[bool]) -> bool:
    """A run of cells cut at the header's width is a row only if it opens with a name and a group name
    stands only under a group column (a dump that drops a merged cell shifts the rest: '质量指标 |
    赛事完成率 | 100% | 效益指标')."""
    first = chunk[0][0]
    if not first or not re.search(r"[\u4e00-\u9fff]", first) or re.match(r"^\s*[\d≥≤=<>≧≦]", first):
        return False
    return not any(text and not group and (level1_name(text, bare_stem=False) or level2_name(text, bare_stem=False))
                   for (text, _), group in zip(chunk, groups))


_TABLE_TITLE = re.compile(r"绩效目标表|绩效自评表|目标申报表|目标审批表|^表[一二三四五六七八九十\d]+$")


_TREE_VALUE = re.compile(r"^(?:[≥≤=<>≧≦]|>=|<=)?\s*\d")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_tree(lines: list[str]) -> bool:
    """A budget system's tree export: no grid, the level shown only by the indent ('   产出指标' /
    '    成本指标(必填)' / '     三级 name', its value on an unindented line below). Two or more 一级 names
    indented, each with a deeper 二级 name right under it."""
    body = [line for line in lines if line.strip() and "|" not in line]
    heads = [k for k, line in enumerate(body) if _indent(line) and level1_name(line.strip())]
    nested = [k for k in heads if k + 1 < len(body) and _indent(body[k + 1]) > _indent(body[k])
              and level2_name(body[k + 1].strip())]
    return len(nested) >= 2


def _tree_rows(lines: list[str]) -> list[list[Piece]]:
    """Rows of a tree export: the page's lines before it as they are, then a row per 三级 node under
    the 一级 and 二级 nodes it is indented below, with the unindented value line that follows it, each
    cell with the role the tree gives it. Lines after the tree go on as rows of their own (the reader
    ends the table at them)."""
    rows: list[list[Piece]] = []
    level1: tuple[str, int, int] | None = None  # text, line, indent
    level2: tuple[str, int, int] | None = None
    name: tuple[str, int] | None = None
    for number, line in enumerate(lines, start=1):
        text, indent = line.strip(), _indent(line)
        if not text:
            continue
        if level1 is not None and indent > level1[2] and level2_name(text) and (level2 is None or indent <= level2[2]):
            # deeper than its 一级: a 二级, even one named like a 一级 elsewhere (成本指标 under 产出指标)
            level2, name = (text, number, indent), None
        elif indent and level1_name(text):
            level1, level2, name = (text, number, indent), None, None
        elif level1 is not None and level2 is not None and indent > level2[2]:
            name = (text, number)  # a 三级 node: its value comes on the next line
        elif name is not None and not indent and _TREE_VALUE.match(text):
            assert level1 is not None and level2 is not None
            rows.append([(*level1[:2], "level1"), (*level2[:2], "level2"), (*name, "level3"), (text, number, "target")])
            name = None
        else:
            rows.append([(text, number)])
    return rows


_SCORE_RANGE_TOKEN = re.compile(r"^[(（]\s*\d+(?:\.\d+)?\s*(?:[-－—~～]\s*\d+(?:\.\d+)?)?\s*分?\s*[)）]\s*分?$")


def _keep_score_ranges(tokens: list[str]) -> list[str]:
    """'产出指标 (40-50)分': the score range belongs to the section cell before it."""
    out: list[str] = []
    for token in tokens:
        if out and _SCORE_RANGE_TOKEN.match(token):
            out[-1] = f"{out[-1]} {token}"
        else:
            out.append(token)
    return out


_CONTINUED = re.compile(r"[^|\s]\s*\|$")  # ends in one pipe right after a cell: the row goes on


def _HEADERISH(cells: list[tuple[str, int]]) -> bool:
    """Cells that are all column names or block labels: a header row the dump broke over lines."""
    names = printed_header_names()

    def named(text: str) -> bool:
        bare = re.sub(r"\s+|[(（](?:.{1,8}|[^()（）]+、[^()（）]+)[)）]$", "", text)  # a note or the column's choices
        # 计划指标值(或计划水平): a column name with the form's own qualifier before it
        return re.sub(r"\s+", "", text) in names or bare in names or \
            any(bare.endswith(name) for name in names if len(name) >= 3)
    return bool(cells) and all(named(text) for text, _ in cells)


def _cell(source: str, text: str, row: int, col: int, line: int) -> GridCell:
    # a dump of a table holds each cell as printed: no width to have cut it at (the seed's glued
    # dump, where a cell that filled its width is seen, is read by extractors/text.py)
    return GridCell(text=text, row=row, col=col, provenance=Provenance(file=source, line=line), at_capacity=False)


def _numbered(lines: list[str]) -> list[tuple[int, str]]:
    return [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]


def outline_rows(lines: list[str]) -> list[list[Piece]]:
    return _outline_rows(_numbered(lines))


def prose_rows(lines: list[str]) -> list[list[Piece]]:
    return _prose_rows(_numbered(lines))


def _stream_header_cells(numbered: list[tuple[int, str]], start: int) -> tuple[list[tuple[str, int]], int]:
    """The header of a cell stream (one column name a line from ``start``) and where its body starts."""
    header: list[tuple[str, int]] = []
    k = start
    while k < len(numbered):
        # the longest name the next lines make: one broken over lines of its own ('年度' / '指标值',
        # '偏差原因' / '分析及' / '改进措施') is read whole
        width = next((w for w in (3, 2) if k + w <= len(numbered) and
                      "".join(t for _, t in numbered[k:k + w]) in printed_header_names()), 0)
        if not width and (numbered[k][1] in printed_header_names() or _is_name_with_note(numbered[k][1])):
            width = 1
        if not width:
            break
        header.append(("".join(t for _, t in numbered[k:k + width]), numbered[k][0]))
        k += width
    if (len(header) >= 3 and k + 1 < len(numbered) and is_weight_header(numbered[k][1])
            and numbered[k + 1][1] in group_names().every):
        # the score column's header printing its block's weight ('50') right before the first
        # row's group name: the header's last cell (the reader's header step reads it as the score column)
        header.append(numbered[k][::-1])
        k += 1
    return header, k


def _is_level1(text: str) -> bool:
    """A 一级 name: the vocabulary's, or one its national name can be read from (产出类指标)."""
    return text in group_names().level1 or level1_name(text, bare_stem=False) is not None


def _is_level2(text: str) -> bool:
    return text in group_names().level2 or level2_name(text, bare_stem=False) is not None


def _is_group(text: str) -> bool:
    return text in group_names().every or _is_level1(text) or _is_level2(text)


def _empty_group(body: list[tuple[int, str]], k: int) -> bool:
    """A 二级 name followed at once by another group name ('经济效益指标' / '社会效益指标'): a group of the
    template the filing left without indicators."""
    return _is_level2(body[k][1]) and not _is_level1(body[k][1]) and k + 1 < len(body) and _is_group(body[k + 1][1])


def stream_rows(lines: list[str]) -> list[list[tuple[str, int]]]:
    """A cell stream: the page's lines, the header (one column name a line), then rows opened at each
    一级 name (or 二级 where no 一级 is printed)."""
    numbered = _numbered(lines)
    start = _stream_header([line for _, line in numbered]) or 0
    rows: list[list[tuple[str, int]]] = [[(line, number)] for number, line in numbered[:start]]
    header, k = _stream_header_cells(numbered, start)
    rows.append(header)
    body = _join_broken_names(numbered[k:])
    opens = _is_level1 if any(_is_level1(line) for _, line in body) else _is_level2
    current_row: list[tuple[str, int]] = []
    for k, (number, line) in enumerate(body):
        if FURNITURE.match(line):
            break
        # 成本指标 is a 一级 and a 二级 name: a row starts only once the current one holds
        # more than taxonomy names
        if _is_group(line) and not all(_is_group(text) for text, _ in current_row) and (
                opens(line) or _empty_group(body, k)):
            rows.append(current_row)
            current_row = []
        current_row.append((line, number))
        if _empty_group(body, k):
            rows.append(current_row)  # a group the filing left empty: a row of its own, no record
            current_row = []
    if current_row:
        rows.append(current_row)
    return rows


def _header_run_start(parts: list[str], end: int) -> int:
    """Where the run of column names that ends at ``end`` starts."""
    names = printed_header_names()
    start = end
    while start > 0 and parts[start - 1] in names:
        start -= 1
    return start


def _glued_header_rows(stripped: str) -> list[list[str]]:
    """A glued header line's rows: the text before the header's names (a report's sentence leading
    into the table: a row of its own), then the header with what runs on after it."""
    parts = segment_header(stripped)
    start = _header_run_start(parts, _header_run_end(parts))
    if start > 0 and len(parts) - start >= 3 and any(ch in "".join(parts[:start]) for ch in ",，:：。"):
        return [parts[:start], _glued_header_parts("".join(parts[start:]))]
    return [_glued_header_parts(stripped)]


def _glued_header_parts(stripped: str) -> list[str]:
    parts = segment_header(stripped)
    # rows run on after the header's names on the same line (a flattened page): cut them as rows
    end = _header_run_end(parts)
    rest = cut_glued_row("".join(parts[end:]))
    if rest and place_columns(rest[0]) and not any(
            (m := match_header(p)) is not None and m.spec.name in ("target", "actual") for p in parts[:end]):
        # town names run on after a header naming no value column: one target column per town
        rest = place_columns(rest[0]) + rest[1:]
    return parts[:end] + rest


def glued_rows(lines: list[str]) -> list[list[tuple[str, int]]]:
    """One row a line, cells run together: cut at the header's names and at the pieces values make."""
    rows: list[list[tuple[str, int]]] = []
    in_table = False
    page = 0  # the document-sharing site's last page marker ('1、' … at a line's start), 0 when none
    for number, line in enumerate(lines, start=1):
        stripped = _unwrap(line.strip()) if in_table or _glued_header(_unwrap(line.strip())) else line.strip()
        if not stripped:
            continue
        marker = _PAGE_MARK.match(stripped)
        if in_table and page and marker and int(marker.group(1)) == page + 1 and rows:
            # a new preview page inside the table: the row goes on from the last line (the marker
            # is the site's, not the filer's; the cut at it stays, as the page broke there)
            page += 1
            rows[-1].extend((part, number) for part in cut_glued_row(stripped[marker.end():]) if part)
            continue
        if _glued_header(stripped):
            page = 1 if not in_table and marker and marker.group(1) == "1" else page
            in_table = True
            line_rows = _glued_header_rows(stripped)
        else:
            line_rows = [cut_glued_row(stripped) if in_table else [stripped]]
        # a flattened table runs its total row ('……总分100100') and the notes below it on: they
        # are a row of their own, which ends the table
        for parts in line_rows:
            for cut in _at_totals([part for part in parts if part]):
                rows.append([(part, number) for part in cut])
    return _join_wrapped_names(rows)


def _line_parts(form: str, stripped: str) -> list[str]:
    if form == "pipe" and "|" in stripped:
        return [part.strip() for part in stripped.split("|")]
    if form == "pipe":
        return [stripped]
    return _keep_score_ranges(stripped.split())


_ONE_CHARACTER = re.compile(r"^[\u4e00-\u9fff]$")


def _vertical_names(lines: list[str]) -> list[tuple[int, str]]:
    """The lines (numbered, stripped, blank ones left out) with a group name printed down a narrow merged
    cell joined again: lines of one character each ('产' / '出' / '指') whose run, with the first token
    of the line after them ('标 数量指标 …'), spells a 一级 or 二级 name, become that line ('产出指标 数量指标
    …'), numbered as it is. Nothing is joined that does not spell a group name (no character added)."""
    out: list[tuple[int, str]] = []
    run: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if _ONE_CHARACTER.match(stripped):
            run.append((number, stripped))
            continue
        head, _, rest = stripped.partition(" ")
        joined = "".join(text for _, text in run) + head
        if len(run) >= 2 and (joined in group_names().every or level1_name(joined) or level2_name(joined)):
            out.append((number, f"{joined} {rest}".strip()))
        else:
            out += run + [(number, stripped)]
        run = []
    return out + run


_NUMBERED_LABEL = re.compile(rf"^{_NUMBERED_SLOT}")


def _at_numbered_labels(row: list[tuple[str, int]]) -> list[list[tuple[str, int]]]:
    """A spreadsheet flattened into one line of tokens whose indicators are numbered ('指标6:举办…活动 12次
    96次 1 1 指标7:…'): a row at each numbered label (four or more on the line), the tokens before the
    first as a row of their own. Any other line is one row."""
    starts = [k for k, (text, _) in enumerate(row) if _NUMBERED_LABEL.match(text)]
    if len(starts) < 4:
        return [row]
    bounds = [0, *starts, len(row)] if starts[0] else [*starts, len(row)]
    return [row[a:b] for a, b in zip(bounds, bounds[1:]) if a < b]


def line_rows(lines: list[str], form: str) -> list[list[tuple[str, int]]]:
    """One row a line (``pipe``: cells between pipes; ``spaced``: whitespace tokens); a header the
    dump broke over lines is joined again, and in a spaced dump a group name printed down a merged cell
    or wrapped onto the next line ('经济效益' / '指标 …')."""
    rows: list[list[tuple[str, int]]] = []
    pending: list[tuple[str, int]] = []  # a pipe row broken over lines, waiting for its end
    numbered = _vertical_names(lines) if form == "spaced" else \
        [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]
    for number, stripped in numbered:
        parts = _line_parts(form, stripped)
        if form == "spaced" and parts == ["指标"] and rows and rows[-1] and _broken_name(rows[-1][-1][0], "指标"):
            rows[-1][-1] = (f"{rows[-1][-1][0]}指标", rows[-1][-1][1])  # 项目完成 / 指标: one name
            continue
        row_cells = [(part, number) for part in parts if part]
        if pending and _HEADERISH(row_cells):
            row_cells = pending + row_cells
        elif pending:
            rows.append(pending)  # the header ended at its line: this line is a row of its own
        pending = []
        if form == "pipe" and _CONTINUED.search(stripped) and _HEADERISH(row_cells):
            pending = row_cells  # "一级 指标 |" then "二级 指标 |": one header row over several lines
            continue
        if row_cells:
            rows += _at_numbered_labels(row_cells) if form == "spaced" else [row_cells]
    if pending:
        rows.append(pending)
    return _join_wrapped_names(rows) if form == "spaced" else rows
