"""Bytes of mail text to ``str``, reading each declared charset the way real mail needs.

Mail programs declare a charset and then use its superset: "gb2312" headers
carry GBK and GB18030 characters (a name like 王镕 is outside GB2312), "big5"
carries HKSCS, "iso-8859-1" carries Windows-1252 quotes. Each name is mapped to
the superset before decoding, and a wrong declaration falls back to UTF-8 and
then to the message's own charset instead of failing: a name with one odd
character is still a name.
"""

from __future__ import annotations

import codecs

#: Declared charset (lowercase) → the codec that reads what is actually sent under it.
SUPERSETS: dict[str, str] = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "euc-cn": "gb18030",
    "euc_cn": "gb18030",
    "x-euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cp950": "big5hkscs",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "utf-8",  # ASCII is UTF-8; mislabelled 8-bit text usually is too
    "ascii": "utf-8",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "utf8": "utf-8",
}


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a declared charset, or None if it is unknown or absent.

    >>> codec_for("GB2312"), codec_for("Big5"), codec_for("x-unknown")
    ('gb18030', 'big5hkscs', None)
    """
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    name = SUPERSETS.get(name, name)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    try:
        "".encode(info.name)  # refuses bytes-to-bytes codecs such as base64 or rot13
    except LookupError:
        return None
    return info.name


def decode_text(data: bytes, charset: str | None, fallback: str | None = None) -> str:
    """Decode ``data`` declared as ``charset``; never raises.

    Tried in order: the declared charset's superset, UTF-8, ``fallback`` (the
    message's own charset, for undeclared 8-bit headers), and finally Windows-1252
    with replacement characters for whatever is left.
    """
    tried: list[str] = []
    for candidate in (codec_for(charset), "utf-8", codec_for(fallback)):
        if candidate is None or candidate in tried:
            continue
        tried.append(candidate)
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return data.decode(tried[0] if tried[0] != "utf-8" else "cp1252", "replace")
