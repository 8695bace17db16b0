"""Valid ledger rows for tests and the import benchmark.

    .venv/bin/python -m tests.applicants.ledger_samples var/ledger-10k.csv 10000 HC0101 HC0102 …

writes a CSV of ``n`` valid people spread over every dated column (each row passes every rule).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys

from recruitment.idcard import make_id_number
from tests.clock import TODAY

HEADER = [
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "学历",
    "职业",
    "是否生产工作一线",
    "户籍所在地",
    "党组织编码",
    "申请入党日期",
    "谈话日期",
    "确定积极分子日期",
    "确定发展对象日期",
    "集中培训学时",
    "支部大会日期",
    "应到会有表决权人数",
    "实到会有表决权人数",
    "赞成票数",
    "上级党委审批日期",
    "转正支部大会日期",
    "转正审批日期",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马胡朱郭何罗高林"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def person(rng: random.Random, code: str, stage: int, today: dt.date = TODAY, used: set | None = None) -> dict:
    """One valid row that has reached ``stage`` (1, 2, 3, 7, 15, 17, 23 or 24), all dates before today."""
    gender = rng.choice("男女")
    birth = dt.date(rng.randint(1970, 2000), rng.randint(1, 12), rng.randint(1, 28))
    idn = make_id_number(birth, gender, rng)
    while used is not None and idn in used:
        idn = make_id_number(birth, gender, rng)
    if used is not None:
        used.add(idn)
    span = {1: 60, 2: 120, 3: 300, 7: 600, 15: 700, 17: 800, 23: 1300, 24: 1400}[stage]
    applied = today - dt.timedelta(days=span + rng.randint(0, 200))
    d = {1: applied}
    d[2] = d[1] + dt.timedelta(days=rng.randint(3, 28))
    d[3] = d[2] + dt.timedelta(days=rng.randint(30, 100))
    d[7] = d[3] + dt.timedelta(days=366 + rng.randint(0, 40))
    d[15] = d[7] + dt.timedelta(days=rng.randint(40, 90))
    d[17] = d[15] + dt.timedelta(days=rng.randint(10, 80))
    d[23] = d[15] + dt.timedelta(days=366 + rng.randint(0, 20))
    d[24] = d[23] + dt.timedelta(days=rng.randint(10, 60))
    dates = {n: v for n, v in d.items() if n <= stage and v <= today}
    row = {h: "" for h in HEADER}
    expected = rng.randint(5, 40)
    attending = rng.randint(expected // 2 + 1, expected)
    row.update(
        {
            "姓名": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "性别": gender,
            "民族": "汉族",
            "出生日期": birth.isoformat(),
            "公民身份号码": idn,
            "学历": rng.choice(["大学本科", "大学专科", "高中", "中专"]),
            "职业": rng.choice(["农牧渔民", "工人", "专业技术人员"]),
            "是否生产工作一线": rng.choice("是否"),
            "户籍所在地": "陕西省韩城市",
            "党组织编码": code,
            "申请入党日期": dates[1].isoformat(),
        }
    )
    cols = {
        2: "谈话日期",
        3: "确定积极分子日期",
        7: "确定发展对象日期",
        15: "支部大会日期",
        17: "上级党委审批日期",
        23: "转正支部大会日期",
        24: "转正审批日期",
    }
    for n, column in cols.items():
        if n in dates:
            row[column] = dates[n].isoformat()
    if 15 in dates:
        row.update(
            {
                "集中培训学时": str(rng.choice([24, 32, 40])),
                "应到会有表决权人数": str(expected),
                "实到会有表决权人数": str(attending),
                "赞成票数": str(rng.randint(expected // 2 + 1, attending)),
            }
        )
    return row


def sample_rows(n: int, codes: list[str], *, seed: int = 1, today: dt.date = TODAY) -> list[dict]:
    rng = random.Random(seed)
    used: set[str] = set()
    stages = [1, 2, 3, 7, 15, 17, 23, 24]
    return [person(rng, codes[i % len(codes)], stages[i % len(stages)], today, used) for i in range(n)]


def write_csv(path, rows: list[dict], bom: bool = True) -> None:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    out, count, *org_codes = sys.argv[1:]
    write_csv(out, sample_rows(int(count), org_codes or ["HC0101"]))
    print(f"wrote {count} rows to {out}")
