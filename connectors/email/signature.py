"""A sender's phone and company, read from the signature at the end of their own text.

Where the signature starts: after the last ``-- `` delimiter line, else after
the last closing (``Best regards``, ``Mit freundlichen Grüßen``, ``此致``,
``祝好`` …), else the last :data:`FALLBACK_LINES` lines. Quoted replies are cut
off first, so a signature in the quoted message is never given to the person
who replied. A phone must be labelled (``Tel``, ``Mobile``, ``电话``, ``手机`` …) or
written internationally (``+49 …``, ``0086 …``) and be a valid number; it comes
out in E.164. A company is a line part carrying a legal form (``GmbH``, ``Ltd``,
``Inc``, ``有限公司`` …), without addresses, links or register boilerplate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.customer import E164
from core.standardise.phone import standardise_phone

FALLBACK_LINES = 10
_MAX_BLOCK = 15
_CLOSING_WINDOW = 30  # a closing further up than this is part of the text, not its end

_REPLY_START = re.compile(
    r"^(?:On\b.{3,300}\bwrote:"
    r"|Am\b.{3,300}\bschrieb\b.{0,200}:"
    r"|Le\b.{3,300}\ba écrit ?:"
    r"|在.{2,200}写道[:：]"
    r"|-{2,} ?(?:Original Message|Ursprüngliche Nachricht|Originalnachricht|Forwarded message"
    r"|Weitergeleitete Nachricht|原始邮件|原始郵件|转发的邮件) ?-{2,})\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^(?:From|Von|De|发件人|發件人|寄件者)\s*[:：]", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^(?:Sent|Gesendet|Date|Datum|Envoyé|To|An|À|发送时间|日期|寄件日期|收件人)\s*[:：]",
    re.IGNORECASE,
)
_EXACT_CLOSINGS = frozenset(
    {"best", "thanks", "thank you", "cheers", "regards", "mfg", "lg", "vg", "gruß", "grüße",
     "gruss", "grüsse", "谢谢", "多谢", "敬礼", "此致", "祝好", "cordialement", "saludos"}
)  # fmt: skip
_PREFIX_CLOSINGS = (
    "best regards", "kind regards", "warm regards", "warmest regards", "many thanks",
    "best wishes", "sincerely", "yours sincerely", "yours truly", "yours faithfully",
    "mit freundlichen grüßen", "mit freundlichen grüssen", "mit freundlichem gruß",
    "mit freundlichem gruss", "freundliche grüße", "freundliche grüsse", "viele grüße",
    "viele grüsse", "beste grüße", "beste grüsse", "liebe grüße", "herzliche grüße",
    "schöne grüße", "此致", "祝好", "顺祝商祺", "順祝商祺", "顺颂商祺", "祝商祺", "祝工作顺利",
    "bien cordialement", "meilleures salutations",
)  # fmt: skip
_TRAILING_PUNCTUATION = " \t,.!:;！，。：；~-"
_MAX_NAME_AFTER_CLOSING = 40  # "Best regards, Thomas Müller" is a closing, a long sentence is not

_SEGMENT_SPLIT = re.compile(r"\s*(?:\||·|•|;|\t| {3,})\s*")
_FAX_NUMBER = re.compile(
    r"(?:\b(?:fax|telefax)\b|传真|傳真)\.?\s*[:：.]?\s*\+?[\d(（]?[\d\s()（）./\-–]*\d?",
    re.IGNORECASE,
)
_LABELLED_PHONE = re.compile(
    r"(?:\b(?:tel(?:efon|ephone)?|phone|mobile?|mob|cell(?:phone)?|handy|fon|direct|direkt"
    r"|t|m|p)\b\.?|电话|手机|電話|手機|座机|移动电话)"
    r"\s*(?:\([^)]{0,20}\))?\s*[:：.]?\s*(?P<number>\+?[\d(（][\d\s()（）./\-–]{5,}\d)",
    re.IGNORECASE,
)
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])(?P<number>(?:\+|00) ?[1-9][\d\s()./\-–]{6,}\d)")

_STRONG_FORMS = re.compile(
    r"\b(?:GmbH|gGmbH|mbH|Ltd|Limited|LLC|LLP|Inc|Corp|Corporation|PLC|plc|SARL|S\.à r\.l"
    r"|S\.r\.l|S\.p\.A|S\.A|B\.V|N\.V|Pty|GbR|e\. ?V)\b\.?"
)
# Short forms are also ordinary words or initials, and 公司 ("company") is an ordinary
# word in a Chinese sentence: these count only where a company name ends.
_WEAK_FORMS = re.compile(r"\b(?:AG|KG|KGaA|OHG|UG|SE|AB|A/S|Oy|Co\.?)\W*$")
_CJK_FORMS = re.compile(r"(?:公司|集团|集團|株式会社|事务所|事務所)(?:[（(][^）)]{1,12}[）)])?\W*$")
_NOT_A_COMPANY = re.compile(
    r"@|https?:|www\.|amtsgericht|registergericht|handelsregister|\bHR[AB]\b|sitz der"
    r"|geschäftsführ|ust-?id|vat\b|registered (?:in|office)|company (?:no|number)|注册|註冊",
    re.IGNORECASE,
)
_COMPANY_LABEL = re.compile(
    r"^(?:company|firma|unternehmen|organisation|organization|公司名称|公司|单位|單位)\s*[:：]\s*",
    re.IGNORECASE,
)
_MAX_COMPANY = 80


@dataclass(frozen=True, slots=True)
class Signature:
    """What a signature told about its sender: a phone in E.164 and a company name."""

    phone: str | None = None
    company: str | None = None


def find_signature(text: str, *, phone_region: str | None, complete: bool = True) -> Signature:
    """The phone and company in the signature of ``text``.

    ``phone_region`` (ISO alpha-2) reads numbers written without a country code;
    without it only international numbers are taken. ``complete=False`` says the
    text was cut short, so its last lines are not its end.

    >>> find_signature("Hallo,\\n\\nMit freundlichen Grüßen\\nThomas Müller\\nACME GmbH\\n"
    ...                "Tel.: +49 30 1234567", phone_region=None)
    Signature(phone='+49301234567', company='ACME GmbH')
    """
    block = signature_block(own_lines(text), complete=complete)
    return Signature(find_phone(block, phone_region), find_company(block))


def own_lines(text: str) -> list[str]:
    """The sender's own lines: up to a quoted reply, without ``>`` quotes."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    for index, line in enumerate(lines):
        stripped = line.strip()
        joined = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else stripped
        if _REPLY_START.match(stripped) or _REPLY_START.match(joined):
            lines = lines[:index]
            break
        if _HEADER_FROM.match(stripped) and any(
            _HEADER_NEXT.match(following.strip()) for following in lines[index + 1 : index + 4]
        ):
            lines = lines[:index]
            break
    return [line for line in lines if not line.lstrip().startswith(">")]


