"""The transforms a mapping field may apply, each a small pure function registered by name.

A step is written as its name (``trim``) or as a one-key mapping from its name
to its argument (``{join: " "}``, ``{parse_date: "%d.%m.%Y"}``). Arguments are
checked when the mapping is loaded; each transform is then built once into a
plain function, so nothing is interpreted per record.

Text transforms (``trim``, ``lower``, ``parse_date``, ``lookup`` …) apply to
each item when the value is a list (``from: [a, b]`` or after ``split``) and
pass ``None`` through. ``join`` and ``first_non_empty`` combine a list into one
value. A value a transform cannot handle raises :class:`TransformFailure`; the
interpreter records it as a :class:`~core.errors.Problem` on the field and
goes on with the next field.

Each registration carries its usage and a one-line summary; the reference
page of every transform (``docs/reference/transforms.md``) is generated from
this registry, so it lists exactly what the loader accepts.

``filter``, ``pluck`` and ``rename`` work on lists of objects and live in
:mod:`mappings.item_transforms`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from core.standardise.flags import FLAG_WORDS
from mappings import item_transforms  # noqa: F401  (registers filter, pluck and rename)
from mappings.transform_registry import (
    TRANSFORMS,
    Step,
    TransformFailure,
    as_text,
    is_missing,
    register,
    show,
)

__all__ = ["TRANSFORMS", "Step", "TransformFailure", "as_text", "register", "show", "to_bool"]


def _is_empty(value: Any) -> bool:
    if value is None:
        return True
    if type(value) is str:
        return not value.strip()
    return type(value) is float and value != value


# --- text --------------------------------------------------------------------------------------


@register("trim", "trim", summary="strip surrounding whitespace")
def _trim(_: None) -> Step:
    return str.strip


@register("lower", "lower", summary="lower-case the text")
def _lower(_: None) -> Step:
    return str.lower


@register("upper", "upper", summary="upper-case the text")
def _upper(_: None) -> Step:
    return str.upper


@register("digits_only", "digits_only", summary="keep the digits 0-9 only")
def _digits_only(_: None) -> Step:
    non_digits = re.compile(r"[^0-9]")
    return lambda text: non_digits.sub("", text)


@register(
    "null_if",
    '{null_if: ["", "-", "n/a"]}',
    list[str],
    summary="treat these values (after trimming) as missing",
)
def _null_if(values: list[str]) -> Step:
    missing = frozenset(v.strip() for v in values)

    def null_if(text: str) -> Any:
        return None if text.strip() in missing else text

    return null_if


class RegexReplace(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: re.Pattern[str]
    replace: str = ""

    @field_validator("replace")
    @classmethod
    def _groups_exist(cls, value: str, info: ValidationInfo) -> str:
        pattern = info.data.get("pattern")
        if pattern is not None:
            try:
                pattern.sub(value, "")
            except re.error as e:
                raise ValueError(f"bad replacement {value!r}: {e}") from e
        return value


@register(
    "regex_replace",
    '{regex_replace: {pattern: "[^0-9+]", replace: ""}}',
    RegexReplace,
    summary="replace what a regular expression matches (re.sub; \\1 refers to a group)",
)
def _regex_replace(arg: RegexReplace) -> Step:
    pattern, replace = arg.pattern, arg.replace
    return lambda text: pattern.sub(replace, text)


# --- lists -------------------------------------------------------------------------------------

Separator = Annotated[str, Field(min_length=1)]


def _must(check: Callable[[str], bool], expected: str) -> AfterValidator:
    def validate(value: str) -> str:
        if not check(value):
            raise ValueError(f"expected {expected}, got {value!r}")
        return value

    return AfterValidator(validate)


@register(
    "split",
    '{split: ","}',
    Separator,
    summary="text → list of its trimmed, non-empty parts",
    each=None,
)
def _split(separator: str) -> Step:
    def split(value: Any) -> Any:
        if value is None:
            return None
        items = value if type(value) is list else [value]
        parts = []
        for item in items:
            if is_missing(item):
                continue
            for part in (as_text(item) or "").split(separator):
                part = part.strip()
                if part:
                    parts.append(part)
        return parts

    return split


@register(
    "join",
    '{join: " "}',
    str,
    summary="list → text, the non-empty items joined by the separator",
    each=None,
    combines=True,
)
def _join(separator: str) -> Step:
    def join(value: Any) -> Any:
        if type(value) is not list:
            return value
        parts = [(as_text(item) or "").strip() for item in value if not _is_empty(item)]
        return separator.join(parts) if parts else None

    return join


@register(
    "first_non_empty",
    "first_non_empty",
    summary="list → its first non-empty item",
    each=None,
    combines=True,
)
def _first_non_empty(_: None) -> Step:
    def first_non_empty(value: Any) -> Any:
        if type(value) is not list:
            return value
        for item in value:
            if not _is_empty(item):
                return item
        return None

    return first_non_empty


# --- names, dates, booleans ----------------------------------------------------------------------

_CJK = re.compile("^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002ebef ]+$")


def split_full_name(name: str) -> tuple[str | None, str | None]:
    """``(given, family)`` by a simple rule; the standardiser does the careful work later.

    "Family, Given" when there is a comma; in CJK script the first character
    (or the first word, when there are spaces) is the family name; otherwise
    the last word is.

    >>> split_full_name("Wei Zhang"), split_full_name("张伟"), split_full_name("Müller, Anna")
    (('Wei', 'Zhang'), ('伟', '张'), ('Anna', 'Müller'))
    """
    name = " ".join(name.split())
    if not name:
        return None, None
    if "," in name:
        family, _, given = name.partition(",")
        return given.strip() or None, family.strip() or None
    if _CJK.match(name):
        family, _, given = name.partition(" ") if " " in name else (name[0], "", name[1:])
        return given or None, family
    given, _, family = name.rpartition(" ")
    return given or None, family


@register(
    "split_name",
    "{split_name: given} or {split_name: family}",
    Literal["given", "family"],
    summary="one part of a full name: 'Family, Given'; CJK family name first; else the "
    "last word is the family name",
)
def _split_name(part: str) -> Step:
    index = 0 if part == "given" else 1
    return lambda text: split_full_name(text)[index]


DateFormat = Annotated[str, _must(lambda f: "%" in f, "a strptime format such as %d.%m.%Y")]


@register(
    "parse_date",
    '{parse_date: "%d.%m.%Y"} or {parse_date: ["%d.%m.%Y", "%Y-%m-%d"]}',
    DateFormat | Annotated[list[DateFormat], Field(min_length=1)],
    summary="text → ISO date YYYY-MM-DD, read with the first strptime format that fits",
    each="value",
)
def _parse_date(formats: str | list[str]) -> Step:
    formats = [formats] if isinstance(formats, str) else formats
    shown = " or ".join(repr(f) for f in formats)

    @lru_cache(maxsize=65_536)  # birth dates repeat: a cache hit is far cheaper than strptime
    def iso_date(text: str) -> str | None:
        for fmt in formats:
            try:
                return datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        return None

    def parse_date(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        text = (as_text(value) or "").strip()
        if not text:
            return None
        iso = iso_date(text)
        if iso is None:
            raise TransformFailure(f"{show(value)} is not a date in the format {shown}")
        return iso

    return parse_date


def to_bool(value: Any) -> bool | None:
    """``True``/``False`` from yes/no, true/false, 1/0, y/n, 是/否 …; empty or an explicit
    unknown ("unknown", "n/a", "?", 未知 …) → ``None``, which leaves the flag unset."""
    if value is None or type(value) is bool:
        return value
    text = as_text(value)
    if text is None or not text.strip():
        return None
    key = text.strip().lower()
    if key not in FLAG_WORDS:
        raise TransformFailure(
            f"{show(value)} is not a yes/no value (expected one of {', '.join(FLAG_WORDS)})"
        )
    return FLAG_WORDS[key]


@register(
    "to_bool",
    "to_bool",
    summary="yes/no, true/false, 1/0, y/n, 是/否 … → true/false; unknown, n/a, ? → unset",
    each="value",
)
def _to_bool(_: None) -> Step:
    return to_bool


# --- tables ---------------------------------------------------------------------------------------


class Lookup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    table: dict[str, str | int | float | bool | None]
    default: Literal["keep", "null", "error"] = "keep"
    ignore_case: bool = False

    @field_validator("table", mode="before")
    @classmethod
    def _keys_are_text(cls, table: Any) -> Any:
        if not isinstance(table, dict):
            return table
        for key in table:
            if key is None or isinstance(key, bool):
                raise ValueError(
                    f"the key {key} was read by YAML as {'null' if key is None else 'a yes/no'} "
                    'value; quote it (YAML reads NO, yes, on, off, null… specially: write "NO")'
                )
        return {as_text(key): value for key, value in table.items()}


@register(
    "lookup",
    "{lookup: {table: {Deutschland: DE}, default: keep}}",
    Lookup,
    summary="replace a value by its entry in the table; a value not in it is kept "
    "(default: keep), dropped (null) or a field issue (error)",
)
def _lookup(arg: Lookup) -> Step:
    fold = str.casefold if arg.ignore_case else None
    table = {fold(k): v for k, v in arg.table.items()} if fold else dict(arg.table)
    mode = arg.default
    known = list(arg.table)
    listed = ", ".join(known[:10]) + (f" … and {len(known) - 10} more" if len(known) > 10 else "")

    def lookup(text: str) -> Any:
        found = table.get(fold(text) if fold else text, lookup)
        if found is not lookup:
            return found
        if mode == "keep":
            return text
        if mode == "null":
            return None
        raise TransformFailure(f"{show(text)} is not in the lookup table (known: {listed})")

    return lookup


Region = Annotated[
    str, _must(re.compile(r"^[A-Z]{2}$").match, "a two-letter ISO country code in capitals (DE)")
]


@register(
    "phone_region",
    "{phone_region: DE}",
    Region,
    summary="keep the phone as it is and record the region its national numbers are from",
    each=None,
)
def _phone_region(_: str) -> Step:
    # The value passes unchanged; the interpreter writes the region next to the phone.
    return lambda value: value
