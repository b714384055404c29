"""Personal data masked for reports, logs and the quarantine commands.

A steward needs to see *that* an email is malformed and roughly which one,
not the address itself: ``zhang.wei@example.cn`` becomes ``z***@example.cn``,
``+8613800138000`` becomes ``+86******8000`` and ``Zhang Wei`` becomes
``Z**** W**``. Payloads come from many systems with their own field names
(``E-Mail``, ``Telefon``, ``Vorname``), so fields are recognised by name
hints *and* values by their shape: anything holding an ``@`` is masked as an
email whatever its key, and so are phone numbers in any grouping and identity
numbers. Hints are read in any script (``姓名``, ``手机``, ``邮箱``); a caller that
knows the mapping passes ``targets`` to :func:`mask_payload`, so that a column is
masked as the canonical field it feeds, whatever it is called.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: Anchored where an address can start, so a long run without ``@`` is scanned once.
_EMAIL_IN_TEXT = re.compile(r"(?<![^\s'\"<>(),;:@])[^\s'\"<>(),;:@]+@[^\s'\"<>(),;]+")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
#: "required source field 'E-Mail' is missing": quoted names of fields are no personal data.
_FIELD_NAMES = re.compile(r"source fields? (?:'[^']*'(?:, | and | or )?)+")
_PHONE_CHARS = re.compile(r"^[\d\s()+\-./]+$")
#: A phone number inside free text ("call +49 30 1234567"): digits with separators.
_PHONE_IN_TEXT = re.compile(r"\+?\d[\d\s()./\-]{6,}\d")
_DIGITS = re.compile(r"\d")
#: Identity numbers: a Chinese resident id (17 digits and a check digit or X), passports
#: and national ids of a letter or two and eight or more digits.
_ID_NUMBER = re.compile(r"[A-Za-z]{0,2}\d{8,17}[\dXx]?")
#: What a key is reduced to before hints are looked for: letters and digits of any script.
_KEY_NOISE = re.compile(r"[\W_]+")

#: Key fragments (lower case, without separators) of fields holding personal data.
NAME_HINTS = ("name", "given", "family", "contact", "surname", "姓名", "名字", "联系人", "姓", "名")
PHONE_HINTS = ("phone", "tel", "mobile", "handy", "fax", "电话", "手机", "電話", "手機", "传真")
EMAIL_HINTS = ("email", "mail", "邮箱", "邮件", "郵箱", "郵件", "电邮")
OTHER_HINTS = (
    "地址",
    "住址",
    "生日",
    "出生",
    "身份证",
    "身份證",
    "证件",
    "證件",
    "护照",
    "護照",
    "address",
    "street",
    "strasse",
    "line1",
    "line2",
    "birth",
    "geburt",
    "dob",
    "nationalid",
    "ssn",
    "passport",
    "taxid",
    "iban",
)
#: Keys that are never personal, whatever their values look like (``company_name`` is a
#: business, a 12-digit ``source_id`` is not a phone number).
NOT_PERSONAL = (
    "company",
    "firma",
    "source",
    "stream",
    "domain",
    "key",
    "公司",
    "企业",
    "單位",
    "单位",
)


def mask_email(value: str) -> str:
    """Keep the first letter and the domain: the domain tells where the data came from.

    >>> mask_email("zhang.wei@example.cn")
    'z***@example.cn'
    >>> mask_email("bob@@example")
    'b***@example'
    """
    local, at, domain = value.rpartition("@")
    if not at:
        return mask_text(value)
    local = local.rstrip("@")
    return f"{local[:1]}***@{domain}" if local else f"***@{domain}"


def mask_phone(value: str) -> str:
    """Keep the country code and the last four digits; the length is hidden too.

    >>> mask_phone("+8613800138000")
    '+86******8000'
    >>> mask_phone("030 1234567")
    '******4567'
    """
    number = value.partition(";")[0]  # an extension (";ext=12") is not the number's end
    digits = "".join(_DIGITS.findall(number))
    if len(digits) < 6:
        return "*" * len(digits) if digits else mask_text(value)
    prefix = ""
    if value.strip().startswith("+"):
        prefix = "+" + _country_code(number)
    return f"{prefix}******{digits[-4:]}"


def _country_code(value: str) -> str:
    import phonenumbers

    try:
        return str(phonenumbers.parse(value, None).country_code)
    except phonenumbers.NumberParseException:
        return "".join(_DIGITS.findall(value))[:2]


def mask_name(value: str) -> str:
    """Each word keeps its first character: ``"Zhang Wei"`` → ``"Z**** W**"``.

    >>> mask_name("张伟")
    '张*'
    """
    return " ".join(_mask_word(word) for word in value.split())


def _mask_word(word: str) -> str:
    return word[:1] + "*" * (len(word) - 1) if len(word) > 1 else "*"


def mask_text(value: str) -> str:
    """Anything else personal: the first character, then stars (length capped at 8).

    >>> mask_text("Unter den Linden 5")
    'U*******'
    """
    return value[:1] + "*" * min(max(len(value) - 1, 1), 7) if value else value


def mask_value(field: str, value: Any) -> Any:
    """Mask ``value`` as the field it sits in suggests (or as its own shape does)."""
    if isinstance(value, Mapping):
        return mask_payload(value)
    if isinstance(value, list | tuple):
        return [mask_value(field, item) for item in value]
    if value is None or isinstance(value, bool):
        return value
    text = str(value)
    if not text.strip():
        return value
    kind = field_kind(field)
    if "@" in text or kind == "email":
        return mask_email(text)
    if kind == "phone" or (kind is None and _looks_like_phone(text)):
        return mask_phone(text)
    if kind is None and _ID_NUMBER.fullmatch(text.strip()):
        return mask_text(text)
    if kind == "name":
        return mask_name(text)
    if kind == "other":
        return mask_text(text)
    if kind is None:
        return _mask_phones_in(text) if isinstance(value, str) else value
    return value


def _mask_phones_in(text: str) -> str:
    """Free text with the phone numbers in it masked (runs of at least nine digits).

    >>> _mask_phones_in("call +49 30 1234567 after 5")
    'call +49******4567 after 5'
    """
    return _PHONE_IN_TEXT.sub(
        lambda m: mask_phone(m.group(0)) if len(_DIGITS.findall(m.group(0))) >= 9 else m.group(0),
        text,
    )


def mask_payload(
    payload: Mapping[str, Any], targets: Mapping[str, str] | None = None, prefix: str = ""
) -> dict[str, Any]:
    """A copy of ``payload`` with every personal value masked (keys kept, nesting kept).

    ``targets`` maps a payload path (``姓名``, ``contact.mail``) to the canonical field the
    mapping fills from it (``full_name``): such a value is masked as that field.

    >>> mask_payload({"Vorname": "Anna", "E-Mail": "anna@example.de", "PLZ": "10115"})
    {'Vorname': 'A***', 'E-Mail': 'a***@example.de', 'PLZ': '10115'}
    >>> mask_payload({"客户": "谭建国", "号码": "154 3231 9487"}, {"客户": "full_name"})
    {'客户': '谭**', '号码': '******9487'}
    """
    masked: dict[str, Any] = {}
    for key, value in payload.items():
        path = f"{prefix}{key}"
        if targets and isinstance(value, Mapping):
            masked[key] = mask_payload(value, targets, f"{path}.")
        else:
            masked[key] = mask_value((targets or {}).get(path, str(key)), value)
    return masked


def mask_reason(field: str, reason: str) -> str:
    """A quarantine reason with its value masked as its field's kind.

    Reasons quote the offending value first (``'x' is not a valid email address``);
    later quotes hold formats or allowed values, and ``source field 'x'`` names a
    field: those stay readable. Any email address anywhere is masked.

    >>> mask_reason("email", "'bob@@example' is not a valid email address")
    "'b***@example' is not a valid email address"
    >>> mask_reason("email", "required source field 'E-Mail' is missing or empty")
    "required source field 'E-Mail' is missing or empty"
    """
    names = [m.span() for m in _FIELD_NAMES.finditer(reason)]
    value = next(
        (m for m in _QUOTED.finditer(reason) if not any(a <= m.start() < b for a, b in names)),
        None,
    )
    text = reason
    if value is not None:
        masked = mask_value(field, value.group(1))
        if masked != value.group(1):
            text = f"{reason[: value.start()]}'{masked}'{reason[value.end() :]}"
    return _EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), text)


def field_kind(field: str) -> str | None:
    """``"email"``, ``"phone"``, ``"name"``, ``"other"`` (personal), ``"public"`` or ``None``.

    ``None`` means "unknown": the value's shape decides (an ``@`` or a long number).

    >>> field_kind("E-Mail"), field_kind("Telefon"), field_kind("Vorname"), field_kind("PLZ")
    ('email', 'phone', 'name', None)
    >>> field_kind("姓名"), field_kind("手机"), field_kind("电子邮箱"), field_kind("公司名称")
    ('name', 'phone', 'email', 'public')
    """
    key = _KEY_NOISE.sub("", field.casefold().rpartition(".")[2])
    if not key:
        return None
    if any(word in key for word in NOT_PERSONAL):
        return "public"
    if any(hint in key for hint in EMAIL_HINTS):
        return "email"
    if any(hint in key for hint in PHONE_HINTS):
        return "phone"
    if any(hint in key for hint in NAME_HINTS):
        return "name"
    if any(hint in key for hint in OTHER_HINTS):
        return "other"
    return None


def _looks_like_phone(text: str) -> bool:
    return bool(_PHONE_CHARS.match(text)) and len(_DIGITS.findall(text)) >= 9
