"""Chinese text for matching: one character set, one tone-less Latin spelling.

The same name arrives in simplified (张伟) and traditional (張偉) characters; folding
both to simplified lets them compare equal. The pinyin form, without tones, is
where native and Latin spellings meet.
"""

from __future__ import annotations

import re
from functools import lru_cache

from opencc import OpenCC

from core.standardise import to_latin

_HAN = re.compile("[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@lru_cache(maxsize=1)
def _to_simplified() -> OpenCC:
    return OpenCC("t2s")


def has_han(text: str) -> bool:
    """True when the text holds at least one Han character.

    >>> has_han("张伟"), has_han("Zhang Wei")
    (True, False)
    """
    return _HAN.search(text) is not None


@lru_cache(maxsize=262144)
def fold_han(text: str) -> str:
    """Traditional characters to simplified ones, character by character; other text as is.

    >>> fold_han("張偉"), fold_han("歐陽修"), fold_han("臺北市")
    ('张伟', '欧阳修', '台北市')
    """
    if not has_han(text):
        return text
    simplified: str = _to_simplified().convert(text)  # opencc is untyped
    return simplified


@lru_cache(maxsize=262144)
def pinyin_key(text: str, *, surname: bool = False) -> str:
    """Tone-less pinyin without spaces: the key on which 张伟, 張偉 and "Zhang Wei" meet.

    ``surname=True`` reads the characters as a family name, which changes a few
    readings (单 is "shan" as a surname).

    >>> pinyin_key("張偉"), pinyin_key("单", surname=True), pinyin_key("Lǚ Xún")
    ('zhangwei', 'shan', 'luxun')
    """
    return to_latin(fold_han(text), surname_first=surname).replace(" ", "").replace("-", "")
