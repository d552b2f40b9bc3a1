"""Administration in the browser: a province's administrator sees and manages only their
province's officers and units; the ministry's administrator edits a process, sees the
validator's error drawn on the transition it concerns, fixes it with the keyboard and publishes;
procedures, the calendar and integration clients (a key shown once, rotated). Every screen
visited is checked with axe-core."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from local.simulators.accounts import HANOI_UNIT, HCMC_UNIT, MINISTRY_UNIT
from local.stack import LocalStack
from tests.e2e.conftest import account
from tests.e2e.web.conftest import OfficerSession, new_context, vneid_button_name
from tests.e2e.web.flow_officers import first_login
from tests.e2e.web.keyboard import press, tick, type_into

ADMIN_HOME = "Quản trị hệ thống"
NEW_OFFICER_NUMBER = "079190004321"


@pytest.fixture
def admins(browser: Browser, webapp: str) -> Iterator[Callable[[str, str], OfficerSession]]:
    """Administrators logged in through VNeID; an administrator without processing roles lands
    on the administration's overview instead of a worklist."""
    opened: list[OfficerSession] = []

    def open_session(role: str, unit: str) -> OfficerSession:
        context, page, errors = new_context(browser, webapp)
        page.goto(webapp)
        page.get_by_role("button", name="Đăng nhập bằng VNeID").click()
        page.get_by_role("button", name=vneid_button_name(role, unit)).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(ADMIN_HOME)
        session = OfficerSession(context, page, webapp, account(role, unit)["HoVaTen"], errors)
        opened.append(session)
        return session

    yield open_session
    for session in opened:
        session.close()


def admin_nav(page: Page) -> object:
    return page.get_by_role("navigation", name="Các mục quản trị")


