"""Journey 10: a village branch secretary on a phone (390 × 844). The list, the to-do list and the
archive show one card per person or step (no sideways scrolling, no column squeezed to a character a
line), the person page puts the next step at the top, a step is recorded and a material uploaded."""

import re

from playwright.sync_api import expect

from .conftest import login, screenshot
from .prep import create_person, days_ago, unique_name

PHONE = {"width": 390, "height": 844}

# Every visible table cell or card text element with text: its text column (the content box, less a
# card label's padding) is at least three characters wide. Returns the offenders.
NARROW_TEXT = """() => {
  const out = [];
  const nodes = document.querySelectorAll("main td, main th, main .card-body > p, main li, main dd, main .alert");
  for (const el of nodes) {
    const text = el.innerText.trim();
    if (!text) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden") continue;
    const head = el.closest("thead");
    if (head && getComputedStyle(head).clip !== "auto") continue;  // the cards' header: for screen readers only
    const column = r.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (column < 3 * parseFloat(cs.fontSize)) out.push(`${el.tagName} ${Math.round(column)}px: ${text.slice(0, 20)}`);
  }
  return out;
}"""


def assert_fits_phone(page) -> None:
    page.wait_for_load_state()
    scroll, inner = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"页面横向滚动：{page.url} 宽 {scroll}px > 屏幕 {inner}px"
    narrow = page.evaluate(NARROW_TEXT)
    assert not narrow, f"文字列过窄（不足三个字）：{page.url} {narrow[:10]}"


def test_branch_secretary_works_on_a_phone(watched_page, server, db_access):
    from applicants.models import Applicant, Material

    page = watched_page
    page.set_viewport_size(PHONE)
    name = unique_name("手机")
    a = create_person(name=name, dates={1: days_ago(40), 2: days_ago(30)})

    login(page, server, "zhibu")

    # The menu opens from the toggler; the list is one card per person.
    page.locator(".navbar-toggler").click()
    page.locator("#mainnav .navbar-nav .nav-link", has_text="发展纪实").first.click()
    page.locator("#mainnav .dropdown-menu.show .dropdown-item", has_text="发展对象").click()
    expect(page.locator("h1")).to_contain_text("入党申请人与发展对象")
    assert_fits_phone(page)
    row = page.locator("table.table-cards tbody tr").first
    expect(row.locator("td").nth(1)).to_have_attribute("data-label", "性别")
    screenshot(page, "journey10-phone-list")

    # The to-do list.
    page.goto(f"{server}/applicants/todo/")
    expect(page.locator("h1")).to_contain_text("待办提醒")
    assert_fits_phone(page)
    screenshot(page, "journey10-phone-todo")

    # The person page: the next step's form is on the first screen, above the 25-step timeline.
    page.goto(f"{server}/applicants/{a.pk}/")
    assert_fits_phone(page)
    next_step = page.locator("#next-step")
    expect(next_step).to_contain_text("第3步")
    box = next_step.bounding_box()
    assert box["y"] < PHONE["height"], f"下一步在首屏以下：{box['y']}px"
    assert box["y"] < page.locator("#step-1").bounding_box()["y"]
    button = page.get_by_role("button", name="登记完成第3步")
    assert button.bounding_box()["height"] >= 44  # a finger's tap target

    page.fill("#id_step-date", days_ago(2).isoformat())
    page.get_by_label("党员推荐").check()
    button.click()
    expect(page.locator(".alert-success")).to_contain_text("已完成第3步")
    assert_fits_phone(page)
    assert Applicant.objects.get(pk=a.pk).current_step == 3
    screenshot(page, "journey10-phone-person")

    # The archive: cards per step, "上传" jumps to the upload form with the step and kind chosen.
    page.get_by_role("link", name="一人一档").first.click()
    expect(page.locator("h1")).to_contain_text("一人一档")
    assert_fits_phone(page)
    upload_link = page.locator("table.table-cards a", has_text=re.compile(r"^上传$")).first
    assert upload_link.bounding_box()["height"] >= 44
    upload_link.click()
    file_input = page.locator("#id_material-file")
    assert "image/*" in file_input.get_attribute("accept")
    assert "application/pdf" in file_input.get_attribute("accept")
    photo = page.locator("#id_material-photo")
    expect(photo).to_have_attribute("capture", "environment")
    expect(photo).to_be_visible()
    kind = page.locator("#id_material-kind").input_value()
    assert kind
    file_input.set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%phone journey\n%%EOF\n"}]
    )
    page.locator("#upload").get_by_role("button", name="上传").click()
    expect(page.locator(".alert-success")).to_contain_text(f"“{kind}”：scan.pdf")
    assert_fits_phone(page)
    assert Material.objects.filter(applicant=a, kind=kind, original_name="scan.pdf").exists()
    screenshot(page, "journey10-phone-archive")
