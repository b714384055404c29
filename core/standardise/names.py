"""Person names: clean them, tell their script, give a Latin form, split full names.

The same person arrives as ``张伟``, ``張偉``, ``Zhang Wei`` and ``WEI ZHANG``. The
native form is kept as written; :func:`to_latin` gives the form in which all of
them can meet (``"zhang wei"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pypinyin import Style, lazy_pinyin

from core.standardise.text import fold_to_ascii, normalise_text

__all__ = [
    "NameForm",
    "Script",
    "detect_script",
    "normalise_text",
    "split_full_name",
    "standardise_name",
    "strip_titles",
    "to_latin",
]

Script = Literal["han", "latin", "other", "mixed"]

_HAN_CHARS = "\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{_HAN_CHARS}]")
_HAN_RUN = re.compile(f"[{_HAN_CHARS}]+")
# Latin letters, including full-width ones; × and ÷ sit in the Latin-1 block but are not letters.
_LATIN = re.compile(
    r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\uff21-\uff3a\uff41-\uff5a]"
)

_TITLE_PREFIX = re.compile(
    r"^(?:(?:mr|mrs|ms|miss|mx|dr|prof|sir|herr|frau|mme|mlle)\.?(?:\s+|(?<=\.)(?=\S)))+",
    re.IGNORECASE,
)
_TITLE_SUFFIX = re.compile(r"\s*(?:先生|女士|小姐|太太|夫人|博士|教授|老师|老師)$")
_TRANSLITERATION_DOT = re.compile(r"\s*[·•・‧]\s*")

#: Two-character family names, simplified and traditional; everything else is one character.
# fmt: off
COMPOUND_SURNAMES: frozenset[str] = frozenset({
    "欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方", "皇甫", "尉迟", "尉遲",
    "公孙", "公孫", "慕容", "长孙", "長孫", "司徒", "夏侯", "令狐", "宇文", "端木", "轩辕", "軒轅",
    "万俟", "萬俟", "单于", "單于", "澹台", "澹臺", "闻人", "聞人", "呼延", "南宫", "南宮", "西门",
    "西門", "申屠", "独孤", "獨孤", "百里", "东郭", "東郭", "拓跋",
})
# fmt: on

# Family names read differently from the same character in ordinary words (tone-less pinyin).
# fmt: off
_SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",), "單": ("shan",), "曾": ("zeng",), "区": ("ou",), "區": ("ou",),
    "仇": ("qiu",), "解": ("xie",), "查": ("zha",), "朴": ("piao",), "盖": ("ge",), "蓋": ("ge",),
    "覃": ("qin",), "乐": ("yue",), "樂": ("yue",), "缪": ("miao",), "繆": ("miao",),
    "翟": ("zhai",), "种": ("chong",), "種": ("chong",), "员": ("yun",), "員": ("yun",),
    "召": ("shao",), "秘": ("bi",), "黑": ("he",), "折": ("she",), "重": ("chong",),
    "隗": ("wei",), "繁": ("po",), "句": ("gou",), "冼": ("xian",), "洗": ("xian",), "宓": ("fu",),
    "长孙": ("zhang", "sun"), "長孫": ("zhang", "sun"), "尉迟": ("yu", "chi"),
    "尉遲": ("yu", "chi"), "万俟": ("mo", "qi"), "萬俟": ("mo", "qi"), "单于": ("chan", "yu"),
    "單于": ("chan", "yu"),
}
# fmt: on


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name as written (``text``), its script and its Latin form for matching."""

    text: str
    script: Script
    latin: str


def detect_script(text: str) -> Script:
    """Tell which script a name is written in, ignoring digits, spaces and punctuation.

    Matching compares ``han`` names by characters and by pinyin, ``latin`` names
    by spelling: ``detect_script("张伟")`` is ``"han"``, ``"José"`` is ``"latin"``,
    ``"张伟 David"`` is ``"mixed"``, ``"Иван"`` and text without letters are ``"other"``.
    """
    has_han = _HAN.search(text) is not None
    has_latin = _LATIN.search(text) is not None
    rest = _LATIN.sub("", _HAN.sub("", text)) if has_han or has_latin else text
    has_other = any(char.isalpha() for char in rest)
    found = has_han + has_latin + has_other
    if found > 1:
        return "mixed"
    if has_han:
        return "han"
    if has_latin:
        return "latin"
    return "other"


def strip_titles(text: str) -> str:
    """Drop courtesy titles so ``"Dr. Jane Doe"`` and ``"Jane Doe"`` compare equal.

    Leading ``Mr``/``Mrs``/``Ms``/``Miss``/``Mx``/``Dr``/``Prof``/``Sir``/``Herr``/
    ``Frau``/``Mme``/``Mlle`` (with or without a dot, several in a row) and trailing
    ``先生``/``女士``/``小姐``/``太太``/``夫人``/``博士``/``教授``/``老师`` go:
    ``strip_titles("张先生")`` is ``"张"``. A title that is the whole text is kept.
    """
    stripped = _TITLE_PREFIX.sub("", text.strip())
    stripped = _TITLE_SUFFIX.sub("", stripped).strip()
    return stripped or text.strip()


