"""Small text helpers every stage may import: CJK tests, Chinese numerals (jieba's words: :mod:`.words`)."""

from __future__ import annotations

from typing import Optional

CHINESE_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def is_cjk(char: str) -> bool:
    """Whether one character is a CJK ideograph (the basic block, extension A, compatibility)."""
    # the hot path of alignment: plain comparisons, no loop
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"


def is_word_char(char: str) -> bool:
    """Characters a collapsed run may have lost: CJK, letters and digits, not punctuation."""
    return is_cjk(char) or char.isalnum()


def chinese_numeral(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十 (up to 99, enough for item labels)."""
    digits = "一二三四五六七八九"
    if n < 10:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")


def parse_chinese_numeral(text: str) -> Optional[int]:
    """一 → 1, 十一 → 11, 二十 → 20; None for anything that is not one numeral."""
    text = text.strip()
    if not text or " " in text:
        return None
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = CHINESE_DIGITS.get(tens, None) if tens else 1
        o = CHINESE_DIGITS.get(ones, None) if ones else 0
        return None if t is None or o is None else t * 10 + o
    return CHINESE_DIGITS.get(text) if len(text) == 1 else None
