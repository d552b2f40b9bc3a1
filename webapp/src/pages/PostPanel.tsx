import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";

import { api } from "../api";
import { ErrorMessage } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime, formatMoney } from "../format";
import { queryKeys, type Schema, useRefreshDossier } from "../query";
import type { Dossier, Role } from "../types";
import { apiErrors, type Errors, focusFirst, TextField } from "./panelForm";

type DeliveryView = Schema<"DeliveryView">;
type PostOrder = Schema<"PostOrder">;
type Quote = Schema<"Quote">;
type Party = Schema<"Party">;

const POSTAL = "1"; // HinhThucNhanKetQua: bưu chính
const PROCESSED = 9;
const FINAL = ["delivered", "returned", "cancelled"];
const TRACK_MS = 5000; // while the parcel is on its way, its tracking is asked again this often
const SERVICES: { code: "BD" | "EMS"; name: string }[] = [
  { code: "BD", name: "Bưu phẩm bảo đảm" },
  { code: "EMS", name: "Chuyển phát nhanh EMS" },
];
const PARTY_KEYS = ["name", "phone", "address", "provinceCode", "communeCode"] as const;
const PARTY_LABELS: Record<(typeof PARTY_KEYS)[number], string> = {
  name: "Họ tên / tên đơn vị",
  phone: "Số điện thoại di động",
  address: "Địa chỉ (số nhà, đường, thôn/ấp)",
  provinceCode: "Mã tỉnh, thành phố (2 số)",
  communeCode: "Mã xã, phường (5 số)",
};
const PARTY_HINTS: Partial<Record<(typeof PARTY_KEYS)[number], string>> = {
  phone: "Ví dụ 0912345678",
  provinceCode: "Theo danh mục đơn vị hành chính, ví dụ 79: TP. Hồ Chí Minh",
};
const PHONE = /^(0|\+84)[35789]\d{8}$/;

/** The delivery view of the dossier (shared by the post and delivery panels: one request). */
export function useDeliveryView(code: string, poll: (view: DeliveryView | undefined) => number | false = () => false) {
  return useQuery<DeliveryView, Error>({
    queryKey: queryKeys.dossierPart(code, "delivery"),
    queryFn: ({ signal }) => api<DeliveryView>(`/v1/dossiers/${encodeURIComponent(code)}/delivery`, { signal }),
    refetchInterval: (q) => poll(q.state.data),
  });
}

function senderKey(unit: string): string {
  return `hoso.post.sender.${unit}`;
}

function partyErrors(prefix: string, party: Party): Errors {
  const found: Errors = {};
  if (!party.name.trim()) found[`${prefix}-name`] = "Vui lòng nhập họ tên.";
  if (!PHONE.test(party.phone.trim())) found[`${prefix}-phone`] = "Số điện thoại di động gồm 10 số, bắt đầu bằng 03, 05, 07, 08 hoặc 09.";
  if (!party.address.trim()) found[`${prefix}-address`] = "Vui lòng nhập địa chỉ.";
  if (!/^\d{2}$/.test(party.provinceCode)) found[`${prefix}-provinceCode`] = "Mã tỉnh gồm 2 chữ số.";
  if (!/^\d{5}$/.test(party.communeCode)) found[`${prefix}-communeCode`] = "Mã xã gồm 5 chữ số.";
  return found;
}

/** Result delivery by post (SPEC §7.5): the applicant chose postal return at intake; when the
 * result is ready the desk books the parcel (receiver prefilled from the dossier, the service
 * and its fee quoted by the postal service), then the parcel's tracking — kept up to date while
 * it travels; "Phát thành công" records the delivery (status 10). */
