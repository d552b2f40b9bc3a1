"""Migration from provincial systems in the browser (docs/migration-run.md): TP HCM's administrator
opens "Chuyển đổi dữ liệu", starts a validate run over a small export on the local stack (the
migration_run state machine's distributed map, the chunks through the local dispatcher), follows its
progress until it finishes, reads the counts and the problems the bad records caused, downloads the
report, then closes the unit's intake on hoso and switches it back (forced, with a reason). Every
state is checked with axe-core."""

from __future__ import annotations

import os
from collections.abc import Callable

import boto3
from playwright.sync_api import Page, expect

from local import migration_sample
from local.simulators.accounts import HCMC_UNIT
from local.stack import LocalStack
from tests.e2e.web import test_admin
from tests.e2e.web.conftest import OfficerSession
from tests.e2e.web.keyboard import press

admins = test_admin.admins  # the fixture: administrators land on the administration's overview
PREFIX = "runs/e2e-web"


def test_a_province_admin_validates_an_export_and_switches_the_unit_intake(
        stack: LocalStack, admins: Callable[[str, str], OfficerSession],
        screenshot: Callable[[Page, str], None]) -> None:  # fmt: skip
    sample = migration_sample.generate(30, chunk_size=15, namespace="web")
    migration_sample.upload(sample, os.environ["HOSO_MIGRATION_BUCKET"], PREFIX,
                            boto3.client("s3", region_name=stack.region))
    admin = admins("province_admin", HCMC_UNIT)
    page = admin.page
    press(page, test_admin.admin_nav(page).get_by_role("link", name="Chuyển đổi dữ liệu"))
    expect(admin.heading()).to_have_text("Chuyển đổi dữ liệu từ hệ thống cấp tỉnh")
    admin.check("Chuyển đổi dữ liệu")

    page.get_by_label("Tiền tố S3 của bản trích xuất").fill(PREFIX)
    page.get_by_role("listbox", name="Đơn vị").select_option(HCMC_UNIT)
    page.get_by_role("button", name="Bắt đầu").click()
    status = page.locator("[data-run-status]")
    expect(status).to_have_attribute("data-run-status", "succeeded", timeout=60_000)
    expect(page.get_by_label("Phần dữ liệu đã xong: 2/2")).to_be_visible()
    detail = page.locator("section[aria-labelledby='run-detail-heading']")
    expect(detail.get_by_role("table").filter(has_text="Mã lỗi")).to_contain_text(sample.bad[0][1])
    admin.check("Chuyển đổi dữ liệu: báo cáo")
    screenshot(page, "chuyen-doi-du-lieu")
    with page.expect_download() as download:
        detail.get_by_role("button", name="Tải báo cáo (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")

    cutover = page.locator("section[aria-labelledby='cutover-heading']")
    expect(cutover.locator("[data-intake]")).to_have_attribute("data-intake", "hoso")
    cutover.get_by_role("button", name="Tiếp nhận trên hệ thống cũ (đóng tiếp nhận trên hoso)").click()
    expect(cutover.locator("[data-intake]")).to_have_attribute("data-intake", "old")
    cutover.get_by_role("button", name="Chuyển tiếp nhận sang hoso").click()
    expect(page.get_by_role("alert").filter(has_text="đối soát")).to_be_visible()  # no reconcile yet: refused
    cutover.get_by_label("Chuyển bắt buộc (chưa đối soát khớp)").check()
    cutover.get_by_label("Lý do").fill("Thử nghiệm chuyển tiếp nhận trên môi trường kiểm thử")
    cutover.get_by_role("button", name="Chuyển tiếp nhận sang hoso").click()
    expect(cutover.locator("[data-intake]")).to_have_attribute("data-intake", "hoso")
    expect(cutover.get_by_role("listitem").filter(has_text="bắt buộc")).to_be_visible()
    admin.check("Chuyển đổi dữ liệu: chuyển tiếp nhận")
