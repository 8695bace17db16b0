"""export_ledger writes the import layout; export → import round-trips without changes."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from applicants.ledger import LEDGER_HEADER
from applicants.models import Applicant, Event, StepRecord
from recruitment.tabular import read_table

from .ledger_samples import sample_rows
from .pipeline import advance, new_applicant
from .test_ledger_import import run, write

D = dt.date


def test_export_has_the_import_header_and_one_row_per_person(world, tmp_path):
    a = advance(world, new_applicant(world), until=17)
    out = tmp_path / "out.csv"
    call_command("export_ledger", str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert list(rows[0]) == LEDGER_HEADER and len(rows) == 1
    r = rows[0]
    assert r["公民身份号码"] == a.id_number and r["上级党委审批日期"] == a.admitted_on.isoformat()
    assert r["集中培训学时"] == "24" and r["应到会有表决权人数"] == "10" and r["转正支部大会日期"] == ""


def test_export_of_one_organization_contains_only_its_subtree(world, tmp_path):
    new_applicant(world)
    from applicants.services import applicant_create
    from recruitment.idcard import make_id_number

    applicant_create(
        actor=world.users.secretary_b,
        branch=world.b1,
        applied_on=D(2022, 1, 1),
        today=D(2026, 1, 1),
        name="乙某",
        gender="女",
        birth_date=D(1990, 1, 1),
        id_number=make_id_number(D(1990, 1, 1), "女"),
        education="高中",
        occupation="工人",
    )
    out = tmp_path / "b.xlsx"
    call_command("export_ledger", str(out), "--org", "B", stdout=io.StringIO())
    table = read_table(out, expected_header=LEDGER_HEADER)
    assert [c["姓名"] for _, c in table.rows] == ["乙某"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_then_import_round_trips(world, tmp_path, suffix):
    run(write(tmp_path, sample_rows(40, ["A1", "A2", "B1"], seed=9)))
    recorded = advance(world, new_applicant(world), until=24)  # one entered through the pages, too
    before = {
        a.id_number: (a.name, a.current_step, a.applied_on, a.candidate_on, a.admitted_on, a.converted_on)
        for a in Applicant.objects.all()
    }
    counts = (StepRecord.objects.count(), Event.objects.count())
    out = tmp_path / f"export.{suffix}"
    call_command("export_ledger", str(out), stdout=io.StringIO())
    result = run(out)
    assert all(r["ok"] for r in result["rows"]), [r for r in result["rows"] if not r["ok"]][:2]
    assert result["imported"] == 41
    after = {
        a.id_number: (a.name, a.current_step, a.applied_on, a.candidate_on, a.admitted_on, a.converted_on)
        for a in Applicant.objects.all()
    }
    assert after == before and (StepRecord.objects.count(), Event.objects.count()) == counts
    assert recorded.id_number in after
