"""Mappings: one YAML file per source type turns a raw payload into the flat canonical form.

A mapping only moves and reshapes values (pick, combine, split, translate,
parse dates); standardising them (E.164 phones, pinyin, casing of names) comes
after, elsewhere. Nothing is lost: a payload field the mapping does not read is
carried as an attribute under its own name.

The format, with every feature used once::

    version: 1                      # required; the format's version
    name: webshop                   # informative; defaults to the file name
    description: Customers exported from the web shop (Shopify-like JSON)
    source_id: id                   # required: a path, or a field as below
    fields:                         # target: how to fill it
      email: {from: email, transforms: [trim, lower]}
      full_name: name               # a bare path is short for {from: name}
      given_name: {from: name, transforms: [{split_name: given}]}
      family_name: {from: name, transforms: [{split_name: family}]}
      phone:                        # several sources: a list of values…
        from: [phone, default_address.phone]
        transforms: [first_non_empty, {phone_region: CN}]   # …made one
      address_line1: {from: [default_address.address1, default_address.address2],
                      transforms: [{join: ", "}]}
      city: {from: default_address.city, required: true}
      postcode: {from: "addresses[0].zip", transforms: [digits_only], default: ""}
      country:
        from: default_address.country
        transforms:
          - trim
          - lookup: {table: {中国: CN, China: CN, Deutschland: DE}, default: keep,
                     ignore_case: true}
      birth_date: {from: note.dob, transforms: [{parse_date: ["%d.%m.%Y", "%Y-%m-%d"]}]}
      company: {constant: ACME}
      kind: {from: type, transforms: [{lookup: {table: {B2B: organisation, B2C: person},
                                                 default: error}}]}
      consent.email: {from: accepts_marketing, transforms: [to_bool]}
      tags: {from: tags, transforms: [{split: ","}, lower]}
      attributes.loyalty_tier: {from: "metafields[0].value", transforms: [upper]}
      national_id: {from: ssn, transforms: [{regex_replace: {pattern: "[^0-9X]", replace: ""}},
                                            {null_if: ["", "000000"]}]}
      emails: {from: "contacts[*].email", transforms: [trim, lower]}   # [*]: every item
      phones: {from: contacts, transforms: [{filter: {type: [phone, mobile]}}, {pluck: value}]}
      addresses: {from: addresses, transforms: [{rename: {address1: line1, zip: postcode,
                                                          "country.code": country}}]}
    unmapped: attributes            # or: drop

**Targets** (the keys under ``fields``): the canonical columns
(:data:`core.customer.CANONICAL_COLUMNS` but ``source_id``, which has its own
top-level key), ``emails`` and ``phones`` (lists of text; the standardiser
makes the first one the ``email``/``phone`` when those are empty), ``addresses`` (a
list of objects with the keys :data:`core.customer.ADDRESS_KEYS`: line1, line2,
city, region, postcode, country), ``kind`` (person | organisation), ``phone_region`` (a
two-letter region for the phone standardiser), ``tags`` (a list of text),
``consent.<name>`` (true/false; text like "yes" is read as by ``to_bool``) and
``attributes.<name>`` (any value, stored under ``<name>``).

**A field** has ``from`` (a path or a list of paths) or ``constant``, then
optional ``transforms`` (applied in order), ``default`` (used when the result
is empty), ``required: true`` (a missing or empty source is a problem) and
``description``. Paths are dotted keys with ``[n]`` list indexes and ``[*]``
for every item of a list (:mod:`mappings.paths`); a missing path gives ``None``.
Transforms and their arguments are listed in :mod:`mappings.transforms`; ``filter``,
``pluck`` and ``rename`` reshape lists of objects (:mod:`mappings.item_transforms`).
Several sources, or a ``[*]`` path, must be combined (``first_non_empty``, ``join``)
before reaching a one-value target; list targets take them as they are.

**Output** of :func:`apply_mapping`: the flat dict (``source_id`` as text,
every canonical column, ``consent``, ``tags``, the list targets the mapping
fills (``None`` when they come out empty), then attributes) and every
:class:`~core.errors.Problem` found, one per failing field. Canonical columns
hold text or ``None``: numbers become text (``10115.0`` → ``"10115"``), dates
ISO dates, blank text ``None``; a list or an object there is a problem. An unmapped field
whose name is already an output key (say an unread ``email`` column while
``email`` is mapped from ``mail``) is kept as ``raw.<name>``; unread parts of a
nested value are kept by their path (``default_address.zip``, ``contacts[0].type``
when only ``contacts[*].email`` is read). Empty unmapped values are not carried.

Errors in a file are :class:`~core.errors.ConfigError` naming the file, the key
and the expected shape, e.g.
``webshop.yaml: fields.birth_date.transforms[0]: unknown transform 'parse_dat'``.
"""

from mappings.interpreter import CompiledMapping, apply_mapping, compile_mapping, source_value
from mappings.loading import (
    builtin_mapping_names,
    builtin_mapping_path,
    identity_mapping,
    load_mapping,
    mapping_file,
    mapping_for_columns,
    parse_mapping,
    resolve_mapping,
)
from mappings.model import VALID_TARGETS, FieldSpec, Mapping, TransformStep
from mappings.transforms import TRANSFORMS

__all__ = [
    "TRANSFORMS",
    "VALID_TARGETS",
    "CompiledMapping",
    "FieldSpec",
    "Mapping",
    "TransformStep",
    "apply_mapping",
    "builtin_mapping_names",
    "builtin_mapping_path",
    "compile_mapping",
    "identity_mapping",
    "load_mapping",
    "mapping_file",
    "mapping_for_columns",
    "parse_mapping",
    "resolve_mapping",
    "source_value",
]
