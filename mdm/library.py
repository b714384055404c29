"""The comparisons a customer model is made of, and how a saved model names them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mdm.comparisons import (
    Comparison,
    DamerauLevenshteinAtThresholds,
    ExactMatch,
    JaroWinklerAtThresholds,
)
from mdm.contact import AddressComparison, EmailComparison, PhoneComparison
from mdm.person import DateComparison, NameComparison

#: Who the person is, how to reach them, where they live: one comparison per field.
CUSTOMER_COMPARISONS: tuple[Comparison, ...] = (
    NameComparison("given_name"),
    NameComparison("family_name"),
    DateComparison("birth_date"),
    DamerauLevenshteinAtThresholds("national_id", (1, 2), key="id"),
    EmailComparison("email"),
    PhoneComparison("phone"),
    AddressComparison("address_line1"),
    JaroWinklerAtThresholds("address_line2", (0.92, 0.8), key="address"),
    DamerauLevenshteinAtThresholds("postcode", (1,), key="id"),
    JaroWinklerAtThresholds("city", (0.92,), key="place"),
    ExactMatch("region", key="place"),
    ExactMatch("country"),
    JaroWinklerAtThresholds("company", (0.92, 0.8), key="latin"),
)

_KINDS: dict[str, type[Comparison]] = {
    cls.kind: cls
    for cls in (
        ExactMatch,
        JaroWinklerAtThresholds,
        DamerauLevenshteinAtThresholds,
        NameComparison,
        DateComparison,
        EmailComparison,
        PhoneComparison,
        AddressComparison,
    )
}


def comparison_from_dict(data: Mapping[str, Any]) -> Comparison:
    """Rebuild a comparison from :meth:`Comparison.to_dict`.

    >>> comparison_from_dict({"kind": "JaroWinklerAtThresholds", "field": "city",
    ...                       "thresholds": [0.92], "key": "place"})
    JaroWinklerAtThresholds(field='city', key='place', thresholds=[0.92])
    """
    options = dict(data)
    kind = options.pop("kind", None)
    if kind not in _KINDS:
        raise ValueError(
            f"unknown comparison kind {kind!r}: use one of {', '.join(sorted(_KINDS))}"
        )
    if "thresholds" in options:
        options["thresholds"] = tuple(options["thresholds"])
    if "distances" in options:
        options["distances"] = tuple(options["distances"])
    return _KINDS[kind](**options)