def test_a_province_admin_manages_only_their_province(admins: Callable[[str, str], OfficerSession],
                                                       screenshot: Callable[[Page, str], None], browser: Browser,
                                                       webapp: str, stack: LocalStack) -> None:
    hcmc = admins("province_admin", HCMC_UNIT)
    page = hcmc.page
    expect(page.locator(".lead")).to_contain_text("Thành phố Hồ Chí Minh")  # provinces by name
    nav = admin_nav(page)
    expect(nav.get_by_role("link", name="Thủ tục hành chính")).to_have_count(0)
    expect(nav.get_by_role("link", name="Hệ thống tích hợp")).to_have_count(0)
    hcmc.check("Quản trị cấp tỉnh: tổng quan")

    press(page, nav.get_by_role("link", name="Cán bộ và vai trò"))
    expect(hcmc.heading()).to_have_text("Cán bộ và vai trò")
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_contain_text("của Thành phố Hồ Chí Minh")
    rows = table.locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 6
    expect(rows.filter(has_text="Thành phố Hà Nội")).to_have_count(0)
    expect(rows.filter(has_text="Cấp bộ")).to_have_count(0)
    expect(page.get_by_label("Tỉnh", exact=True)).to_have_count(0)  # no province to choose from
    unit_options = page.get_by_label("Đơn vị").locator("option")
    expect(unit_options).to_have_text(["Tất cả đơn vị", "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"])
    hcmc.check("Quản trị cấp tỉnh: cán bộ")
    screenshot(page, "admin-can-bo")

    # A new officer of the province, added by personal number (not a VNeID subject), with a
    # processing role in a unit of the province; the number is checked, in Vietnamese, at its field.
    press(page, page.get_by_role("link", name="Thêm cán bộ"))
    expect(hcmc.heading()).to_have_text("Thêm cán bộ")
    type_into(page, page.get_by_label("Số định danh cá nhân"), "07919000432")
    type_into(page, page.get_by_label("Họ và tên"), "Trần Thị Mỹ Duyên")
    press(page, page.get_by_role("button", name="Thêm vai trò"))
    role = page.locator("#o-role-0")
    role_names = role.locator("option").all_inner_texts()
    assert "Quản trị hệ thống" not in role_names and "Quản trị cấp tỉnh" not in role_names
    role.select_option("appraiser")
    expect(page.locator("#o-unit-0").locator("option")).to_have_text(
        ["Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"])
    hcmc.check("Quản trị cấp tỉnh: thêm cán bộ")
    press(page, page.get_by_role("button", name="Lưu cán bộ"))
    expect(page.locator("#o-number-error")).to_contain_text("Số định danh cá nhân phải gồm đúng 12 chữ số.")
    hcmc.check("Quản trị cấp tỉnh: thêm cán bộ, số định danh sai")
    screenshot(page, "admin-them-can-bo-so-dinh-danh")
    type_into(page, page.get_by_label("Số định danh cá nhân"), NEW_OFFICER_NUMBER)
    press(page, page.get_by_role("button", name="Lưu cán bộ"))
    expect(hcmc.heading()).to_have_text("Cán bộ và vai trò")
    expect(page.get_by_role("status").filter(has_text="Đã thêm cán bộ Trần Thị Mỹ Duyên")).to_be_visible()
    new_row = page.locator("tbody tr").filter(has_text="Trần Thị Mỹ Duyên")
    expect(new_row).to_contain_text("Chuyên viên thẩm định — Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh")
    expect(new_row).to_contain_text("Chờ đăng nhập lần đầu")
    pending_sub = new_row.get_attribute("data-officer")
    assert pending_sub and pending_sub.startswith("pending-") and NEW_OFFICER_NUMBER not in pending_sub
    hcmc.check("Quản trị cấp tỉnh: cán bộ chờ đăng nhập lần đầu")
    screenshot(page, "admin-can-bo-cho-dang-nhap")
    type_into(page, page.get_by_label("Tìm cán bộ"), "my duyen")  # without diacritics
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="Tìm thấy 1 cán bộ.")).to_be_attached()

    # Another province's officer is out of reach, even by address.
    hanoi_desk = account("desk", HANOI_UNIT)["sub"]
    hcmc.open(f"quan-tri/can-bo/{hanoi_desk}")
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy cán bộ trong phạm vi bạn quản lý")

    # An officer holding a role only the ministry grants (here the province admin themselves): read only.
    hcmc.open(f"quan-tri/can-bo/{account('province_admin', HCMC_UNIT)['sub']}")
    expect(page.get_by_role("note")).to_contain_text("chỉ quản trị cấp bộ được sửa")
    expect(page.get_by_role("button", name="Lưu cán bộ")).to_be_disabled()

    hcmc.open("quan-tri/don-vi")
    expect(hcmc.heading()).to_have_text("Đơn vị tiếp nhận, xử lý")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text(HCMC_UNIT)
    hcmc.check("Quản trị cấp tỉnh: đơn vị")

    # Processes: read only for a province (the diagram and its table, no check, no publishing).
    hcmc.open("quan-tri/quy-trinh")
    expect(hcmc.heading()).to_have_text("Quy trình xử lý và sơ đồ")
    expect(page.get_by_role("link", name=re.compile("^Tạo quy trình mới"))).to_have_count(0)
    press(page, page.get_by_role("link", name=re.compile("^Xem")).first)
    expect(page.get_by_role("img", name=re.compile("^Sơ đồ quy trình"))).to_be_visible()
    expect(page.locator(".alert-info")).to_contain_text("Quản trị cấp tỉnh chỉ xem quy trình")
    expect(page.get_by_role("button", name="Kiểm tra quy trình")).to_have_count(0)
    press(page, page.locator("summary").filter(has_text="Xem quy trình dạng bảng"))
    steps_table = page.get_by_role("table", name=re.compile("^Các bước của quy trình"))
    expect(steps_table.locator("tbody tr").first).to_be_visible()
    hcmc.check("Quản trị cấp tỉnh: xem quy trình")

    hcmc.open("quan-tri/lich")
    expect(hcmc.heading()).to_contain_text("Lịch làm việc năm")
    expect(page.get_by_role("button", name="Lưu ngày điều chỉnh")).to_have_count(0)
    hcmc.check("Quản trị cấp tỉnh: lịch làm việc")

    # On a phone: the officer's form fits the width (no sideways scrolling of the page), still accessible.
    page.set_viewport_size({"width": 390, "height": 844})
    hcmc.open(f"quan-tri/can-bo/{pending_sub}")
    expect(hcmc.heading()).to_have_text("Cán bộ Trần Thị Mỹ Duyên")
    expect(page.get_by_text("Chờ đăng nhập lần đầu (cán bộ chưa có quyền")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    hcmc.check("Quản trị cấp tỉnh: sửa cán bộ trên điện thoại")

    # The officer's first VNeID login binds the record to their account: their worklist, and the
    # administrator's list shows them active.
    newcomer = first_login(browser, webapp, stack, NEW_OFFICER_NUMBER, "Trần Thị Mỹ Duyên", "appraiser", HCMC_UNIT)
    newcomer.close()
    hcmc.open("quan-tri/can-bo")
    bound = page.locator("tbody tr").filter(has_text="Trần Thị Mỹ Duyên")
    expect(bound).to_contain_text("Đang hoạt động")
    assert bound.get_attribute("data-officer") != pending_sub


def test_an_admin_fixes_a_process_error_shown_on_the_diagram_and_publishes(
        admins: Callable[[str, str], OfficerSession], screenshot: Callable[[Page, str], None]) -> None:
    """The copy of the first process listed (a new code, so the seeded processes stay as they are)."""
    admin = admins("admin", MINISTRY_UNIT)
    page = admin.page
    admin.check("Quản trị: tổng quan")
    screenshot(page, "admin-tong-quan")
    press(page, admin_nav(page).get_by_role("link", name="Quy trình và sơ đồ"))
    expect(admin.heading()).to_have_text("Quy trình xử lý và sơ đồ")
    admin.check("Quản trị: quy trình")
    press(page, page.get_by_role("link", name=re.compile("^Tạo quy trình mới từ quy trình này")).first)
    expect(admin.heading()).to_contain_text("Quy trình mới")
    diagram = page.get_by_role("img", name=re.compile("^Sơ đồ quy trình"))
    expect(diagram).to_be_visible()
    code = page.get_by_label("Mã quy trình")
    code.fill("")
    type_into(page, code, "QT-WEB-THU")

    # Break a rule: refusing at intake must ask for a reason.
    expect(page.get_by_label("Bước đang xem, sửa")).to_have_value("cho_tiep_nhan")
    refusal = page.locator("fieldset[data-action='tu_choi_tiep_nhan']")
    reason = refusal.get_by_label("Bắt buộc nhập lý do")
    expect(reason).to_be_checked()
    press(page, reason, "Space")
    expect(reason).not_to_be_checked()
    picker = page.get_by_label("Bước đang xem, sửa")
    picker.select_option(index=2)  # looking at another step when the check runs
    expect(refusal).to_have_count(0)
    press(page, page.get_by_role("button", name="Kiểm tra quy trình"))
    edge = page.locator("[data-edge='cho_tiep_nhan/tu_choi_tiep_nhan']")
    expect(edge).to_have_attribute("data-error", "true")
    expect(edge.locator("text")).to_contain_text("⚠")
    errors = page.locator("ol.process-errors li")
    expect(errors).to_have_count(1)
    expect(errors.first).to_contain_text("Thao tác “Từ chối tiếp nhận” của bước")
    expect(errors.first).to_contain_text("phải yêu cầu nhập lý do")
    # The error's own link brings the step back into the editor, with the focus on its picker.
    press(page, errors.first.get_by_role("button", name="Sửa lỗi 1"))
    expect(picker).to_have_value("cho_tiep_nhan")
    expect(picker).to_be_focused()
    expect(refusal).to_have_attribute("data-error", "true")
    expect(page.locator("[data-edge][data-error='true']")).to_have_count(1)
    admin.check("Quản trị: quy trình có lỗi trên sơ đồ")
    if os.environ.get("HOSO_SCREENSHOTS"):  # the diagram itself, with the error drawn on its arrow and listed
        page.locator("figure.process-diagram").screenshot(
            path=str(Path(os.environ["HOSO_SCREENSHOTS"]) / "admin-quy-trinh-loi.png"))

    # Publishing is refused while the error stands.
    press(page, page.get_by_role("button", name="Ban hành phiên bản 1"))
    expect(page.get_by_role("alert").filter(has_text="chưa hợp lệ")).to_be_visible()

    # Fixed with the keyboard, checked, published.
    tick(page, reason)
    expect(reason).to_be_checked()
    press(page, page.get_by_role("button", name="Kiểm tra quy trình"))
    expect(page.get_by_role("status").filter(has_text="Quy trình hợp lệ")).to_be_visible()
    expect(page.locator("[data-error='true']")).to_have_count(0)
    press(page, page.get_by_role("button", name="Ban hành phiên bản 1"))
    expect(admin.heading()).to_contain_text("Quy trình QT-WEB-THU")
    expect(page.get_by_role("status").filter(has_text="Đã ban hành quy trình QT-WEB-THU phiên bản 1.")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Lịch sử phiên bản")).locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("button", name="Ban hành phiên bản 2")).to_be_visible()
    admin.check("Quản trị: soạn phiên bản tiếp theo")
    screenshot(page, "admin-quy-trinh")


def test_an_admin_manages_procedures_the_calendar_and_integration_keys(
        admins: Callable[[str, str], OfficerSession], screenshot: Callable[[Page, str], None]) -> None:
    admin = admins("admin", MINISTRY_UNIT)
    page = admin.page
    admin.open("quan-tri/thu-tuc")
    expect(admin.heading()).to_have_text("Thủ tục hành chính")
    admin.check("Quản trị: thủ tục")
    press(page, page.get_by_role("link", name=re.compile("^Sửa")).first)
    expect(admin.heading()).to_contain_text("Thủ tục ")
    press(page, page.get_by_role("button", name="Thêm khoản thu"))
    fees = page.get_by_role("group", name=re.compile(r"^Phí, lệ phí"))
    expect(fees.get_by_role("group", name=re.compile("^Khoản thu"))).not_to_have_count(0)
    admin.check("Quản trị: sửa thủ tục")
    screenshot(page, "admin-thu-tuc")
    # Separation of duties, turned on then off again (other tests' dossiers use this procedure).
    admin.open("quan-tri/thu-tuc")
    first = page.locator("tbody tr").first
    code = first.locator("th").inner_text().strip()
    row = page.locator("tbody tr").filter(has=page.locator("th", has_text=code))
    press(page, first.get_by_role("link", name=re.compile("^Sửa")))
    separation = page.get_by_label(re.compile("^Tách biệt nhiệm vụ"))
    expect(separation).not_to_be_checked()
    tick(page, separation)
    # the procedure's result: said to be none, signing on approval switched (then back)
    result_kind = page.get_by_label("Kết quả của thủ tục")
    on_approval = page.get_by_label(re.compile("^Lãnh đạo phê duyệt là ký số"))
    kind_before, signs_before = result_kind.input_value(), on_approval.is_checked()
    assert kind_before != "none"  # every demo procedure with a unit process has a result document
    result_kind.select_option("none")
    press(page, on_approval, "Space")
    admin.check("Quản trị: kết quả của thủ tục")
    press(page, page.get_by_role("button", name="Lưu thủ tục"))
    expect(admin.heading()).to_have_text("Thủ tục hành chính")
    expect(row).to_contain_text("Tách biệt nhiệm vụ")
    press(page, row.get_by_role("link", name=re.compile("^Sửa")))
    separation = page.get_by_label(re.compile("^Tách biệt nhiệm vụ"))
    expect(separation).to_be_checked()
    press(page, separation, "Space")
    expect(separation).not_to_be_checked()
    expect(result_kind).to_have_value("none")
    expect(on_approval).to_be_checked(checked=not signs_before)
    result_kind.select_option(kind_before)
    press(page, on_approval, "Space")
    press(page, page.get_by_role("button", name="Lưu thủ tục"))
    expect(admin.heading()).to_have_text("Thủ tục hành chính")
    expect(row).not_to_contain_text("Tách biệt nhiệm vụ")

    admin.open("quan-tri/lich?nam=2032")
    expect(admin.heading()).to_have_text("Lịch làm việc năm 2032")
    type_into(page, page.locator("#c-date"), "31/02/2032")
    press(page, page.get_by_role("button", name="Lưu ngày điều chỉnh"))
    expect(page.locator("#c-date-error")).to_contain_text("DD/MM/YYYY")
    page.locator("#c-date").fill("")
    type_into(page, page.locator("#c-date"), "07/02/2032")
    type_into(page, page.get_by_label("Văn bản quyết định"), "Thông báo số 12/TB-BNV")
    press(page, page.get_by_role("button", name="Lưu ngày điều chỉnh"))
    row = page.get_by_role("table").locator("tbody tr").filter(has_text="07/02/2032")
    expect(row).to_contain_text("Ngày làm bù")
    admin.check("Quản trị: lịch làm việc")
    screenshot(page, "admin-lich")
    press(page, row.get_by_role("button", name="Bỏ ngày 07/02/2032"))
    expect(page.get_by_role("table").locator("tbody tr")).to_have_text(["Chưa có ngày điều chỉnh."])

    admin.open("quan-tri/tich-hop")
    expect(admin.heading()).to_have_text("Hệ thống tích hợp và khóa truy cập")
    type_into(page, page.get_by_label("Mã hệ thống"), "pm-web-thu")
    type_into(page, page.get_by_label("Tên hệ thống"), "Phần mềm chuyên ngành thử")
    # the kind bounds what can be granted: a specialised software's APIs and process actions
    page.get_by_label("Loại hệ thống").select_option(label="Phần mềm chuyên ngành")
    tick(page, page.get_by_label("Báo tiến độ xử lý hồ sơ"))
    tick(page, page.get_by_label("Chuyển bước / trình", exact=True))
    expect(page.get_by_label("Rút hồ sơ theo yêu cầu")).to_have_count(0)  # never grantable
    tick(page, page.get_by_role("group", name="Thủ tục được cấp").get_by_role("checkbox").first)
    press(page, page.get_by_role("button", name="Đăng ký và tạo khóa"))
    shown = page.locator("[data-token-for='pm-web-thu'] code")
    expect(shown).to_have_text(re.compile(r"^pm-web-thu\..{20,}$"))
    first_key = shown.inner_text()
    admin.check("Quản trị: hệ thống tích hợp, khóa vừa tạo")
    press(page, page.get_by_role("button", name="Đã lưu, ẩn khóa"))
    expect(page.locator("[data-token-for]")).to_have_count(0)
    client_row = page.locator("tr[data-client='pm-web-thu']")
    expect(client_row).to_contain_text("Phần mềm chuyên ngành")
    expect(client_row).to_contain_text("API: Báo tiến độ xử lý hồ sơ")
    expect(client_row).to_contain_text("Thao tác: Chuyển bước / trình")
    press(page, client_row.get_by_role("button", name=re.compile("^Khai báo quyền")))
    grants = page.get_by_role("dialog")
    expect(grants).to_be_visible()
    admin.check("Quản trị: khai báo quyền hệ thống tích hợp")
    grants.get_by_label("Loại hệ thống").select_option(label="Dịch vụ bưu chính")
    tick(page, grants.get_by_label("Báo trạng thái bưu gửi"))
    expect(grants.get_by_label("Báo tiến độ xử lý hồ sơ")).to_have_count(0)  # not a postal service's
    press(page, grants.get_by_role("button", name="Lưu quyền"))
    expect(client_row).to_contain_text("Dịch vụ bưu chính")
    expect(client_row).to_contain_text("API: Báo trạng thái bưu gửi")
    press(page, client_row.get_by_role("button", name=re.compile("^Đổi khóa")))
    expect(shown).to_have_text(re.compile(r"^pm-web-thu\."))
    assert shown.inner_text() != first_key
    expect(client_row).to_contain_text("Khóa cũ còn hiệu lực đến")
    assert first_key not in page.content().replace(shown.inner_text(), "")
    screenshot(page, "admin-tich-hop")
    press(page, client_row.get_by_role("button", name=re.compile("^Thu hồi")))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    admin.check("Quản trị: xác nhận thu hồi")
    press(page, dialog.get_by_role("button", name="Thu hồi"))
    expect(client_row).to_contain_text("Đã thu hồi")
    admin.check("Quản trị: hệ thống tích hợp")