def _han_syllables(run: str, surname_first: bool) -> list[str]:
    syllables = lazy_pinyin(run, style=Style.NORMAL)
    if surname_first and len(syllables) == len(run):
        for length in (2, 1):
            reading = _SURNAME_READINGS.get(run[:length])
            if reading:
                syllables[:length] = reading
                break
    # pypinyin spells ü as v ("lv"); Latin spellings of 吕 and 女 use u ("Lu").
    return [syllable.replace("v", "u") for syllable in syllables]


@lru_cache(maxsize=65536)
def to_latin(text: str, *, surname_first: bool = False) -> str:
    """A lowercase, tone-less, ASCII form in which native and Latin spellings meet.

    Han characters become pinyin, one syllable per character, in the order written:
    ``to_latin("张伟")`` is ``"zhang wei"``. With ``surname_first=True`` the leading
    characters are read as a family name, where some characters sound different:
    ``to_latin("单雄信", surname_first=True)`` is ``"shan xiong xin"`` (not ``"dan"``).
    Latin text is folded to ASCII: ``to_latin("José Müller")`` is ``"jose muller"``.
    """
    text = normalise_text(text)
    parts: list[str] = []
    position = 0
    first_run = True
    for match in _HAN_RUN.finditer(text):
        parts.append(fold_to_ascii(text[position : match.start()]))
        parts.extend(_han_syllables(match.group(), surname_first and first_run))
        first_run = False
        position = match.end()
    parts.append(fold_to_ascii(text[position:]))
    return " ".join(" ".join(parts).split()).lower()


@lru_cache(maxsize=65536)
def standardise_name(value: str | None) -> NameForm | None:
    """Clean a name and give its script and Latin form; ``None`` for a blank name.

    ``standardise_name(" Mr. José  Müller")`` is
    ``NameForm("José Müller", "latin", "jose muller")``; a Han name is read with its
    family name first: ``standardise_name("曾国藩").latin`` is ``"zeng guo fan"``.
    """
    if value is None:
        return None
    text = strip_titles(normalise_text(value))
    if not text:
        return None
    script = detect_script(text)
    if script == "han" and " " in text:  # "张　伟" from a form with separate boxes is "张伟"
        text = text.replace(" ", "")
    return NameForm(text=text, script=script, latin=to_latin(text, surname_first=True))


def _split_han(full: str) -> tuple[str | None, str | None]:
    parts = _TRANSLITERATION_DOT.split(full)
    if len(parts) > 1:  # 约翰·史密斯: a transliterated name, given name first
        return " ".join(parts[:-1]) or None, parts[-1] or None
    tokens = full.split()
    if len(tokens) > 1:  # 张 伟: the space marks the family name
        return "".join(tokens[1:]), tokens[0]
    family_length = 2 if full[:2] in COMPOUND_SURNAMES else 1
    return full[family_length:] or None, full[:family_length]


# Lowercase words that belong to the family name after them: "Ludwig van Beethoven".
# fmt: off
_PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le", "dos", "das",
    "ter", "ten", "bin", "al",
})
# fmt: on


def _split_spaced(full: str) -> tuple[str | None, str | None]:
    if "," in full:  # "Doe, Jane": family name first
        family, _, given = full.partition(",")
        return strip_titles(given) or None, family.strip() or None
    tokens = full.split()
    family_start = len(tokens) - 1
    while family_start > 1 and tokens[family_start - 1].lower() in _PARTICLES:
        family_start -= 1
    given = " ".join(tokens[:family_start])
    return given or None, " ".join(tokens[family_start:]) or None


def split_full_name(full: str) -> tuple[str | None, str | None]:
    """Split a full name into ``(given, family)``; ``(None, None)`` when it cannot tell.

    Han names put the family name first and it is one character, or two for the
    compound surnames: ``"张伟"`` → ``("伟", "张")``, ``"欧阳修"`` → ``("修", "欧阳")``;
    a transliterated ``"约翰·史密斯"`` → ``("约翰", "史密斯")``. Latin names put it
    last unless a comma says otherwise: ``"Jane Doe"`` and ``"Doe, Jane"`` both give
    ``("Jane", "Doe")``; particles stay with it: ``"Ludwig van Beethoven"`` →
    ``("Ludwig", "van Beethoven")``. A single word is taken as the family name. Mixed
    scripts (``"张伟 David"``) are not guessed at.
    """
    full = strip_titles(normalise_text(full))
    if not full:
        return None, None
    script = detect_script(full)
    if script == "han":
        return _split_han(full)
    if script == "mixed":
        return None, None
    return _split_spaced(full)