export function PostPanel({ dossier, roles }: { dossier: Dossier; roles: Role[] }) {
  const { announce } = useApp();
  const refresh = useRefreshDossier(dossier.code);
  const view = useDeliveryView(dossier.code, (v) =>
    v?.post_order && !FINAL.includes(v.post_order.status) ? TRACK_MS : false,
  );
  const order = view.data?.post_order ?? null;
  const last = useRef<string | null>(null);

  useEffect(() => {
    if (!order) return;
    if (last.current !== null && last.current !== order.status) {
      announce(`Bưu gửi ${order.tracking_number}: ${order.history?.at(-1)?.status_text ?? order.status}.`);
      if (order.status === "delivered") void refresh();
    }
    last.current = order.status;
  }, [order, announce, refresh]);

  if (dossier.result_delivery !== POSTAL && !order) return null;
  return (
    <section aria-labelledby="dossier-post" className="card">
      <h2 id="dossier-post">Gửi kết quả qua bưu chính</h2>
      {view.error && <ErrorMessage>{view.error.message}</ErrorMessage>}
      {order ? (
        <Tracking order={order} />
      ) : dossier.status < PROCESSED ? (
        <p>Người nộp chọn nhận kết quả qua dịch vụ bưu chính công ích. Đơn chuyển phát được tạo khi có kết quả.</p>
      ) : dossier.status === PROCESSED && roles.includes("desk") ? (
        <OrderForm dossier={dossier} onCreated={(created) => {
          announce(`Đã tạo đơn chuyển phát, số hiệu bưu gửi ${created.tracking_number}.`);
          void refresh();
        }} />
      ) : dossier.status === PROCESSED ? (
        <p>Chưa tạo đơn chuyển phát: cán bộ một cửa tạo đơn khi trả kết quả.</p>
      ) : null}
    </section>
  );
}

const STATUS_TEXT: Record<string, string> = {
  created: "Đã tạo đơn",
  picked_up: "Bưu điện đã nhận kết quả",
  in_transit: "Đang vận chuyển",
  out_for_delivery: "Đang phát",
  delivered: "Phát thành công",
  failed_delivery: "Phát không thành công",
  returned: "Đã chuyển hoàn",
  cancelled: "Đã hủy",
};

function Tracking({ order }: { order: PostOrder }) {
  const service = SERVICES.find((s) => s.code === order.service)?.name ?? order.service;
  return (
    <>
      <dl className="facts">
        <dt>Số hiệu bưu gửi</dt>
        <dd>
          <strong>{order.tracking_number}</strong>
        </dd>
        <dt>Trạng thái</dt>
        <dd>
          <strong>{STATUS_TEXT[order.status] ?? order.status}</strong>
        </dd>
        <dt>Dịch vụ</dt>
        <dd>
          {service}
          {order.fee !== null && order.fee !== undefined && `, cước ${formatMoney(order.fee)}`}
        </dd>
        <dt>Thu hộ khi phát</dt>
        <dd>{order.cod_amount > 0 ? formatMoney(order.cod_amount) : "Không"}</dd>
        <dt>Người nhận</dt>
        <dd>
          {order.receiver.name}, {order.receiver.phone}, {order.receiver.address}
        </dd>
        <dt>Tạo đơn lúc</dt>
        <dd>{formatDateTime(order.created_at)}</dd>
      </dl>
      <h3>Hành trình bưu gửi</h3>
      <ol className="timeline">
        {(order.history ?? []).map((event) => (
          <li key={`${event.status}-${event.occurred_at}`}>
            <p className="timeline-when">{formatDateTime(event.occurred_at)}</p>
            <p className="timeline-what">
              <strong>{event.status_text}</strong>
              {event.note && ` — ${event.note}`}
            </p>
          </li>
        ))}
      </ol>
      {!FINAL.includes(order.status) && <p className="hint">Hành trình được cập nhật tự động theo báo cáo của bưu chính.</p>}
    </>
  );
}

function emptyParty(): Party {
  return { name: "", phone: "", address: "", provinceCode: "", communeCode: "" };
}

