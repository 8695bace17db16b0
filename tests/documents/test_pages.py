"""Where the documents are offered: the person page's 打印与公文 panel, the archive, the ledger pages — each
with a 打印 button (static/js/app.js, data-print; no inline script under the CSP)."""

import datetime as dt

from django.urls import reverse

from tests.applicants.people import placed

D = dt.date


def test_the_person_page_offers_the_notice_of_the_next_publicity_and_the_timeline(world, client_for):
    a = placed(world, step=6, name="王小红", activist_on=D(2024, 9, 2))
    html = client_for(world.users.secretary).get(reverse("applicants:detail", args=[a.pk])).content.decode()
    assert 'id="documents-panel"' in html and "data-print" in html
    assert reverse("documents:publicity_pdf", args=[a.pk, "candidate"]) in html
    assert reverse("documents:publicity_docx", args=[a.pk, "candidate"]) in html
    assert reverse("documents:timeline_docx", args=[a.pk]) in html
    assert reverse("documents:publicity_pdf", args=[a.pk, "activist"]) not in html


def test_a_person_with_no_publicity_due_gets_no_notice_link(world, client_for):
    a = placed(world, step=2, name="新申请人")  # no county switch (S1): no 公示 before 确定积极分子
    html = client_for(world.users.secretary).get(reverse("applicants:detail", args=[a.pk])).content.decode()
    assert "当前没有需要公示的环节" in html and "publicity/activist.pdf" not in html


def test_the_archive_and_the_ledgers_have_a_print_button_and_their_pdf(world, client_for):
    a = placed(world, step=6, activist_on=D(2024, 9, 2))
    client = client_for(world.users.secretary)
    html = client.get(reverse("applicants:archive", args=[a.pk])).content.decode()
    assert "data-print" in html and reverse("documents:timeline_docx", args=[a.pk]) in html
    html = client.get(reverse("reviews:ledger"), {"year": 2026}).content.decode()
    assert "data-print" in html and reverse("documents:prereview_ledger_pdf") in html
    assert f"{reverse('documents:work_ledger_pdf')}?year=2026" in html and "print-landscape.css" in html
    html = client.get(reverse("ledger:import")).content.decode()
    assert "data-print" in html and reverse("documents:work_ledger_pdf") in html


def test_the_print_stylesheet_and_the_print_button_are_static_files():
    """No inline style or script (CSP): the print rules live in app.css, the button's behaviour in app.js."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "static"
    css = (root / "css" / "app.css").read_text()
    rules = css[css.index("@media print") :]
    for hidden in ("nav.navbar", ".btn", "button", "form", ".no-print"):
        assert hidden in rules.split("display: none")[0]
    assert "size: A4" in rules and "thead { display: table-header-group; }" in rules
    assert "size: A4 landscape" in (root / "css" / "print-landscape.css").read_text()
    js = (root / "js" / "app.js").read_text()
    assert "[data-print]" in js and "window.print()" in js
