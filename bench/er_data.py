"""Dirty customer records with known truth, CJK-heavy, for the matching benchmarks.

    python bench/er_data.py 100000 out.csv     # writes out.csv and out.truth.csv
    python bench/er_data.py 10000 out.csv --dirty-fields 0.15 --seed 11

``--dirty-fields SHARE`` gives about that share of the records one defective field of the
kinds that used to cost a customer: a phone number in a range no carrier holds (a
person's own number, so every copy of that person carries it, in varied spellings:
``+1 598 …``, ``1-496-…``, ``0086 144 …``), a phone with a digit dropped or doubled, an
impossible birth date (31 February, a day/month swap past twelve, written compact or with
dots), or a malformed email (``@@``, no top-level domain, doubled dots, a space, no ``@``).

Each generated person appears one or more times. A copy may be written in simplified
or traditional characters, in pinyin given-first ("Wei Zhang") or family-first
("ZHANG WEI"), with a nickname (Bob for Robert), typos, swapped names, missing
fields, other phone and email spellings, a day/month swap or an abbreviated street.
Households share surname, address and landline but not given name or birth date;
very common names (张伟, 王芳, John Smith) are over-represented on purpose.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import phonenumbers
from pypinyin import Style, lazy_pinyin

COLUMNS = [
    "source_id",
    "given_name",
    "family_name",
    "full_name",
    "email",
    "phone",
    "address_line1",
    "city",
    "postcode",
    "country",
    "birth_date",
    "national_id",
]

# fmt: off
CN_FAMILY = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
             "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
             "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "蒋", "蔡", "余", "杜", "叶",
             "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
             "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊",
             "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺",
             "欧阳", "司马", "诸葛", "上官"]
CN_GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛",
            "明", "超", "秀英", "霞", "平", "刚", "桂英", "华", "建华", "建国", "文", "辉", "玲",
            "红", "鑫", "斌", "宇", "浩", "凯", "婷", "雪", "琳", "晨", "欣", "思远", "子涵",
            "雨桐", "梓萱", "浩然", "宇轩", "俊杰", "志强", "海燕", "国强", "晓东", "丽娟",
            "春梅", "东", "亮", "波", "燕", "鹏", "飞", "慧", "颖", "佳", "嘉怡", "家豪",
            "振华", "德华", "学友", "美玲", "淑珍", "玉兰", "志明", "春娇", "立新", "卫东"]
TRADITIONAL = str.maketrans({
    "张": "張", "伟": "偉", "刘": "劉", "陈": "陳", "杨": "楊", "黄": "黃", "赵": "趙", "吴": "吳",
    "孙": "孫", "马": "馬", "郑": "鄭", "梁": "樑", "谢": "謝", "许": "許", "韩": "韓", "冯": "馮",
    "邓": "鄧", "萧": "蕭", "肖": "蕭", "董": "董", "袁": "袁", "蒋": "蔣", "苏": "蘇", "吕": "呂",
    "卢": "盧", "钟": "鍾", "谭": "譚", "陆": "陸", "汪": "汪", "范": "範", "贾": "賈", "闫": "閆",
    "龙": "龍", "贺": "賀", "欧": "歐", "阳": "陽", "诸": "諸", "丽": "麗", "强": "強",
    "军": "軍", "艳": "艷", "杰": "傑", "涛": "濤", "华": "華", "国": "國", "辉": "輝", "红": "紅",
    "鑫": "鑫", "斌": "斌", "宇": "宇", "浩": "浩", "凯": "凱", "婷": "婷", "琳": "琳", "晨": "晨",
    "远": "遠", "涵": "涵", "轩": "軒", "俊": "俊", "志": "志", "燕": "燕", "东": "東", "亮": "亮",
    "鹏": "鵬", "飞": "飛", "颖": "穎", "嘉": "嘉", "怡": "怡", "家": "家", "豪": "豪", "振": "振",
    "德": "德", "学": "學", "友": "友", "美": "美", "玲": "玲", "淑": "淑", "珍": "珍", "兰": "蘭",
    "娇": "嬌", "立": "立", "新": "新", "卫": "衛", "晓": "曉", "娟": "娟", "梅": "梅", "静": "靜",
    "桂": "桂", "建": "建", "门": "門", "叶": "葉", "程": "程", "魏": "魏", "丁": "丁",
})
LATIN_GIVEN = {
    "Robert": ["Bob", "Rob", "Bobby"], "William": ["Bill", "Will", "Billy"],
    "Elizabeth": ["Liz", "Beth", "Lisa"], "Margaret": ["Maggie", "Peggy", "Greta"],
    "Katharina": ["Kathi", "Katja"], "Michael": ["Mike", "Micha"], "John": ["Jack", "Johnny"],
    "Johannes": ["Hans", "Jo"], "Thomas": ["Tom", "Tommy"], "Christopher": ["Chris"],
    "Alexander": ["Alex", "Sascha"], "Jennifer": ["Jenny", "Jen"], "Richard": ["Rick", "Dick"],
    "James": ["Jim", "Jimmy"], "Joseph": ["Joe", "Sepp"], "Stefan": ["Steffen"],
    "Andreas": ["Andi"], "Susanne": ["Susi", "Sanne"], "Wolfgang": ["Wolf"],
    "Anna": [], "Lena": [], "Jonas": [], "Lukas": [], "Sophie": [], "Emma": [], "Paul": [],
    "David": ["Dave"], "Daniel": ["Dan", "Danny"], "Sarah": ["Sally"], "Mary": ["Molly"],
    "Patricia": ["Pat", "Trish"], "Barbara": ["Babs"], "Frank": [], "Peter": ["Pete"],
    "Laura": [], "Julia": ["Julie"], "Felix": [], "Max": [], "Marie": ["Mia"],
}
LATIN_FAMILY = ["Smith", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
                "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder",
                "Neumann", "Schwarz", "Zimmermann", "Braun", "Hofmann", "Krüger", "Hartmann",
                "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor",
                "Anderson", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris",
                "Clark", "Lewis", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green"]
CN_CITIES = [("北京", "100"), ("上海", "200"), ("广州", "510"), ("深圳", "518"), ("杭州", "310"),
             ("成都", "610"), ("武汉", "430"), ("南京", "210"), ("西安", "710"), ("重庆", "400")]
CN_ROADS = ["建国路", "人民路", "中山路", "解放路", "长安街", "南京路", "和平路", "新华路",
            "朝阳路", "青年路", "光明路", "复兴路", "东风路", "胜利路", "文化路"]
DE_CITIES = [("Berlin", "10"), ("Hamburg", "20"), ("München", "80"), ("Köln", "50"),
             ("Frankfurt", "60"), ("Stuttgart", "70")]
DE_STREETS = ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Dorfstraße",
              "Bergstraße", "Lindenstraße", "Kirchstraße", "Goethestraße", "Schillerstraße"]
EN_STREETS = ["Main Street", "High Street", "Park Road", "Church Street", "Station Road",
              "Victoria Road", "Green Lane", "Manor Road", "King Street", "Queen Street"]
CN_MAIL = ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com"]
LATIN_MAIL = ["gmail.com", "web.de", "gmx.de", "outlook.com", "t-online.de", "yahoo.com"]
# fmt: on


@dataclass
class Person:
    pid: int
    chinese: bool
    given: str
    family: str
    birth: tuple[int, int, int]
    email: str | None
    mobile: str
    landline: str | None
    street: str
    city: str
    postcode: str
    country: str
    national_id: str | None


def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.NORMAL)).replace("v", "u")


class Generator:
    """Deterministic for a seed: ``Generator(seed).records(n)`` yields (record, person id)."""

    def __init__(self, seed: int = 7, dirty_fields: float = 0.0) -> None:
        if not 0.0 <= dirty_fields < 1.0:
            raise ValueError(f"--dirty-fields: a share from 0 to below 1, got {dirty_fields}")
        self.rng = random.Random(seed)
        self.next_pid = 0
        self.used_mobiles: set[str] = set()
        self.dirty_fields = dirty_fields
        # Defects draw from their own stream: the same seed gives the same people and copies
        # with and without them, so a dirty set compares with its clean twin.
        self.defect_rng = random.Random(seed * 7919 + 1)
        self.unassigned: dict[int, str] = {}  # person id → their number in an unassigned range
        self.defects: dict[str, int] = {}

    def _name(self, chinese: bool) -> tuple[str, str]:
        r = self.rng
        if chinese:
            roll = r.random()
            if roll < 0.04:
                return "伟", "张"
            if roll < 0.07:
                return "芳", "王"
            weights = [1.0 / (i + 1) ** 0.8 for i in range(len(CN_FAMILY))]
            return r.choice(CN_GIVEN), r.choices(CN_FAMILY, weights)[0]
        if r.random() < 0.04:
            return "John", "Smith"
        return r.choice(list(LATIN_GIVEN)), r.choice(LATIN_FAMILY)

    def _mobile(self, chinese: bool) -> str:
        r = self.rng
        while True:
            # Only ranges that are assigned, so that validation (libphonenumber) accepts them.
            if chinese:
                prefix = r.choice(["13", "15", "18"])
                third = r.choice("0123456789" if prefix != "15" else "01235789")
                number = f"+86{prefix}{third}{r.randrange(10**8):08d}"
            else:
                number = f"+4915{r.choice('1279')}{r.randrange(10**8):08d}"
            if number not in self.used_mobiles:
                self.used_mobiles.add(number)
                return number

    def _address(self, chinese: bool) -> tuple[str, str, str, str, str]:
        r = self.rng
        if chinese:
            city, prefix = r.choice(CN_CITIES)
            road = r.choice(CN_ROADS)
            street = f"{road}{r.randrange(1, 300)}号"
            landline = f"+86{r.choice(['10', '21', '20', '755'])}{r.randrange(10**7, 10**8)}"
            return street, city, f"{prefix}{r.randrange(1000):03d}", "CN", landline
        city, prefix = r.choice(DE_CITIES)
        if r.random() < 0.5:
            street = f"{r.choice(DE_STREETS)} {r.randrange(1, 200)}"
        else:
            street = f"{r.randrange(1, 200)} {r.choice(EN_STREETS)}"
        landline = f"+49{r.choice(['30', '40', '89', '221'])}{r.randrange(10**6, 10**7)}"
        return street, city, f"{prefix}{r.randrange(1000):03d}", "DE", landline

    def _new_email(self, given: str, family: str, chinese: bool) -> str:
        r = self.rng
        g = _pinyin(given) if chinese else given.lower()
        f = _pinyin(family) if chinese else family.lower()
        local = r.choice(
            [f"{g}.{f}", f"{f}{g}", f"{g}{f}{r.randrange(100)}", f"{f}.{g}{r.randrange(1000)}"]
        )
        local = local.replace("ü", "u").replace("ö", "o").replace("ä", "a")
        return f"{local}{r.randrange(10000)}@{r.choice(CN_MAIL if chinese else LATIN_MAIL)}"

    def person(self, chinese: bool, household: Person | None = None) -> Person:
        r = self.rng
        given, family = self._name(chinese)
        if household is not None:
            family = household.family
            while given == household.given:
                given, _ = self._name(chinese)
        street, city, postcode, country, landline = self._address(chinese)
        if household is not None:
            street, city, postcode, country = (
                household.street,
                household.city,
                household.postcode,
                household.country,
            )
            landline = household.landline or landline
        birth = (r.randrange(1940, 2005), r.randrange(1, 13), r.randrange(1, 29))
        national_id = None
        if r.random() < 0.3:
            national_id = f"{r.randrange(10**17):018d}" if chinese else f"{r.randrange(10**9):09d}"
        self.next_pid += 1
        return Person(
            self.next_pid,
            chinese,
            given,
            family,
            birth,
            self._new_email(given, family, chinese) if r.random() < 0.8 else None,
            self._mobile(chinese),
            landline if r.random() < 0.5 or household else None,
            street,
            city,
            postcode,
            country,
            national_id,
        )

    def people(self, count: int, cjk_share: float = 0.6) -> Iterator[Person]:
        r = self.rng
        made = 0
        while made < count:
            base = self.person(r.random() < cjk_share)
            yield base
            made += 1
            if r.random() < 0.08:  # a household: one or two more people at the same address
                for _ in range(r.choice((1, 1, 2))):
                    yield self.person(base.chinese, household=base)
                    made += 1

    def copies(self, person: Person) -> int:
        roll = self.rng.random()
        return 1 if roll < 0.55 else 2 if roll < 0.82 else 3 if roll < 0.94 else 4

    def records(self, count: int, cjk_share: float = 0.6) -> Iterator[tuple[dict[str, Any], int]]:
        """Yield ``count`` raw flat records with the id of the person each one is."""
        made = 0
        for person in self.people(count, cjk_share):
            # About a third of the defects: the person's own number is in an unassigned range.
            if self.dirty_fields and self.defect_rng.random() < self.dirty_fields / 3:
                self.unassigned[person.pid] = self._unassigned_number(person.chinese)
            for copy in range(self.copies(person)):
                if made >= count:
                    return
                made += 1
                record = self.dirty(person, f"S{made:07d}", clean=copy == 0)
                yield self.defective(person, record), person.pid

    # ---- defective fields (--dirty-fields) -----------------------------------------------

    def _unassigned_number(self, chinese: bool) -> str:
        """Digits of a plausible length that libphonenumber calls unassigned (checked)."""
        r = self.defect_rng
        while True:
            if chinese:
                number = f"+86{r.choice(['144', '140', '174'])}{r.randrange(10**8):08d}"
            else:
                area = r.choice(["598", "496", "372", "455", "532"])
                number = f"+1{area}{r.randrange(2, 10)}{r.randrange(10**6):06d}"
            parsed = phonenumbers.parse(number, None)
            if phonenumbers.is_possible_number(parsed) and not phonenumbers.is_valid_number(parsed):
                return number

    def _spell_unassigned(self, number: str) -> str:
        r = self.defect_rng
        country = "86" if number.startswith("+86") else "1"
        rest = number[1 + len(country) :]
        style = r.random()
        if style < 0.3:
            return f"+{country} {rest[:3]} {rest[3:6]} {rest[6:]}"
        if style < 0.55:
            return f"{country}-{rest[:3]}-{rest[3:6]}-{rest[6:]}"
        if style < 0.8:
            return f"00{country} {rest[:3]} {rest[3:7]} {rest[7:]}"
        return number

    def defective(self, p: Person, record: dict[str, Any]) -> dict[str, Any]:
        """The record with its person's unassigned number, or one defective field by chance."""
        r = self.defect_rng
        if p.pid in self.unassigned:
            if record.get("phone") is not None or r.random() < 0.5:
                record["phone"] = self._spell_unassigned(self.unassigned[p.pid])
                self._count("phone_unassigned")
            return record
        if not self.dirty_fields or r.random() >= self.dirty_fields * 0.75:
            return record
        kind = r.choice(["phone", "birth_date", "birth_date", "email", "email"])
        if kind == "phone" and record.get("phone"):
            digits = str(record["phone"])
            i = r.randrange(4, len(digits) - 1)
            record["phone"] = (
                digits[:i] + digits[i + 1 :] if r.random() < 0.5 else digits[:i] + "0" + digits[i:]
            )
            self._count("phone_length")
        elif kind == "birth_date":
            record["birth_date"] = self._impossible_date(p)
        elif p.email:
            record["email"] = self._malformed_email(p.email)
        return record

    def _impossible_date(self, p: Person) -> str:
        r = self.defect_rng
        year, month, day = p.birth
        roll = r.random()
        if roll < 0.35:  # a day the month does not have
            self._count("date_impossible_day")
            month = r.choice([2, 4, 6, 9, 11])
            day = r.choice([30, 31]) if month == 2 else 31
            return r.choice(
                [f"{year:04d}{month:02d}{day:02d}", f"{year:04d}-{month:02d}-{day:02d}"]
            )
        self._count("date_swapped")  # day and month swapped, which no month allows past 12
        day = day if day > 12 else day + 12
        if r.random() < 0.5:
            return f"{year:04d}-{day:02d}-{month:02d}"
        return f"{month:02d}.{day:02d}.{year:04d}"

    def _malformed_email(self, email: str) -> str:
        r = self.defect_rng
        local, _, domain = email.partition("@")
        kind = r.choice(["double_at", "no_tld", "double_dot", "space", "no_at"])
        self._count(f"email_{kind}")
        if kind == "double_at":
            return f"{local}@@{domain}"
        if kind == "no_tld":
            return f"{local}@{domain.rsplit('.', 1)[0]}"
        if kind == "double_dot":
            return f"{local}@{domain.replace('.', '..', 1)}"
        if kind == "space":
            return f"{local} @{domain}"
        return f"{local}{domain}"

    def _count(self, kind: str) -> None:
        self.defects[kind] = self.defects.get(kind, 0) + 1

    # ---- noise ---------------------------------------------------------------------------

    def _typo(self, text: str) -> str:
        r = self.rng
        if len(text) < 3:
            return text
        i = r.randrange(1, len(text) - 1)
        kind = r.random()
        if kind < 0.33:
            return text[:i] + text[i + 1 :]
        if kind < 0.66:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        return text[:i] + r.choice("aeinorstlu") + text[i + 1 :]

    def _names(self, p: Person, clean: bool) -> dict[str, Any]:
        r = self.rng
        if p.chinese:
            style = (
                "native"
                if clean
                else r.choice(
                    [
                        "native",
                        "native",
                        "traditional",
                        "pinyin_given_first",
                        "pinyin_family_first",
                        "pinyin_split",
                        "native_split",
                    ]
                )
            )
            if style in ("native", "traditional"):
                full = p.family + p.given
                if style == "traditional":
                    full = full.translate(TRADITIONAL)
                return {"full_name": full}
            if style == "native_split":
                return {"given_name": p.given, "family_name": p.family}
            given, family = _pinyin(p.given).capitalize(), _pinyin(p.family).capitalize()
            if style == "pinyin_given_first":
                return {"full_name": f"{given} {family}"}
            if style == "pinyin_family_first":
                return {"full_name": f"{family.upper()} {given.upper()}"}
            return {"given_name": given, "family_name": family}
        given, family = p.given, p.family
        if not clean:
            roll = r.random()
            if roll < 0.2 and LATIN_GIVEN.get(given):
                given = r.choice(LATIN_GIVEN[given])
            elif roll < 0.35:
                given = self._typo(given)
            elif roll < 0.45:
                family = self._typo(family)
            if r.random() < 0.05:
                given, family = family, given
            if r.random() < 0.1:
                given, family = given.upper(), family.upper()
        return {"given_name": given, "family_name": family}

    def _phone(self, number: str, clean: bool) -> str:
        r = self.rng
        if clean:
            return number
        digits = number[3:]
        country = number[1:3]
        style = r.random()
        if style < 0.3:
            return number
        if style < 0.5:
            return f"00{country} {digits}"
        if style < 0.7 and country == "86":
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if country == "49":
            return f"0{digits[:2]} {digits[2:]}"
        return f"+{country}-{digits}"

    def _email(self, email: str, clean: bool) -> str:
        r = self.rng
        if clean:
            return email
        local, _, domain = email.partition("@")
        roll = r.random()
        if roll < 0.2:
            return email.upper()
        if roll < 0.3 and domain == "gmail.com":
            return f"{local.replace('.', '')}+shop@{r.choice(['gmail.com', 'googlemail.com'])}"
        if roll < 0.35:
            return f"{self._typo(local)}@{domain}"
        return email

    def _street(self, street: str, clean: bool) -> str:
        r = self.rng
        if clean or r.random() < 0.6:
            return street
        out = street.replace("straße", "str.").replace("Street", "St.").replace("Road", "Rd")
        if "号" in out and r.random() < 0.5:
            out = out.translate(str.maketrans("0123456789", "０１２３４５６７８９")).replace(
                "号", "號"
            )
        return out

    def dirty(self, p: Person, source_id: str, clean: bool) -> dict[str, Any]:
        r = self.rng
        year, month, day = p.birth
        if not clean and r.random() < 0.05 and day <= 12:
            month, day = day, month
        birth = f"{year:04d}-{month:02d}-{day:02d}"
        if not clean and r.random() < 0.05:
            birth = self._typo(birth)
        phone = p.mobile if (clean or r.random() < 0.8 or not p.landline) else p.landline
        record: dict[str, Any] = {
            "source_id": source_id,
            **self._names(p, clean),
            "email": self._email(p.email, clean) if p.email else None,
            "phone": self._phone(phone, clean),
            "address_line1": self._street(p.street, clean),
            "city": p.city,
            "postcode": p.postcode,
            "country": p.country,
            "birth_date": birth,
            "national_id": p.national_id,
        }
        if not clean:
            for field, share in (
                ("email", 0.25),
                ("phone", 0.2),
                ("birth_date", 0.25),
                ("address_line1", 0.25),
                ("postcode", 0.2),
                ("national_id", 0.3),
            ):
                if r.random() < share:
                    record[field] = None
        if p.landline and r.random() < 0.3:
            record["phone"] = p.landline if clean else self._phone(p.landline, False)
        return record