function OrderForm({ dossier, onCreated }: { dossier: Dossier; onCreated: (order: PostOrder) => void }) {
  const { units } = useApp();
  const unit = units.find((u) => u.code === dossier.unit_code);
  const [receiver, setReceiver] = useState<Party>({
    ...emptyParty(),
    name: dossier.applicant.name,
    phone: dossier.applicant.phone ?? "",
    address: dossier.applicant.address ?? "",
    provinceCode: unit?.province_code ?? "",
  });
  const [sender, setSender] = useState<Party>(() => {
    const saved = window.localStorage.getItem(senderKey(dossier.unit_code));
    if (saved) {
      try {
        return { ...emptyParty(), ...(JSON.parse(saved) as Partial<Party>) };
      } catch {
        // an unreadable saved sender: start from the unit
      }
    }
    return { ...emptyParty(), name: `Bộ phận Một cửa — ${unit?.name ?? dossier.unit_code}`, provinceCode: unit?.province_code ?? "" };
  });
  const [service, setService] = useState<"BD" | "EMS">("BD");
  const [quote, setQuote] = useState<Quote | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const path = `/v1/dossiers/${encodeURIComponent(dossier.code)}`;
  const fieldIds = Object.fromEntries(
    (["receiver", "sender"] as const).flatMap((who) => PARTY_KEYS.map((k) => [`${who}.${k}`, `post-${who}-${k}`])),
  );

  const checked = (): boolean => {
    const found = { ...partyErrors("post-receiver", receiver), ...partyErrors("post-sender", sender) };
    setErrors(found);
    setGeneral(null);
    if (Object.keys(found).length) focusFirst(form.current, found);
    return Object.keys(found).length === 0;
  };
  const body = () => ({ receiver: trimmed(receiver), sender: trimmed(sender), service });
  const failed = (caught: unknown) => {
    const mapped = apiErrors(caught, fieldIds);
    setErrors(mapped.fields);
    setGeneral(mapped.general);
    focusFirst(form.current, mapped.fields);
  };

  const ask = () => {
    if (!checked()) return;
    setBusy(true);
    api<Quote>(`${path}/post-quote`, { method: "POST", body: body() })
      .then(setQuote)
      .catch(failed)
      .finally(() => setBusy(false));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!checked()) return;
    setBusy(true);
    api<PostOrder>(`${path}/post-order`, { method: "POST", body: body() })
      .then((created) => {
        window.localStorage.setItem(senderKey(dossier.unit_code), JSON.stringify(trimmed(sender)));
        onCreated(created);
      })
      .catch(failed)
      .finally(() => setBusy(false));
  };

  const partyFields = (who: "receiver" | "sender", party: Party, set: (p: Party) => void) =>
    PARTY_KEYS.map((k) => (
      <TextField
        key={k}
        id={`post-${who}-${k}`}
        label={PARTY_LABELS[k]}
        value={party[k]}
        onChange={(value) => {
          set({ ...party, [k]: value });
          setQuote(null);
        }}
        required
        type={k === "phone" ? "tel" : "text"}
        inputMode={k === "provinceCode" || k === "communeCode" ? "numeric" : undefined}
        hint={PARTY_HINTS[k]}
        error={errors[`post-${who}-${k}`]}
      />
    ));

  return (
    <form ref={form} className="panel-form" onSubmit={submit} noValidate aria-labelledby="post-order-heading">
      <h3 id="post-order-heading">Tạo đơn chuyển phát kết quả</h3>
      <p className="hint">Các trường có dấu * là bắt buộc. Thông tin người nhận lấy từ hồ sơ, có thể sửa.</p>
      {general && <ErrorMessage>{general}</ErrorMessage>}
      <fieldset className="group">
        <legend>Người nhận</legend>
        <div className="grid">{partyFields("receiver", receiver, setReceiver)}</div>
      </fieldset>
      <fieldset className="group">
        <legend>Người gửi (Bộ phận Một cửa)</legend>
        <div className="grid">{partyFields("sender", sender, setSender)}</div>
      </fieldset>
      <fieldset className="group">
        <legend>Dịch vụ chuyển phát</legend>
        <div className="choices">
          {SERVICES.map((s) => (
            <div className="choice" key={s.code}>
              <input
                type="radio"
                id={`post-service-${s.code}`}
                name="post-service"
                value={s.code}
                checked={service === s.code}
                onChange={() => {
                  setService(s.code);
                  setQuote(null);
                }}
              />
              <label htmlFor={`post-service-${s.code}`}>{s.name}</label>
            </div>
          ))}
        </div>
      </fieldset>
      <p>
        <button type="button" className="button-secondary" disabled={busy} onClick={ask}>
          Báo giá cước
        </button>
      </p>
      {quote && (
        <p role="status" className="alert alert-success">
          {quote.service_name}: cước {formatMoney(quote.fee)}, dự kiến phát trong {quote.estimated_days} ngày
          {quote.cod_amount > 0 ? `; thu hộ phí, lệ phí ${formatMoney(quote.cod_amount)} khi phát` : ""}.
        </p>
      )}
      <p>
        <button type="submit" disabled={busy}>
          Tạo đơn chuyển phát
        </button>
      </p>
    </form>
  );
}

function trimmed(party: Party): Party {
  return {
    name: party.name.trim(),
    phone: party.phone.trim(),
    address: party.address.trim(),
    provinceCode: party.provinceCode.trim(),
    communeCode: party.communeCode.trim(),
  };
}
