import { type FormEvent, useEffect, useRef, useState } from "react";

import { api, errorMessage } from "../api";
import { getProcedure } from "../catalogue";
import { ErrorMessage } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime, formatMoney } from "../format";
import { type Schema, useRefreshDossier } from "../query";
import type { Dossier, RequiredDocument, Role } from "../types";
import { apiErrors, type Errors, ErrorLine, focusFirst, Required, TextField } from "./panelForm";
import { useDeliveryView } from "./PostPanel";

type DeliveryView = Schema<"DeliveryView">;
type Attempt = Schema<"DeliveryAttempt">;
type ReceiptRecord = Schema<"ReceiptRecord">;

const METHODS: Record<string, string> = { tien_mat: "Tiền mặt", chuyen_khoan: "Chuyển khoản", the: "Thẻ ngân hàng" };
const ID_NUMBER = /^\d{12}$/;
const PHONE = /^(0|\+84)[35789]\d{8}$/;
const FIELD_IDS: Record<string, string> = {
  "receiver.name": "delivery-name",
  "receiver.id_number": "delivery-id-number",
  "receiver.phone": "delivery-phone",
  "receiver.authorisation": "delivery-authorisation",
  id_checked: "delivery-id-checked",
  fee_receipt: "delivery-receipt-number",
  "fee_receipt.number": "delivery-receipt-number",
  "fee_receipt.amount": "delivery-receipt-number",
  note: "delivery-note",
};

/** Result delivery at the one-stop desk (FR-18): "Chưa trả kết quả" until it happens; the desk
 * records the receiver — the applicant, or a proxy with the authorisation — whose identity
 * paper it checked, the originals compared, the receipt for what is still due; then the facts
 * of the delivery and its printable slip (Phiếu giao nhận kết quả). */
export function DeliveryPanel({ dossier, roles }: { dossier: Dossier; roles: Role[] }) {
  const view = useDeliveryView(dossier.code);
  const data = view.data;
  const [originals, setOriginals] = useState<RequiredDocument[]>([]);
  useEffect(() => {
    getProcedure(dossier.procedure_code)
      .then((detail) => setOriginals(detail.procedure.required_documents))
      .catch(() => setOriginals([]));
  }, [dossier.procedure_code]);

  const byPost = data?.post_order && !["returned", "cancelled"].includes(data.post_order.status);
  const delivered = data?.state === "delivered";
  const last = data?.desk?.attempts?.at(-1);
  return (
    <section aria-labelledby="dossier-delivery" className="card">
      <h2 id="dossier-delivery">Trả kết quả</h2>
      {view.error && <ErrorMessage>{errorMessage(view.error)}</ErrorMessage>}
      {data && (
        <dl className="facts">
          <dt>Tình trạng</dt>
          <dd>
            <strong>{delivered ? `Đã trả kết quả lúc ${formatDateTime(data.delivered_at)}` : "Chưa trả kết quả"}</strong>
            {data.state === "not_ready" && " — hồ sơ chưa có kết quả để trả."}
            {data.state === "pending_originals" && " — lần trước chưa đối chiếu đủ bản chính."}
          </dd>
          {data.finished_at && (
            <>
              <dt>Hoàn thành xử lý</dt>
              <dd>
                {formatDateTime(data.finished_at)}
                {data.on_time !== null && (data.on_time ? " (đúng hạn)" : " (quá hạn)")}
              </dd>
            </>
          )}
        </dl>
      )}
      {data && delivered && (last?.outcome === "delivered" ? (
        <DeliveredFacts view={data} attempt={last} originals={originals} code={dossier.code} feesPaid={dossier.fees.length > 0 && dossier.fees.every((f) => f.paid)} />
      ) : (
        data.post_order && <p>Kết quả đã được phát qua bưu chính (bưu gửi {data.post_order.tracking_number}).</p>
      ))}
      {data && data.state === "pending_originals" && last && (
        <p>
          Lần trả ngày {formatDateTime(last.at)}: {last.receiver.name} đến nhận nhưng chưa đối chiếu đủ bản chính
          {last.note ? ` (${last.note})` : ""}.
        </p>
      )}
      {data && !delivered && data.state !== "not_ready" && byPost && <p>Kết quả đang được chuyển qua bưu chính; không trả tại quầy.</p>}
      {data && !delivered && data.state !== "not_ready" && !byPost && roles.includes("desk") && (
        <DeliveryForm dossier={dossier} view={data} originals={originals} />
      )}
    </section>
  );
}