def generate(
    count: int, seed: int = 7, cjk_share: float = 0.6, dirty_fields: float = 0.0
) -> tuple[list[dict[str, Any]], list[int]]:
    """``count`` raw records and the person id of each."""
    records, truth = [], []
    for record, pid in Generator(seed, dirty_fields).records(count, cjk_share):
        records.append(record)
        truth.append(pid)
    return records, truth


def split_increment(
    records: list[dict[str, Any]], persons: list[int], share: float, seed: int = 11
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, str]]:
    """Hold a random ``share`` of the records back as a later increment.

    Source ids get a ``base-``/``new-`` prefix, so both files can be synced into one store;
    the truth maps every prefixed source id to its person.
    """
    held = set(random.Random(seed).sample(range(len(records)), int(len(records) * share)))
    base: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    truth: dict[str, str] = {}
    for n, (record, person) in enumerate(zip(records, persons, strict=True)):
        prefix = "new" if n in held else "base"
        record = {**record, "source_id": f"{prefix}-{record['source_id']}"}
        (new if n in held else base).append(record)
        truth[record["source_id"]] = str(person)
    return base, new, truth


def main() -> None:
    parser = argparse.ArgumentParser(description="Generated customers with known truth.")
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--dirty-fields",
        type=float,
        default=0.0,
        help="share of records given one defective field (unassigned phone, impossible "
        "birth date, malformed email)",
    )
    args = parser.parse_args()
    generator = Generator(args.seed, args.dirty_fields)
    written = write(args.count, args.out, generator)
    defects = sum(generator.defects.values())
    print(f"{written} records → {args.out}")
    if defects:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(generator.defects.items()))
        print(f"{defects} defective fields ({defects / written:.1%}): {kinds}")


def write(count: int, out: Path, generator: Generator | None = None) -> int:
    """Write ``count`` records to ``out`` (canonical columns) and the truth beside it."""
    generator = generator or Generator()
    records, truth = [], []
    for record, pid in generator.records(count):
        records.append(record)
        truth.append(pid)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow({c: record.get(c) or "" for c in COLUMNS})
    with out.with_suffix(".truth.csv").open("w", newline="", encoding="utf-8") as f:
        truth_writer = csv.writer(f)
        truth_writer.writerow(["source_id", "person"])
        truth_writer.writerows((r["source_id"], pid) for r, pid in zip(records, truth, strict=True))
    return len(records)


if __name__ == "__main__":
    main()
