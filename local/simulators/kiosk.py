"""A self-service kiosk (SPEC §7.9): its screen as a web page, and the device behind it.

The page (``GET /``) is what a citizen touches: the unit's procedures with their guidance, a
dossier's status by code + check token or by the receipt's QR (typed or pasted as a scanner
reads it), the receipt reprinted, and a form filled in advance that the desk completes (the
kiosk prints its ticket). The page talks only to this simulator (``/api/<path>``), which calls
hoso's kiosk API as the device does — with the device's key, which the page never sees
(``SIM_KIOSK_TOKEN``, default the seeded demo kiosk of TP HCM's unit
``kiosk-demo-h29.dev-kiosk-token``; ``POST /_sim/config {"token"}`` swaps it, e.g. for a key an
administrator just registered). ``GET /_sim/records``: every call with hoso's status.
"""

from __future__ import annotations

from typing import Any, Final

import requests
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from local.simulators.base import Simulator, html_response, iso_now, json_response, read_json_object

DEFAULT_TOKEN: Final = "kiosk-demo-h29.dev-kiosk-token"
TIMEOUT_S: Final = 30.0
# The kiosk API's routes the page may reach (GET or POST), nothing else of hoso's.
_ALLOWED: Final = {("GET", "procedures"), ("POST", "lookups"), ("POST", "receipts"), ("POST", "drafts")}


class KioskSimulator(Simulator):
    inspection = frozenset({"page"})

    def __init__(self, name: str, hoso_url: str, token: str) -> None:
        self.hoso_url = hoso_url.rstrip("/")
        self.token = token
        self.calls: list[dict[str, Any]] = []
        super().__init__(name)

    def routes(self) -> list[Rule]:
        return [
            Rule("/", endpoint="page", methods=["GET"]),
            Rule("/api/<path:rest>", endpoint="api", methods=["GET", "POST"]),
            Rule("/_sim/config", endpoint="config", methods=["POST"]),
        ]

    def snapshot(self) -> dict[str, Any]:
        return {"calls": list(self.calls), "kiosk": self.token.partition(".")[0]}

    def clear(self) -> None:
        self.calls.clear()

    def on_page(self, request: Request) -> Response:
        return html_response(PAGE)

    def on_config(self, request: Request) -> Response:
        token = read_json_object(request).get("token")
        if not isinstance(token, str) or "." not in token:
            return self.error(400, "BAD_REQUEST", "Cần khóa dạng <mã ki-ốt>.<bí mật> / token <kiosk id>.<secret>")
        with self.lock:
            self.token = token
        return json_response({"kiosk": token.partition(".")[0]})

    def on_api(self, request: Request, rest: str) -> Response:
        if (request.method, rest.split("/", 1)[0]) not in _ALLOWED:
            return self.error(404, "NOT_FOUND", "Ki-ốt không có chức năng này")
        with self.lock:
            token = self.token
        try:
            answer = requests.request(request.method, f"{self.hoso_url}/v1/kiosk/{rest}", timeout=TIMEOUT_S,
                                      data=request.get_data() or None,
                                      headers={"Authorization": f"Bearer {token}",
                                               "Content-Type": "application/json; charset=utf-8"})
        except requests.RequestException:
            return self.error(503, "UNAVAILABLE", "Ki-ốt tạm thời không kết nối được hệ thống. Vui lòng thử lại sau.")
        with self.lock:
            self.calls.append({"at": iso_now(), "method": request.method, "path": f"/v1/kiosk/{rest}",
                               "status": answer.status_code})
        return Response(answer.content, status=answer.status_code,
                        content_type=answer.headers.get("Content-Type", "application/json"))


