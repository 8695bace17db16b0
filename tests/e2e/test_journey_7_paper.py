"""Journey 7: a branch secretary opens an activist of the branch and downloads the 发展对象 公示 as a PDF
(细则（2026）第十三条, R25); its first page is kept among the journeys' screenshots."""

from playwright.sync_api import expect
from pypdf import PdfReader

from .conftest import login, pdf_screenshot, screenshot


def test_secretary_downloads_the_publicity_notice(watched_page, server, db_access, tmp_path):
    from applicants.models import AccessLog, Applicant
    from recruitment.models import User

    page = watched_page
    secretary = User.objects.get(username="zhibu")
    person = (
        Applicant.objects.filter(
            branch=secretary.organization, status="active", current_step__gte=3, current_step__lt=7
        )
        .order_by("pk")
        .first()
    )
    assert person is not None, "the demo branch has an activist"

    login(page, server, "zhibu")
    page.goto(f"{server}/applicants/{person.pk}/")
    expect(page.locator("h1")).to_have_text(person.name)
    panel = page.locator("#documents-panel")
    expect(panel).to_contain_text("确定发展对象前公示")
    expect(panel.locator("[data-print]")).to_be_visible()
    form = panel.locator("form[data-stage=candidate]")
    form.locator("input[name=phone]").fill("0913-5201234")
    screenshot(page, "journey7-person-documents")
    with page.expect_download() as info:
        form.get_by_role("button", name="PDF").click()
    download = info.value
    assert download.suggested_filename.endswith("公示.pdf")
    pdf = tmp_path / "notice.pdf"
    download.save_as(pdf)

    text = "".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert f"关于{person.name}同志拟确定为发展对象的公示" in text
    assert "联系电话：0913-5201234" in text and "公示时间：" in text and "个工作日" in text
    assert person.id_number not in text
    assert AccessLog.objects.filter(user=secretary, applicant=person, kind="download").exists()
    shot = pdf_screenshot(pdf, "journey7-publicity-notice-pdf")
    assert shot.exists() and shot.stat().st_size > 5000

    # Printed from the browser: navigation, buttons, forms and the documents panel are left off the paper.
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(panel).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    page.emulate_media(media="screen")
