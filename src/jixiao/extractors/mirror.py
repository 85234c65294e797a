"""A mirror site's copy of a filing: traditional characters, the pinyin of some inserted after them.

Some sites republish government pages converted to traditional characters, inserting the pinyin of
characters they think rare (``績效指標(biāo)``, ``產(chǎn)出指標(biāo)``). Nothing of that is the filer's: the
filing was printed in simplified characters. Read as it is, no column name or group name matches,
and the table is lost (a real batch lost two filings so). So a text that is such a copy is read as
the filing printed it: in simplified characters, the inserted pinyin removed (OpenCC and one
pattern; no character is added), and the filing says so in a warning, so that a clerk knows the
text was converted; each cell's provenance still names the line of the copy.
"""

from __future__ import annotations

import re

from ..layout.clean import INSERTED_PINYIN, simplified
from ..model import ErrorCode, ErrorItem, Severity

_CJK = re.compile(r"[\u4e00-\u9fff]")
MIN_PINYIN = 3  # insertions that make a copy a mirror's (a filing may quote one reading in brackets)
MIN_TRADITIONAL = 0.03  # share of characters simplification changes: a text in traditional characters


def is_mirror_copy(text: str) -> bool:
    """Whether the text is a mirror's copy: pinyin inserted after characters, or set in traditional ones."""
    if len(INSERTED_PINYIN.findall(text)) >= MIN_PINYIN:
        return True
    cjk = _CJK.findall(text)
    if len(cjk) < 50:
        return False
    changed = sum(1 for a, b in zip(text, simplified(text)) if a != b and _CJK.match(a))
    return changed >= MIN_TRADITIONAL * len(cjk)


def unmirrored(text: str, source: str, errors: list[ErrorItem]) -> str:
    """The text as the filer printed it, when it is a mirror's copy (with a warning in ``errors``);
    else the text unchanged. Line breaks are kept, so line numbers stay those of the copy."""
    if not is_mirror_copy(text):
        return text
    lines = text.split("\n")
    converted = "\n".join(simplified(line) for line in lines)
    errors.append(ErrorItem(
        code=ErrorCode.MIRROR_TEXT, component="extract", severity=Severity.WARNING,
        message=f"{source}: a mirror site's copy (traditional characters, pinyin inserted after some of them): "
        "read in simplified characters with the pinyin removed; the lines are those of the copy"))
    return converted
