"""Small generated customer sets with known truth, and a helper to standardise records."""

from __future__ import annotations

import random
from typing import Any

from core.standardise import StandardiseOptions, standardise_flat

OPTIONS = StandardiseOptions(default_region="CN", date_order="ymd")

_FAMILY = ["张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高"]
_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"]
_LATIN = [
    ("Anna", "Schmidt"),
    ("Jonas", "Weber"),
    ("Lena", "Becker"),
    ("Paul", "Wagner"),
    ("Emma", "Fischer"),
    ("Felix", "Koch"),
    ("Laura", "Klein"),
    ("Max", "Wolf"),
]


def person(**fields: Any) -> dict[str, Any]:
    """A standardised flat record, as the pipeline hands it to the matcher."""
    return standardise_flat({"source_id": "x", **fields}, OPTIONS)


def generated_customers(people: int, seed: int = 3) -> tuple[list[dict[str, Any]], list[int]]:
    """People appearing once to three times, with pinyin spellings, typos and gaps."""
    rng = random.Random(seed)
    records, truth = [], []
    for pid in range(people):
        chinese = rng.random() < 0.6
        if chinese:
            family, given = rng.choice(_FAMILY), rng.choice(_GIVEN)
        else:
            given, family = rng.choice(_LATIN)
            given = f"{given}{rng.choice(['', 'a', 'ine', 'o'])}"
        email = f"user{pid}.{rng.randrange(10**6)}@example.com"
        phone = f"+86139{rng.randrange(10**8):08d}"
        birth = f"{rng.randrange(1940, 2005)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        postcode = f"{rng.randrange(100000, 999999)}"
        for copy in range(rng.choice((1, 1, 2, 2, 3))):
            record: dict[str, Any] = {
                "email": email,
                "phone": phone,
                "birth_date": birth,
                "postcode": postcode,
                "city": rng.choice(["北京", "上海"]) if copy == 0 else None,
            }
            if chinese and copy == 1:
                record.update(given_name=given, family_name=family)
            elif chinese:
                record["full_name"] = family + given
            else:
                record.update(given_name=given, family_name=family)
            if copy:
                for field in ("email", "phone", "birth_date", "postcode"):
                    if rng.random() < 0.3:
                        record[field] = None
            records.append(person(**record))
            truth.append(pid)
    return records, truth