def signature_block(lines: list[str], *, complete: bool = True) -> list[str]:
    """The lines that hold the signature (see the module docstring for where it starts)."""
    for index in range(len(lines) - 1, -1, -1):
        if lines[index] in ("-- ", "--"):
            return _non_empty(lines[index + 1 :])[:_MAX_BLOCK]
    filled = _non_empty(lines)
    for index in range(len(filled) - 1, max(-1, len(filled) - 1 - _CLOSING_WINDOW), -1):
        rest = _closing_rest(filled[index])
        if rest is not None:
            return ([rest] if rest else []) + filled[index + 1 :][:_MAX_BLOCK]
    return filled[-FALLBACK_LINES:] if complete else []


def _non_empty(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip()]


def _closing_rest(line: str) -> str | None:
    """None if ``line`` is no closing; else what follows the closing on it (a name, or ``""``)."""
    text = line.strip().lower().rstrip(_TRAILING_PUNCTUATION)
    if text in _EXACT_CLOSINGS:
        return ""
    for closing in _PREFIX_CLOSINGS:
        if not text.startswith(closing):
            continue
        rest = line.strip()[len(closing) :]
        ends_the_word = not rest or not rest[0].isalnum() or not closing.isascii()
        if ends_the_word and len(rest) <= _MAX_NAME_AFTER_CLOSING:
            return rest.strip(_TRAILING_PUNCTUATION)
    return None


def find_phone(lines: list[str], region: str | None) -> str | None:
    """The first valid labelled phone in ``lines``, else the first valid international one."""
    segments = [s for line in lines for s in _SEGMENT_SPLIT.split(_FAX_NUMBER.sub(" | ", line))]
    for pattern in (_LABELLED_PHONE, _INTERNATIONAL_PHONE):
        for segment in segments:
            for match in pattern.finditer(segment):
                phone = e164(match.group("number"), region)
                if phone:
                    return phone
    return None


def e164(text: str, region: str | None) -> str | None:
    """``text`` as an E.164 number if it is a valid one (international, or valid in ``region``)."""
    number = text.strip().translate(str.maketrans("（）–", "()-"))
    if number.startswith("00"):
        number = "+" + number[2:]
    if not number.startswith("+") and region is None:
        return None
    result = standardise_phone(number, region or "ZZ")
    return result if result and E164.match(result) else None


def find_company(lines: list[str]) -> str | None:
    """The first line part in ``lines`` that names a company by its legal form."""
    for line in lines:
        for segment in _SEGMENT_SPLIT.split(line):
            candidate = _COMPANY_LABEL.sub("", segment.strip()).strip(" ,;:|")
            if not candidate or len(candidate) > _MAX_COMPANY or _NOT_A_COMPANY.search(candidate):
                continue
            if any(form.search(candidate) for form in (_STRONG_FORMS, _WEAK_FORMS, _CJK_FORMS)):
                return candidate
    return None
