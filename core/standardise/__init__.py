"""Standardisers: pure functions that put one field in one spelling before matching.

Each module does one field; :func:`standardise_flat` applies them all to a record in
the flat form. A value that cannot be standardised is returned cleaned but unchanged
(dates raise, and ``standardise_flat`` keeps the text) so that the quality checks, not
the standardisers, decide what is invalid.
"""

from core.standardise.country import ISO_ALPHA2, standardise_country
from core.standardise.dates import DateOrder, parse_date
from core.standardise.email import standardise_email
from core.standardise.flags import standardise_flag, standardise_flags
from core.standardise.flat import StandardiseOptions, standardise_flat
from core.standardise.names import (
    COMPOUND_SURNAMES,
    NameForm,
    Script,
    detect_script,
    split_full_name,
    standardise_name,
    strip_titles,
    to_latin,
)
from core.standardise.phone import PhoneReading, phone_key, read_phone, standardise_phone
from core.standardise.text import fold_to_ascii, normalise_text

__all__ = [
    "COMPOUND_SURNAMES",
    "ISO_ALPHA2",
    "DateOrder",
    "NameForm",
    "PhoneReading",
    "Script",
    "StandardiseOptions",
    "detect_script",
    "fold_to_ascii",
    "normalise_text",
    "parse_date",
    "phone_key",
    "read_phone",
    "split_full_name",
    "standardise_country",
    "standardise_email",
    "standardise_flag",
    "standardise_flags",
    "standardise_flat",
    "standardise_name",
    "standardise_phone",
    "strip_titles",
    "to_latin",
]
