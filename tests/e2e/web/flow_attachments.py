"""Reusable browser steps for attachments (issue 12 item 5), each on a Playwright ``Page`` of an
officer already logged in to the web app.

Files are Playwright payloads ``{"name", "mimeType", "buffer"}`` (``pdf_file``, ``png_file``).
Every step waits until the server has checked each file ("Đã kiểm tra: …") before going on."""

from __future__ import annotations

import base64
import io
import re
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

FilePayload = dict[str, Any]


def pdf_file(name: str = "giay-to.pdf", text: str = "Giay to") -> FilePayload:
    """A small PDF (its content differs with ``text``: uploads are content-addressed)."""
    body = f"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\n%%EOF\n".encode()
    return {"name": name, "mimeType": "application/pdf", "buffer": body}


def png_file(name: str = "ban-chup.png", text: str = "Ban chup") -> FilePayload:
    """A picture of a paper page, as a phone or scanner would give it."""
    image = Image.new("RGB", (360, 240), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 349, 229), outline=(11, 79, 138), width=4)
    draw.text((30, 100), text, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


def file_item(scope: Locator | Page, name: str) -> Locator:
    """The row of one chosen file in a FileUpload list."""
    return scope.get_by_role("listitem").filter(has_text=name).last


def wait_checked(scope: Locator | Page, files: list[FilePayload]) -> None:
    for file in files:
        expect(file_item(scope, file["name"])).to_contain_text("Đã kiểm tra", timeout=60_000)


def attach(scope: Locator | Page, label: str, files: list[FilePayload]) -> None:
    """Choose ``files`` with the file input labelled ``label`` (inside ``scope``) and wait until
    the server has checked them."""
    scope.get_by_label(label, exact=True).set_input_files(files)
    wait_checked(scope, files)


_DROP = """([files]) => {
  const transfer = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], f.name, { type: f.mimeType }));
  }
  return transfer;
}"""


def drop(page: Page, zone: Locator, files: list[FilePayload], *, wait: bool = True) -> None:
    """Drag ``files`` onto a FileUpload's drop zone (dragover, then drop with a DataTransfer)."""
    transfer = page.evaluate_handle(_DROP, [[{"name": f["name"], "mimeType": f["mimeType"],
                                              "b64": base64.b64encode(f["buffer"]).decode()} for f in files]])
    zone.dispatch_event("dragover", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    if wait:
        wait_checked(zone.locator(".."), files)


def component(page: Page, name: str) -> Locator:
    """One component of the desk intake's checklist."""
    return page.get_by_role("group", name=re.compile(re.escape(name)))


def attach_at_intake(page: Page, files: dict[str, tuple[FilePayload | None, str]]) -> None:
    """On the desk intake form: for each component (by its name) say "Bản chính" or "Bản sao" and
    attach its scan — or, with no file, tick that the paper was received. Preconditions: the
    intake form of the procedure is open."""
    for name, (file, kind) in files.items():
        part = component(page, name)
        part.get_by_label(kind, exact=True).check()
        if file is None:
            part.get_by_label("Đã nhận", exact=True).check()
        else:
            attach(part, f"Tệp scan: {name}", [file])
        expect(part.get_by_label("Đã nhận", exact=True)).to_be_checked()


def open_dossier(page: Page, code: str) -> None:
    """The dossier's page, loaded again when already there (another officer may have acted on it)."""
    parts = urlsplit(page.url)
    target = f"{parts.scheme}://{parts.netloc}/#/ho-so/{code}"
    if page.url == target:
        page.reload()
    else:
        page.goto(target)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hồ sơ {code}")


def act_with_files(page: Page, code: str, label: str, files: list[FilePayload], *, reason: str = "") -> None:
    """Open the dossier, start the action ``label``, attach ``files`` in its dialog (and the
    reason, if given), confirm and see it done."""
    open_dossier(page, code)
    page.get_by_role("button", name=label, exact=True).click()
    dialog = page.get_by_role("dialog", name=label)
    expect(dialog).to_be_visible()
    if reason:
        dialog.get_by_role("textbox").fill(reason)
    dialog.get_by_label(re.compile(r"^[^:]*\(nếu có\)$")).set_input_files(files)
    wait_checked(dialog, files)
    dialog.get_by_role("button", name="Xác nhận").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Đã thực hiện")).to_contain_text(f"Đã thực hiện “{label}”")


def receive_supplement_with_files(page: Page, code: str, files: list[FilePayload]) -> None:
    """The desk receives the supplement of dossier ``code`` with its new files. Precondition: the
    dossier waits for its supplement (status 5) and the page is the desk officer's."""
    act_with_files(page, code, "Tiếp nhận hồ sơ bổ sung", files)


def digitise_scan(page: Page, name: str) -> None:
    """On the open dossier page, make the scan ``name`` its certified digitised copy (signed) and wait
    for the signature's state. Precondition: the officer is the desk's or the appraiser's."""
    papers = page.get_by_role("region", name="Thành phần hồ sơ giấy và bản số hóa")
    papers.get_by_role("button", name=f"Số hóa và ký số {name}").click()
    expect(page.get_by_role("status").filter(has_text="Đã số hóa và ký số")).to_be_visible(timeout=30_000)
    expect(papers.get_by_text(re.compile("Chữ ký số hợp lệ"))).to_be_visible(timeout=30_000)


def reuse_from_edata_at_intake(page: Page, components: dict[str, str]) -> None:
    """On the desk intake form, with the applicant's number entered: search the applicant's e-data
    store and reuse, for each component (by its name), the stored document named. Precondition:
    the store holds them (an earlier dossier of the applicant was issued)."""
    page.get_by_role("button", name="Tìm trong kho dữ liệu điện tử").click()
    group = page.get_by_role("group", name="Kho dữ liệu điện tử của chủ hồ sơ")
    expect(group.get_by_role("status")).to_contain_text("giấy tờ")
    for component_name, document_name in components.items():
        part = component(page, component_name)
        # the applicant's store may hold one of that name from several dossiers: any of them will do
        part.get_by_role("button", name=f"Dùng lại {document_name}").first.click()
        expect(part.get_by_role("button", name=f"Đang dùng lại {document_name}")).to_have_attribute(
            "aria-pressed", "true")
        expect(part.get_by_label("Đã nhận", exact=True)).to_be_checked()
