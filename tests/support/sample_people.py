"""Generated customers for tests, from one list of names.

``write_customers`` writes a noisy file (twins with other spellings, a few
invalid rows) for matching and sync tests; ``people`` returns a handful of
clearly different, valid customers with ids ``1``, ``2`` … so that a test can
shrink or grow a source and know exactly which records stayed.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from pathlib import Path
from typing import Any

GIVEN = [
    "Anna",
    "Ben",
    "Chen",
    "Dora",
    "Emil",
    "Fang",
    "Greta",
    "Hao",
    "Ines",
    "Jun",
    "Karl",
    "Lena",
    "Ming",
    "Nora",
    "Otto",
    "Pia",
    "Qiang",
    "Rosa",
    "Sven",
    "Tao",
]
FAMILY = [
    "Schmidt",
    "Wang",
    "Li",
    "Müller",
    "Zhang",
    "Weber",
    "Liu",
    "Becker",
    "Chen",
    "Wagner",
    "Yang",
    "Hoffmann",
    "Huang",
    "Koch",
    "Zhao",
    "Richter",
    "Wu",
    "Klein",
    "Zhou",
    "Wolf",
]


def write_customers(
    path: Path, people: int, *, duplicates: float = 0.3, seed: int = 7, invalid: float = 0.02
) -> int:
    """A canonical-column CSV of ``people`` customers, some repeated with noise; returns rows."""
    rng = random.Random(seed)
    rows = []
    for i in range(people):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        person = {
            "given_name": given,
            "family_name": family,
            "email": f"{given}.{family}.{i}@example.com".lower(),
            "phone": f"+86 13{rng.randrange(10**9):09d}",
            "city": rng.choice(["Berlin", "Beijing", "Shanghai", "Hamburg"]),
            "postcode": f"{rng.randrange(10000, 99999)}",
            "country": "CN",
            "birth_date": f"19{rng.randrange(50, 99)}-0{rng.randrange(1, 9)}-"
            f"{rng.randrange(10, 28)}",
        }
        rows.append(person)
        if rng.random() < duplicates:
            twin = dict(person)
            twin["email"] = person["email"].upper() if rng.random() < 0.5 else ""
            twin["phone"] = person["phone"].replace("+86 ", "0086-")
            rows.append(twin)
    rng.shuffle(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        columns = [
            "source_id",
            "given_name",
            "family_name",
            "email",
            "phone",
            "city",
            "postcode",
            "country",
            "birth_date",
        ]
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        for n, row in enumerate(rows):
            if rng.random() < invalid:
                row = {**row, "email": "not-an-email@", "phone": "12"}
            writer.writerow({"source_id": f"R{n:07d}", **row})
    return len(rows)


CITIES = ["Berlin", "Hamburg", "Munich", "Cologne", "Leipzig"]


def people(count: int, start: int = 1) -> list[dict[str, Any]]:
    """``count`` clearly different, valid customers with ids ``start``… (at most 20 apart).

    >>> [p["source_id"] for p in people(2)], people(1)[0]["email"]
    (['1', '2'], 'ben.becker@mail1.example.de')
    """
    rows = []
    for n in range(start, start + count):
        given, family = GIVEN[n % 20], FAMILY[(n * 7) % 20]
        rows.append(
            {
                "source_id": f"{n}",
                "full_name": f"{given} {family}",
                "email": f"{_ascii(given)}.{_ascii(family)}@mail{n % 5}.example.de".lower(),
                "phone": f"+49 30 {(n * 7919) % 9000000 + 1000000}",
                "city": CITIES[n % 5],
                "postcode": f"{(n * 3571) % 89999 + 10000}",
            }
        )
    return rows


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
