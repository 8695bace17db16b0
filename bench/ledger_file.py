"""A realistic 台账 file for the import benchmark: new people across a committee's branches, at
every position of the pipeline the ledger columns can express, with dates that satisfy the rules
(R2 talk within a month, R6 a year as activist, R9 ≥ 24 学时, R11 majorities, R12 approval within
three months, R14 conversion after the probation year)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from applicants.ledger import LEDGER_HEADER
from bench.scale import GIVEN_F, GIVEN_M, SURNAMES, _add_years, _check_char


def write_ledger_file(path: Path, *, rows: int, branch_codes: list[str], today: dt.date, seed: int = 11) -> Path:
    rng = random.Random(seed)
    used: set[str] = set()
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(LEDGER_HEADER)
        for i in range(rows):
            female = rng.random() < 0.42
            gender = "女" if female else "男"
            while True:
                birth = dt.date(rng.randint(1975, 2004), rng.randint(1, 12), rng.randint(1, 28))
                first17 = f"659001{birth:%Y%m%d}{rng.randrange(0, 500) * 2 + (0 if female else 1):03d}"
                idn = first17 + _check_char(first17)
                if idn not in used:
                    used.add(idn)
                    break
            given = GIVEN_F if female else GIVEN_M
            row = dict.fromkeys(LEDGER_HEADER, "")
            row.update(
                {
                    "姓名": rng.choice(SURNAMES) + rng.choice(given) + rng.choice(given),
                    "性别": gender,
                    "民族": "汉族",
                    "出生日期": birth.isoformat(),
                    "公民身份号码": idn,
                    "学历": rng.choice(["大学本科", "大学专科", "高中", "研究生"]),
                    "职业": rng.choice(["工人", "农牧渔民", "专业技术人员", "企业管理人员"]),
                    "是否生产工作一线": rng.choice(["是", "否"]),
                    "户籍所在地": "陕西省某县某村",
                    "党组织编码": branch_codes[i % len(branch_codes)],
                }
            )
            stage = rng.random()
            applied = today - dt.timedelta(days=rng.randint(30, 200) if stage < 0.4 else rng.randint(900, 1500))
            if (applied - birth).days < 18 * 366:
                applied = (
                    birth.replace(year=birth.year + 19)
                    if birth.month != 2 or birth.day != 29
                    else dt.date(birth.year + 19, 3, 1)
                )
            row["申请入党日期"] = applied.isoformat()
            if stage >= 0.4:
                talked = applied + dt.timedelta(days=rng.randint(5, 25))
                activist = talked + dt.timedelta(days=rng.randint(100, 200))
                row.update({"谈话日期": talked.isoformat(), "确定积极分子日期": activist.isoformat()})
                if stage >= 0.7:
                    candidate = activist + dt.timedelta(days=rng.randint(370, 420))
                    row.update({"确定发展对象日期": candidate.isoformat(), "集中培训学时": "24"})
                    if stage >= 0.9:
                        meeting = candidate + dt.timedelta(days=rng.randint(60, 100))
                        approved = meeting + dt.timedelta(days=rng.randint(20, 60))
                        row.update(
                            {
                                "支部大会日期": meeting.isoformat(),
                                "应到会有表决权人数": "20",
                                "实到会有表决权人数": "18",
                                "赞成票数": "17",
                                "上级党委审批日期": approved.isoformat(),
                            }
                        )
                        conversion = _add_years(meeting, 1) + dt.timedelta(days=rng.randint(0, 20))
                        if conversion + dt.timedelta(days=40) < today and rng.random() < 0.5:
                            row.update(
                                {
                                    "转正支部大会日期": conversion.isoformat(),
                                    "转正审批日期": (conversion + dt.timedelta(days=30)).isoformat(),
                                }
                            )
            # keep every date in the past
            for column in ("谈话日期", "确定积极分子日期", "确定发展对象日期", "支部大会日期", "上级党委审批日期"):
                if row[column] and dt.date.fromisoformat(row[column]) > today:
                    row[column] = ""
            out.writerow([row[h] for h in LEDGER_HEADER])
    return path