PAGE: Final = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ki-ốt tự phục vụ</title>
<style>
  body { font-family: system-ui, sans-serif; font-size: 1.15rem; margin: 0; color: #1b1b1b; background: #f4f6f8; }
  header { background: #0b4f8a; color: #fff; padding: 1rem 1.5rem; }
  header h1 { margin: 0; font-size: 1.6rem; }
  main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
  section { background: #fff; border-radius: 8px; padding: 1rem 1.25rem; margin: 1rem 0; }
  h2 { margin-top: 0; color: #0b4f8a; }
  label { display: block; font-weight: 600; margin: 0.75rem 0 0.25rem; }
  input, select, textarea { font-size: 1.1rem; padding: 0.5rem; width: 100%; box-sizing: border-box;
    border: 2px solid #595959; border-radius: 4px; }
  button { font-size: 1.1rem; padding: 0.6rem 1.2rem; margin: 0.75rem 0.5rem 0 0; background: #0b4f8a; color: #fff;
    border: 0; border-radius: 4px; cursor: pointer; }
  button.secondary { background: #fff; color: #0b4f8a; border: 2px solid #0b4f8a; }
  :focus-visible { outline: 3px solid #d4351c; outline-offset: 2px; }
  .error { color: #a4000f; font-weight: 700; }
  .hint { color: #4a4a4a; font-size: 1rem; margin: 0.2rem 0; }
  .ticket { font-size: 2rem; font-weight: 700; letter-spacing: 0.2rem; }
  ul.procedures { list-style: none; padding: 0; }
  ul.procedures li { margin: 0.4rem 0; }
  ul.procedures button { margin: 0; width: 100%; text-align: left; }
</style>
</head>
<body>
<header><h1 id="title">Ki-ốt tự phục vụ</h1><p id="unit" style="margin:0.25rem 0 0"></p></header>
<main>
  <section aria-labelledby="procedures-title">
    <h2 id="procedures-title">Thủ tục hành chính và hướng dẫn</h2>
    <div id="procedures-error" class="error" role="alert"></div>
    <ul id="procedures" class="procedures"></ul>
    <div id="procedure" tabindex="-1"></div>
  </section>

  <section aria-labelledby="lookup-title">
    <h2 id="lookup-title">Tra cứu hồ sơ, in lại giấy tiếp nhận</h2>
    <p class="hint">Nhập mã hồ sơ và mã tra cứu in trên giấy tiếp nhận, hoặc quét mã QR trên giấy tiếp nhận.</p>
    <form id="lookup-form" novalidate>
      <label for="code">Mã hồ sơ</label>
      <input id="code" name="code" autocomplete="off">
      <label for="token">Mã tra cứu (8 ký tự)</label>
      <input id="token" name="token" autocomplete="off">
      <label for="qr">Hoặc nội dung mã QR (quét bằng máy quét của ki-ốt)</label>
      <textarea id="qr" name="qr" rows="2"></textarea>
      <button type="submit" id="lookup-button">Tra cứu</button>
      <button type="button" id="receipt-button" class="secondary">In lại giấy tiếp nhận</button>
    </form>
    <div id="lookup-error" class="error" role="alert"></div>
    <div id="lookup-result" role="status"></div>
  </section>

  <section aria-labelledby="draft-title">
    <h2 id="draft-title">Khai trước tờ khai</h2>
    <p class="hint">Khai trước tại ki-ốt, nhận số phiếu, rồi mang giấy tờ đến Bộ phận Một cửa: cán bộ mở tờ khai theo số
      phiếu, kiểm tra và tiếp nhận hồ sơ.</p>
    <form id="draft-form" novalidate>
      <label for="draft-procedure">Thủ tục</label>
      <select id="draft-procedure" name="MaTTHC"></select>
      <label for="LoaiDoiTuong">Người nộp là</label>
      <select id="LoaiDoiTuong" name="LoaiDoiTuong">
        <option value="1">Công dân</option>
        <option value="2">Doanh nghiệp</option>
        <option value="3">Cơ quan, tổ chức</option>
      </select>
      <label for="ChuHoSo">Tên người nộp hồ sơ</label>
      <input id="ChuHoSo" name="ChuHoSo" autocomplete="name">
      <label for="SoGiayToChuHoSo">Số định danh cá nhân hoặc mã số doanh nghiệp</label>
      <input id="SoGiayToChuHoSo" name="SoGiayToChuHoSo" inputmode="numeric" autocomplete="off">
      <label for="SoDienThoai">Số điện thoại</label>
      <input id="SoDienThoai" name="SoDienThoai" inputmode="tel" autocomplete="tel">
      <label for="DiaChi">Địa chỉ</label>
      <input id="DiaChi" name="DiaChi" autocomplete="street-address">
      <div id="eform-fields"></div>
      <button type="submit">Gửi tờ khai và nhận số phiếu</button>
    </form>
    <div id="draft-error" class="error" role="alert"></div>
    <div id="draft-result" role="status"></div>
  </section>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const text = (tag, value, cls) => { const el = document.createElement(tag); el.textContent = value;
  if (cls) el.className = cls; return el; };

async function call(method, path, body) {
  const response = await fetch("api/" + path, { method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) {
    const message = (data && data.message) || "Ki-ốt tạm thời không phục vụ được. Vui lòng thử lại sau.";
    const error = new Error(message);
    error.code = data && data.error_code;
    throw error;
  }
  return data;
}

function fail(where, error) { $(where).textContent = error.message; }

async function loadProcedures() {
  try {
    const data = await call("GET", "procedures");
    $("title").textContent = "Ki-ốt tự phục vụ — " + data.unit_name;
    $("unit").textContent = "Đơn vị: " + data.unit_name + " (" + data.unit_code + ")";
    const list = $("procedures");
    const select = $("draft-procedure");
    list.replaceChildren(); select.replaceChildren();
    for (const p of data.items) {
      const li = document.createElement("li");
      const button = text("button", p.name + (p.deadline ? " — " + p.deadline : ""), "secondary");
      button.type = "button";
      button.addEventListener("click", () => showProcedure(p.code));
      li.append(button);
      list.append(li);
      const option = text("option", p.code + " — " + p.name);
      option.value = p.code;
      select.append(option);
    }
    await loadEform();
  } catch (error) { fail("procedures-error", error); }
}

async function showProcedure(code) {
  const box = $("procedure");
  try {
    const p = await call("GET", "procedures/" + encodeURIComponent(code));
    box.replaceChildren(text("h3", p.name), text("p", "Mã thủ tục " + p.code + " — lĩnh vực " + p.field_name +
      ". Thời hạn giải quyết: " + (p.deadline || "theo quy định") + "."));
    box.append(text("h4", "Thành phần hồ sơ"));
    const docs = document.createElement("ul");
    for (const d of p.documents) docs.append(text("li", d.name + " — " + d.copies + (d.required ? "" : " (nếu có)")));
    box.append(docs, text("h4", "Phí, lệ phí"));
    const fees = document.createElement("ul");
    for (const f of p.fees) {
      fees.append(text("li", f.name + ": " + f.amount.toLocaleString("vi-VN") + " đồng — " + f.when));
    }
    if (!p.fees.length) fees.append(text("li", "Không thu phí, lệ phí."));
    box.append(fees, text("h4", "Hướng dẫn thực hiện"));
    const steps = document.createElement("ol");
    for (const s of p.guidance) steps.append(text("li", s));
    box.append(steps);
    box.focus();
  } catch (error) { fail("procedures-error", error); }
}

async function loadEform() {
  const holder = $("eform-fields");
  holder.replaceChildren();
  const code = $("draft-procedure").value;
  if (!code) return;
  try {
    const p = await call("GET", "procedures/" + encodeURIComponent(code));
    if (!p.eform) return;
    const first = p.eform.sections[0];
    if (!first) return;
    holder.dataset.section = first.key;
    for (const f of first.fields.filter((f) => f.type !== "table").slice(0, 4)) {
      const id = "eform-" + f.key;
      const label = text("label", f.label);
      label.htmlFor = id;
      const input = document.createElement("input");
      input.id = id; input.name = f.key; input.autocomplete = "off";
      holder.append(label, input);
    }
  } catch (error) { fail("draft-error", error); }
}

function proof() {
  const qr = $("qr").value.trim();
  if (qr) return { qr };
  return { code: $("code").value.trim(), token: $("token").value.trim() };
}

function checkProof() {
  const p = proof();
  if (p.qr || (p.code && p.token)) return p;
  $("lookup-error").textContent = "Vui lòng nhập mã hồ sơ và mã tra cứu, hoặc quét mã QR trên giấy tiếp nhận.";
  $(p.code ? "token" : "code").focus();
  return null;
}

$("lookup-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("lookup-error").textContent = ""; $("lookup-result").replaceChildren();
  const p = checkProof();
  if (!p) return;
  try {
    const s = await call("POST", "lookups", p);
    const result = $("lookup-result");
    result.append(text("p", "Hồ sơ " + s.code + ": " + s.status_label + "."),
      text("p", "Bước hiện tại: " + s.current_step + "."),
      text("p", "Ngày hẹn trả kết quả: " + (s.appointment_date || "chưa có") + "."));
    if (s.result_ready) result.append(text("p", "Đã có kết quả."));
  } catch (error) { fail("lookup-error", error); }
});

$("receipt-button").addEventListener("click", async () => {
  $("lookup-error").textContent = ""; $("lookup-result").replaceChildren();
  const p = checkProof();
  if (!p) return;
  try {
    const link = await call("POST", "receipts", p);
    const a = text("a", "Mở giấy tiếp nhận để in (PDF)");
    a.href = link.url; a.target = "_blank"; a.rel = "noopener"; a.id = "receipt-link";
    $("lookup-result").append(text("p", "Đã sẵn sàng in: " + link.name + "."), a);
  } catch (error) { fail("lookup-error", error); }
});

$("draft-procedure").addEventListener("change", loadEform);

$("draft-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("draft-error").textContent = ""; $("draft-result").replaceChildren();
  const body = { MaTTHC: $("draft-procedure").value, LoaiDoiTuong: $("LoaiDoiTuong").value };
  for (const key of ["ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "DiaChi"]) {
    const value = $(key).value.trim();
    if (value) body[key] = value;
  }
  const holder = $("eform-fields");
  const values = {};
  for (const input of holder.querySelectorAll("input")) if (input.value.trim()) values[input.name] = input.value.trim();
  if (holder.dataset.section && Object.keys(values).length) body.DuLieuBieuMau = { [holder.dataset.section]: values };
  if (!body.ChuHoSo) {
    $("draft-error").textContent = "Vui lòng nhập tên người nộp hồ sơ.";
    $("ChuHoSo").focus();
    return;
  }
  try {
    const t = await call("POST", "drafts", body);
    $("draft-result").append(text("p", "Đã gửi tờ khai " + t.procedure_name + ". Số phiếu của bạn:"),
      text("p", t.ticket, "ticket"),
      text("p", "Mang số phiếu và giấy tờ đến Bộ phận Một cửa — " + t.unit_name + " trước ngày " + t.expires_at + "."));
    event.target.reset();
  } catch (error) { fail("draft-error", error); }
});

loadProcedures();
</script>
</body>
</html>
"""
