"""公民身份号码 (GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit sequence (odd = male),
1 check character (ISO 7064 MOD 11-2, 'X' for 10)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils import timezone

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CODES = "10X98765432"


class IdNumberError(ValueError):
    pass


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # "男" / "女"


def check_char(first17: str) -> str:
    return CHECK_CODES[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=False)) % 11]


def parse_id_number(raw: str) -> IdNumber:
    """Validate and decode; raises IdNumberError with a Chinese message naming the problem."""
    value = (raw or "").strip().upper()
    if len(value) != 18:
        raise IdNumberError(f"公民身份号码应为 18 位，当前为 {len(value)} 位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise IdNumberError("公民身份号码前 17 位应为数字，最后一位为数字或 X")
    if value[0] == "0":
        raise IdNumberError("公民身份号码的地址码无效")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError(f"公民身份号码中的出生日期无效：{value[6:14]}") from exc
    if birth.year < 1900 or birth > timezone.localdate():
        raise IdNumberError(f"公民身份号码中的出生日期不合理：{birth.isoformat()}")
    expected = check_char(value[:17])
    if value[17] != expected:
        raise IdNumberError(f"公民身份号码校验码错误（最后一位应为 {expected}），请核对是否录入有误")
    gender = "男" if int(value[16]) % 2 == 1 else "女"
    return IdNumber(value=value, birth_date=birth, gender=gender)


def validate_consistency(id_number: IdNumber, *, birth_date: dt.date | None, gender: str | None) -> list[str]:
    """Problems between the decoded number and separately entered birth date / gender."""
    problems = []
    if birth_date and birth_date != id_number.birth_date:
        problems.append(
            f"出生日期 {birth_date.isoformat()} 与公民身份号码中的 {id_number.birth_date.isoformat()} 不一致"
        )
    if gender and gender != id_number.gender:
        problems.append(f"性别“{gender}”与公民身份号码（第 17 位表示{id_number.gender}性）不一致")
    return problems


def make_id_number(birth_date: dt.date, gender: str, rng: random.Random | None = None, area: str = "610581") -> str:
    """Build a valid number (for demo data and tests)."""
    rng = rng or random.Random()
    seq = rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
    first17 = f"{area}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)


def mask_id_number(value: str | None) -> str:
    """``6105**********1234``: the first 4 and last 4 characters, always 10 ``*`` between (the length
    is not told either). For lists and exports where the user did not open the person; the person's
    page shows the number in full. Shorter values are masked whole."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) <= 8:
        return "*" * len(text)
    return f"{text[:4]}{'*' * 10}{text[-4:]}"