function DeliveredFacts({ view, attempt, originals, code, feesPaid }: { view: DeliveryView; attempt: Attempt; originals: RequiredDocument[]; code: string; feesPaid: boolean }) {
  const [slip, setSlip] = useState<{ url: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const names = Object.fromEntries(originals.map((d) => [d.code, d.name]));
  const print = () => {
    setError(null);
    api<{ url: string; name: string }>(`/v1/dossiers/${encodeURIComponent(code)}/forms/tra-ket-qua`)
      .then(setSlip)
      .catch((caught: unknown) => setError(errorMessage(caught)));
  };
  return (
    <>
      <h3>Thông tin giao nhận kết quả</h3>
      <dl className="facts">
        <dt>Người nhận</dt>
        <dd>
          {attempt.receiver.name} (số định danh {attempt.receiver.id_number})
          {attempt.proxy ? `, nhận thay theo ${attempt.receiver.authorisation}` : ", chủ hồ sơ"}
        </dd>
        <dt>Giấy tờ tùy thân</dt>
        <dd>{attempt.id_checked ? "Đã kiểm tra" : "—"}</dd>
        <dt>Bản chính đã đối chiếu</dt>
        <dd>{attempt.originals?.length ? attempt.originals.map((c) => names[c] ?? c).join("; ") : "Đã đối chiếu"}</dd>
        <dt>Biên lai phí, lệ phí</dt>
        <dd>{view.desk?.receipts?.length
            ? view.desk.receipts.map(receiptText).join("; ")
            : feesPaid
              ? "Đã nộp trước khi trả kết quả (biên lai ở mục Phí, lệ phí)"
              : "Không phải thu khi trả kết quả"}</dd>
        <dt>Thời gian trả</dt>
        <dd>{formatDateTime(attempt.at)}</dd>
        <dt>Cán bộ trả kết quả</dt>
        <dd>{attempt.by_name}</dd>
        {attempt.note && (
          <>
            <dt>Ghi chú</dt>
            <dd>{attempt.note}</dd>
          </>
        )}
      </dl>
      <p>
        <button type="button" className="button-secondary" onClick={print}>
          In phiếu giao nhận kết quả
        </button>
      </p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {slip && (
        <p role="status">
          Phiếu đã sẵn sàng: <a href={slip.url}>Mở {slip.name}</a> (đường dẫn có hiệu lực 5 phút).
        </p>
      )}
    </>
  );
}

function receiptText(r: ReceiptRecord): string {
  return `số ${[r.symbol, r.number].filter(Boolean).join(" ")}, ${formatMoney(r.amount)} (${METHODS[r.method] ?? r.method})`;
}

function DeliveryForm({ dossier, view, originals }: { dossier: Dossier; view: DeliveryView; originals: RequiredDocument[] }) {
  const { announce } = useApp();
  const refresh = useRefreshDossier(dossier.code);
  const applicant = dossier.applicant;
  const [proxy, setProxy] = useState(applicant.kind !== "1");
  const [name, setName] = useState(applicant.kind === "1" ? applicant.name : "");
  const [idNumber, setIdNumber] = useState(applicant.kind === "1" ? applicant.id_number : "");
  const [phone, setPhone] = useState("");
  const [authorisation, setAuthorisation] = useState("");
  const [idChecked, setIdChecked] = useState(false);
  const [compared, setCompared] = useState<Set<string>>(new Set());
  const [receiptSymbol, setReceiptSymbol] = useState("");
  const [receiptNumber, setReceiptNumber] = useState("");
  const [method, setMethod] = useState("tien_mat");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const due = view.unpaid_fees.reduce((n, f) => n + f.amount, 0);
  const allCompared = originals.length === 0 ? compared.has("*") : originals.every((d) => compared.has(d.code));

  const choose = (asProxy: boolean) => {
    setProxy(asProxy);
    setName(asProxy ? "" : applicant.name);
    setIdNumber(asProxy ? "" : applicant.id_number);
    setErrors({});
  };
  const toggle = (key: string) => {
    const next = new Set(compared);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    setCompared(next);
  };

  const send = (deliver: boolean) => (event?: FormEvent) => {
    event?.preventDefault();
    const found: Errors = {};
    if (!name.trim()) found["delivery-name"] = "Vui lòng nhập họ tên người nhận.";
    if (!ID_NUMBER.test(idNumber.trim())) found["delivery-id-number"] = "Số định danh cá nhân gồm 12 chữ số.";
    if (phone.trim() && !PHONE.test(phone.trim())) found["delivery-phone"] = "Số điện thoại di động không hợp lệ.";
    if (proxy && !authorisation.trim()) found["delivery-authorisation"] = "Người nhận thay phải có văn bản ủy quyền: ghi số, ngày của văn bản.";
    if (!idChecked) found["delivery-id-checked"] = "Vui lòng kiểm tra giấy tờ tùy thân của người nhận.";
    if (deliver && !allCompared) found["delivery-originals"] = "Đánh dấu từng bản chính đã đối chiếu; nếu còn thiếu, chọn “Ghi nhận chưa trả kết quả”.";
    if (due > 0 && !receiptNumber.trim()) found["delivery-receipt-number"] = `Hồ sơ còn ${formatMoney(due)} phí, lệ phí: vui lòng ghi số biên lai.`;
    setErrors(found);
    setGeneral(null);
    if (Object.keys(found).length) {
      focusFirst(form.current, found);
      return;
    }
    setBusy(true);
    const body = {
      receiver: { name: name.trim(), id_number: idNumber.trim(), phone: phone.trim() || null, authorisation: proxy ? authorisation.trim() : "" },
      id_checked: idChecked,
      originals_checked: deliver,
      originals: originals.filter((d) => compared.has(d.code)).map((d) => d.code),
      note: note.trim(),
      fee_receipt: due > 0 ? { number: receiptNumber.trim(), symbol: receiptSymbol.trim(), amount: due, method } : null,
    };
    api<DeliveryView>(`/v1/dossiers/${encodeURIComponent(dossier.code)}/delivery`, { method: "POST", body })
      .then((answer) => {
        setNote("");
        announce(answer.state === "delivered" ? `Đã trả kết quả hồ sơ ${dossier.code} cho ${name.trim()}.` : "Đã ghi nhận: chưa trả kết quả do chưa đối chiếu đủ bản chính.");
        void refresh();
      })
      .catch((caught: unknown) => {
        const mapped = apiErrors(caught, FIELD_IDS);
        setErrors(mapped.fields);
        setGeneral(mapped.general);
        focusFirst(form.current, mapped.fields);
      })
      .finally(() => setBusy(false));
  };

  return (
    <form ref={form} className="panel-form" onSubmit={send(true)} noValidate aria-labelledby="delivery-form-heading">
      <h3 id="delivery-form-heading">Trả kết quả tại Bộ phận Một cửa</h3>
      <p className="hint">Các trường có dấu * là bắt buộc. Thời gian trả được ghi theo giờ hệ thống khi xác nhận.</p>
      {general && <ErrorMessage>{general}</ErrorMessage>}
      <fieldset className="group">
        <legend>Người nhận kết quả</legend>
        <div className="choices">
          <div className="choice">
            <input type="radio" id="delivery-who-applicant" name="delivery-who" checked={!proxy} disabled={applicant.kind !== "1"} onChange={() => choose(false)} />
            <label htmlFor="delivery-who-applicant">Chủ hồ sơ ({applicant.name})</label>
          </div>
          <div className="choice">
            <input type="radio" id="delivery-who-proxy" name="delivery-who" checked={proxy} onChange={() => choose(true)} />
            <label htmlFor="delivery-who-proxy">Người được ủy quyền nhận thay</label>
          </div>
        </div>
        <div className="grid">
          <TextField id="delivery-name" label="Họ tên người nhận" value={name} onChange={setName} required maxLength={200} error={errors["delivery-name"]} />
          <TextField id="delivery-id-number" label="Số định danh cá nhân" value={idNumber} onChange={setIdNumber} required inputMode="numeric" maxLength={12}
            hint="12 chữ số, theo căn cước hoặc hộ chiếu xuất trình" error={errors["delivery-id-number"]} />
          <TextField id="delivery-phone" label="Số điện thoại" value={phone} onChange={setPhone} type="tel" error={errors["delivery-phone"]} />
          {proxy && (
            <TextField id="delivery-authorisation" label="Văn bản ủy quyền (số, ngày, nơi chứng thực)" value={authorisation} onChange={setAuthorisation}
              required maxLength={500} hint="Ví dụ: Giấy ủy quyền số 15/2026 ngày 10/03/2026, UBND phường Sài Gòn chứng thực" error={errors["delivery-authorisation"]} />
          )}
        </div>
        <div className={`field field-checkbox${errors["delivery-id-checked"] ? " field-invalid" : ""}`}>
          <div className="choice">
            <input type="checkbox" id="delivery-id-checked" checked={idChecked} aria-required="true" aria-invalid={errors["delivery-id-checked"] ? true : undefined}
              aria-describedby={errors["delivery-id-checked"] ? "delivery-id-checked-error" : undefined} onChange={(e) => setIdChecked(e.target.checked)} />
            <label htmlFor="delivery-id-checked">
              Đã kiểm tra giấy tờ tùy thân của người nhận, khớp họ tên và số định danh
              <Required />
            </label>
          </div>
          <ErrorLine id="delivery-id-checked" error={errors["delivery-id-checked"]} />
        </div>
      </fieldset>
      <fieldset className="group" aria-describedby={errors["delivery-originals"] ? "delivery-originals-error" : undefined}>
        <legend>Đối chiếu bản chính</legend>
        <div className="choices">
          {(originals.length ? originals.map((d) => ({ key: d.code, label: d.name })) : [{ key: "*", label: "Đã đối chiếu bản chính với bản điện tử" }]).map((item, i) => (
            <div className="choice" key={item.key}>
              <input type="checkbox" id={i === 0 ? "delivery-originals" : `delivery-originals-${i}`} checked={compared.has(item.key)} onChange={() => toggle(item.key)} />
              <label htmlFor={i === 0 ? "delivery-originals" : `delivery-originals-${i}`}>{item.label}</label>
            </div>
          ))}
        </div>
        <ErrorLine id="delivery-originals" error={errors["delivery-originals"]} />
      </fieldset>
      {due > 0 && (
        <fieldset className="group">
          <legend>Phí, lệ phí thu khi trả kết quả: {formatMoney(due)}</legend>
          <div className="grid">
            <TextField id="delivery-receipt-symbol" label="Ký hiệu biên lai" value={receiptSymbol} onChange={setReceiptSymbol} maxLength={50} />
            <TextField id="delivery-receipt-number" label="Số biên lai" value={receiptNumber} onChange={setReceiptNumber} required maxLength={50} error={errors["delivery-receipt-number"]} />
            <div className="field">
              <label htmlFor="delivery-receipt-method">Hình thức thu</label>
              <select id="delivery-receipt-method" value={method} onChange={(e) => setMethod(e.target.value)}>
                {Object.entries(METHODS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </div>
          </div>
        </fieldset>
      )}
      <div className={`field${errors["delivery-note"] ? " field-invalid" : ""}`}>
        <label htmlFor="delivery-note">Ghi chú</label>
        <textarea id="delivery-note" value={note} maxLength={1000} rows={2} onChange={(e) => setNote(e.target.value)}
          aria-describedby={errors["delivery-note"] ? "delivery-note-error" : undefined} />
        <ErrorLine id="delivery-note" error={errors["delivery-note"]} />
      </div>
      <p>
        <button type="submit" disabled={busy}>
          Xác nhận trả kết quả
        </button>{" "}
        <button type="button" className="button-secondary" disabled={busy} onClick={() => send(false)()}>
          Ghi nhận chưa trả kết quả (thiếu bản chính)
        </button>
      </p>
    </form>
  );
}
