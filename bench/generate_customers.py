"""Generated customers with known truth: each person appears one or more times, with noise.

``python bench/generate_customers.py PEOPLE OUT.csv`` writes the canonical-column CSV and
``OUT.truth.csv`` (source_id → person id), so that matching can be scored.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

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
    "Uwe",
    "Vera",
    "Wei",
    "Xia",
    "Yan",
    "Zoe",
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
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Gao",
    "Luo",
]
CITIES = ["Berlin", "Beijing", "Shanghai", "Hamburg", "Shenzhen", "München", "Köln", "Wuhan"]
COLUMNS = [
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


def people(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    found = []
    for i in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        found.append(
            {
                "person": str(i),
                "given_name": given,
                "family_name": family,
                "email": f"{given}.{family}.{i}@example.com".lower(),
                "phone": f"+86 13{rng.randrange(10**9):09d}",
                "city": rng.choice(CITIES),
                "postcode": str(rng.randrange(10000, 99999)),
                "country": "CN",
                "birth_date": f"{rng.randrange(1940, 2005)}-{rng.randrange(1, 13):02d}-"
                f"{rng.randrange(1, 29):02d}",
            }
        )
    return found


def noisy_copy(person: dict[str, str], rng: random.Random) -> dict[str, str]:
    copy = dict(person)
    roll = rng.random()
    if roll < 0.3:
        copy["email"] = copy["email"].upper()
    elif roll < 0.5:
        copy["email"] = ""
    copy["phone"] = copy["phone"].replace("+86 ", rng.choice(["0086-", "+86-", ""]))
    if rng.random() < 0.2:
        copy["given_name"], copy["family_name"] = copy["family_name"], copy["given_name"]
    return copy


def write(count: int, out: Path, *, duplicates: float = 0.3, seed: int = 7) -> int:
    rng = random.Random(seed)
    rows = 0
    truth = out.with_name(f"{out.stem}.truth.csv")
    with out.open("w", newline="", encoding="utf-8") as f, truth.open("w", newline="") as t:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
        truth_writer = csv.writer(t)
        writer.writeheader()
        truth_writer.writerow(["source_id", "person"])
        for person in people(count, seed):
            copies = [person] + ([noisy_copy(person, rng)] if rng.random() < duplicates else [])
            for copy in copies:
                source_id = f"R{rows:08d}"
                writer.writerow({"source_id": source_id, **copy})
                truth_writer.writerow([source_id, person["person"]])
                rows += 1
    return rows


if __name__ == "__main__":
    count, target = int(sys.argv[1]), Path(sys.argv[2])
    sys.stdout.write(f"{write(count, target)} rows written to {target}\n")
