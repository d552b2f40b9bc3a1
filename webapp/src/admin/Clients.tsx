// Integration clients (agencies' systems, specialised software, the postal service…): their
// kind, what they may do (capabilities: the client APIs; for specialised software, the process
// actions it may report — never a withdrawal, a leader's action only if ticked), their procedure
// scope and their keys. A key (Bearer <client_id>.<secret>) is shown once, when created or
// rotated — hoso keeps only its hash. Rotating keeps the old key valid for a grace period;
// revoking refuses every key. A client registered before kinds existed may do nothing until
// its kind and capabilities are set here ("Khai báo quyền").

import { type FormEvent, useState } from "react";

import { api } from "../api";
import { Dialog } from "../components/Dialog";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import type { Procedure } from "../types";
import { type Capability, type ClientGrants, type ClientKind, type ClientOut, ErrorSummary, Field, fieldError, type FormErrors, toFormErrors, useLoad } from "./common";
import { ACTION_KIND_LABELS } from "./Processes";

export const CLIENT_KIND_LABELS: Record<ClientKind, string> = {
  specialised_software: "Phần mềm chuyên ngành",
  agency: "Hệ thống của cơ quan liên thông",
  postal_service: "Dịch vụ bưu chính",
  payment_platform: "Nền tảng thanh toán",
  kiosk: "Ki-ốt tự phục vụ",
  coordinator: "Hệ thống điều phối",
};

export const CAPABILITY_LABELS: Record<Capability, string> = {
  specialised_status: "Báo tiến độ xử lý hồ sơ",
  specialised_results: "Trả kết quả giải quyết",
  flow_callback: "Trả kết quả bước liên thông",
  post_tracking: "Báo trạng thái bưu gửi",
  kiosk: "Ki-ốt: thủ tục, tra cứu, in lại giấy tiếp nhận, tờ khai khai trước",
  coordinator_results: "Trả kết quả bước liên thông qua Hệ thống điều phối",
  coordinator_roles: "Gửi vai trò cán bộ sau đăng nhập",
  coordinator_opinions: "Trả ý kiến của cơ quan ngoài hoso được xin ý kiến",
};

// What each kind may ever be granted (chalicelib/domain/clients.py KIND_CAPABILITIES).
export const KIND_CAPABILITIES: Record<ClientKind, Capability[]> = {
  specialised_software: ["specialised_status", "specialised_results"],
  agency: ["flow_callback"],
  postal_service: ["post_tracking"],
  payment_platform: [],
  kiosk: ["kiosk"],
  coordinator: ["coordinator_results", "coordinator_roles", "coordinator_opinions"],
};

// A specialised software may be granted any process action but a withdrawal (the applicant's).
const GRANTABLE_ACTIONS = Object.keys(ACTION_KIND_LABELS).filter((k) => k !== "withdraw");

const NO_GRANTS: ClientGrants = { kind: "specialised_software", capabilities: [], actions: [], leader_actions: false };

function toggle<T>(list: T[], item: T, on: boolean): T[] {
  return on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item);
}

// The kind, and only what that kind may be granted.
function GrantsFields({ idPrefix, grants, onChange, errors }: { idPrefix: string; grants: ClientGrants; onChange: (g: ClientGrants) => void; errors: FormErrors | null }) {
  const allowed = KIND_CAPABILITIES[grants.kind];
  const specialised = grants.kind === "specialised_software";
  return (
    <>
      <Field id={`${idPrefix}-kind`} label="Loại hệ thống" required error={fieldError(errors, "kind")}>
        {(aria) => (
          <select {...aria} value={grants.kind} onChange={(e) => onChange({ kind: e.target.value as ClientKind, capabilities: [], actions: [], leader_actions: false })}>
            {/* a kiosk serves one unit: registered in "Ki-ốt tự phục vụ" (Kiosks.tsx) */}
            {(Object.keys(CLIENT_KIND_LABELS) as ClientKind[]).filter((k) => k !== "kiosk" || grants.kind === "kiosk").map((k) => (
              <option key={k} value={k}>
                {CLIENT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <fieldset className="field field-checkboxes" style={{ border: 0, padding: 0 }}>
        <legend>API được gọi</legend>
        {allowed.length === 0 ? <p className="muted">Loại hệ thống này không gọi API nào của hoso (chỉ đăng ký để quản lý).</p> : null}
        {allowed.map((c) => (
          <div className="choice" key={c}>
            <input type="checkbox" id={`${idPrefix}-cap-${c}`} checked={grants.capabilities.includes(c)} onChange={(e) => onChange({ ...grants, capabilities: toggle(grants.capabilities, c, e.target.checked) })} />{" "}
            <label htmlFor={`${idPrefix}-cap-${c}`}>{CAPABILITY_LABELS[c]}</label>
          </div>
        ))}
      </fieldset>
      {specialised ? (
        <fieldset className="field field-checkboxes" style={{ border: 0, padding: 0 }}>
          <legend>Thao tác xử lý được báo về (không bao giờ có rút hồ sơ)</legend>
          {GRANTABLE_ACTIONS.map((a) => (
            <div className="choice" key={a}>
              <input type="checkbox" id={`${idPrefix}-act-${a}`} checked={grants.actions.includes(a)} onChange={(e) => onChange({ ...grants, actions: toggle(grants.actions, a, e.target.checked) })} />{" "}
              <label htmlFor={`${idPrefix}-act-${a}`}>{ACTION_KIND_LABELS[a]}</label>
            </div>
          ))}
          <div className="choice">
            <input type="checkbox" id={`${idPrefix}-leader`} checked={grants.leader_actions} onChange={(e) => onChange({ ...grants, leader_actions: e.target.checked })} />{" "}
            <label htmlFor={`${idPrefix}-leader`}>Được báo cả thao tác của lãnh đạo (phê duyệt…) trong các thao tác đã chọn</label>
          </div>
        </fieldset>
      ) : null}
    </>
  );
}

function GrantsSummary({ client }: { client: ClientOut }) {
  if (!client.kind) return <strong>Chưa khai báo loại: mọi API đều từ chối</strong>;
  return (
    <>
      {CLIENT_KIND_LABELS[client.kind]}
      <span style={{ display: "block" }}>API: {client.capabilities.map((c) => CAPABILITY_LABELS[c]).join("; ") || "không có"}</span>
      {client.kind === "specialised_software" ? (
        <span style={{ display: "block" }}>
          Thao tác: {client.actions.map((a) => ACTION_KIND_LABELS[a] ?? a).join(", ") || "không có"}
          {client.leader_actions ? " (kể cả của lãnh đạo)" : ""}
        </span>
      ) : null}
    </>
  );
}

interface Shown {
  clientId: string;
  token: string;
  why: string;
}

export function ClientsScreen() {
  const { announce } = useApp();
  const list = useLoad<{ items: ClientOut[] }>("/v1/admin/clients");
  const procedures = useLoad<{ items: Procedure[] }>("/v1/procedures");
  const [form, setForm] = useState({ client_id: "", name: "", procedure_codes: [] as string[] });
  const [grants, setGrants] = useState<ClientGrants>(NO_GRANTS);
  const [editing, setEditing] = useState<{ client: ClientOut; grants: ClientGrants } | null>(null);
  const [editErrors, setEditErrors] = useState<FormErrors | null>(null);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [revoking, setRevoking] = useState<ClientOut | null>(null);
  const [grace, setGrace] = useState<Record<string, number>>({});

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    try {
      const answer = await api<{ client: ClientOut; token: string }>("/v1/admin/clients", { method: "POST", body: { ...form, ...grants } });
      setShown({ clientId: answer.client.client_id, token: answer.token, why: "Đã đăng ký hệ thống tích hợp." });
      setForm({ client_id: "", name: "", procedure_codes: [] });
      setGrants(NO_GRANTS);
      list.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };
  const rotate = async (client: ClientOut) => {
    setErrors(null);
    const hours = grace[client.client_id] ?? 24;
    try {
      const answer = await api<{ client: ClientOut; token: string }>(`/v1/admin/clients/${encodeURIComponent(client.client_id)}/rotate`, { method: "POST", body: { grace_hours: hours } });
      setShown({ clientId: client.client_id, token: answer.token, why: hours ? `Đã đổi khóa. Khóa cũ còn dùng được đến ${formatDateTime(answer.client.previous_valid_until)}.` : "Đã đổi khóa. Khóa cũ hết hiệu lực ngay." });
      list.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };
  const saveGrants = async (event: FormEvent) => {
    event.preventDefault();
    if (!editing) return;
    setEditErrors(null);
    try {
      await api(`/v1/admin/clients/${encodeURIComponent(editing.client.client_id)}/grants`, { method: "PUT", body: editing.grants });
      announce(`Đã cập nhật quyền của ${editing.client.name}.`);
      setEditing(null);
      list.reload();
    } catch (e) {
      setEditErrors(toFormErrors(e));
    }
  };
  const revoke = async (client: ClientOut) => {
    setRevoking(null);
    try {
      await api(`/v1/admin/clients/${encodeURIComponent(client.client_id)}/revoke`, { method: "POST" });
      announce(`Đã thu hồi quyền truy cập của ${client.name}.`);
      list.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };

  return (
    <>
      <PageHeading title="Hệ thống tích hợp">Hệ thống tích hợp và khóa truy cập</PageHeading>
      <p className="lead">Mỗi hệ thống chỉ gọi được các API được cấp theo loại của nó, trên các thủ tục được cấp. Khóa chỉ hiển thị một lần khi tạo hoặc đổi khóa.</p>
      {shown ? (
        <div className="alert alert-success" role="status" style={{ display: "block" }} data-token-for={shown.clientId}>
          <p style={{ margin: 0 }}>
            <strong>{shown.why}</strong> Khóa truy cập của “{shown.clientId}” (chỉ hiển thị lần này, hãy lưu lại ngay):
          </p>
          <p style={{ margin: "0.25rem 0" }}>
            <code className="client-token" style={{ wordBreak: "break-all" }}>
              {shown.token}
            </code>
          </p>
          <button type="button" className="button-secondary" onClick={() => void navigator.clipboard?.writeText(shown.token).then(() => announce("Đã sao chép khóa."))}>
            Sao chép khóa
          </button>{" "}
          <button type="button" className="button-secondary" onClick={() => setShown(null)}>
            Đã lưu, ẩn khóa
          </button>
        </div>
      ) : null}
      <ErrorSummary errors={errors} fieldIds={{ client_id: "k-id", name: "k-name" }} />
      {list.error ? <ErrorMessage>{list.error}</ErrorMessage> : null}
      {!list.data && !list.error ? <Loading what="danh sách hệ thống tích hợp" /> : null}
      {list.data ? (
        <div className="table-scroll">
          <table>
            <caption>{list.data.items.length} hệ thống tích hợp</caption>
            <thead>
              <tr>
                <th scope="col">Hệ thống</th>
                <th scope="col">Loại và quyền</th>
                <th scope="col">Thủ tục được cấp</th>
                <th scope="col">Trạng thái khóa</th>
                <th scope="col">Thao tác</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.client_id} data-client={c.client_id}>
                  <th scope="row">
                    {c.name}
                    <span className="muted" style={{ display: "block", fontSize: "0.85em" }}>
                      mã: {c.client_id}
                    </span>
                  </th>
                  <td>
                    <GrantsSummary client={c} />
                  </td>
                  <td>{c.procedure_codes.join(", ") || "—"}</td>
                  <td>
                    {c.active ? "Đang hoạt động" : `Đã thu hồi ${formatDateTime(c.revoked_at)}`}
                    {c.rotated_at ? <span style={{ display: "block" }}>Đổi khóa lần cuối: {formatDateTime(c.rotated_at)}</span> : null}
                    {c.previous_valid_until ? <span style={{ display: "block" }}>Khóa cũ còn hiệu lực đến {formatDateTime(c.previous_valid_until)}</span> : null}
                  </td>
                  <td>
                    {c.active ? (
                      <div style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem", alignItems: "end" }}>
                        <div className="field" style={{ margin: 0 }}>
                          <label htmlFor={`grace-${c.client_id}`}>Khóa cũ còn dùng</label>
                          <select id={`grace-${c.client_id}`} style={{ width: "auto" }} value={grace[c.client_id] ?? 24} onChange={(e) => setGrace({ ...grace, [c.client_id]: Number(e.target.value) })}>
                            <option value={0}>Hết hiệu lực ngay</option>
                            <option value={24}>24 giờ</option>
                            <option value={72}>3 ngày</option>
                            <option value={168}>7 ngày</option>
                          </select>
                        </div>
                        {c.kind !== "kiosk" ? (
                          <button type="button" className="button-secondary" onClick={() => { setEditErrors(null); setEditing({ client: c, grants: { kind: c.kind ?? "specialised_software", capabilities: c.capabilities, actions: c.actions, leader_actions: c.leader_actions } }); }}>
                            Khai báo quyền<span className="visually-hidden"> của {c.name}</span>
                          </button>
                        ) : null}
                        <button type="button" className="button-secondary" onClick={() => rotate(c)}>
                          Đổi khóa<span className="visually-hidden"> của {c.name}</span>
                        </button>
                        <button type="button" className="button-danger" onClick={() => setRevoking(c)}>
                          Thu hồi<span className="visually-hidden"> quyền của {c.name}</span>
                        </button>
                      </div>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <form onSubmit={create} noValidate aria-labelledby="new-client-title">
        <h2 id="new-client-title">Đăng ký hệ thống tích hợp</h2>
        <div className="grid">
          <Field id="k-id" label="Mã hệ thống" required hint="Chữ không dấu, số, “-” hoặc “_”; ví dụ: pm-dat-dai" error={fieldError(errors, "client_id")}>
            {(aria) => <input type="text" {...aria} value={form.client_id} onChange={(e) => setForm({ ...form, client_id: e.target.value })} />}
          </Field>
          <Field id="k-name" label="Tên hệ thống" required error={fieldError(errors, "name")}>
            {(aria) => <input type="text" {...aria} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
          </Field>
          <GrantsFields idPrefix="k" grants={grants} onChange={setGrants} errors={errors} />
          <fieldset className="field field-checkboxes" style={{ border: 0, padding: 0 }}>
            <legend>Thủ tục được cấp</legend>
            {procedures.data?.items.map((p) => (
              <div className="choice" key={p.code}>
                <input
                  type="checkbox"
                  id={`k-proc-${p.code}`}
                  checked={form.procedure_codes.includes(p.code)}
                  onChange={(e) => setForm({ ...form, procedure_codes: e.target.checked ? [...form.procedure_codes, p.code] : form.procedure_codes.filter((x) => x !== p.code) })}
                />{" "}
                <label htmlFor={`k-proc-${p.code}`}>
                  {p.code} — {p.name}
                </label>
              </div>
            ))}
          </fieldset>
        </div>
        <div className="form-actions">
          <button type="submit">Đăng ký và tạo khóa</button>
        </div>
      </form>
      {editing ? (
        <Dialog title={`Quyền của “${editing.client.name}”`} onClose={() => setEditing(null)}>
          <form onSubmit={saveGrants} noValidate>
            <ErrorSummary errors={editErrors} fieldIds={{ kind: "g-kind" }} />
            <GrantsFields idPrefix="g" grants={editing.grants} onChange={(g) => setEditing({ ...editing, grants: g })} errors={editErrors} />
            <div className="dialog-actions">
              <button type="submit">Lưu quyền</button>
              <button type="button" className="button-secondary" onClick={() => setEditing(null)}>
                Hủy
              </button>
            </div>
          </form>
        </Dialog>
      ) : null}
      {revoking ? (
        <Dialog title={`Thu hồi quyền truy cập của “${revoking.name}”?`} onClose={() => setRevoking(null)} describedBy="revoke-desc">
          <p id="revoke-desc">Mọi khóa của hệ thống này (kể cả khóa cũ đang trong thời gian chuyển tiếp) bị từ chối ngay. Không thể hoàn tác.</p>
          <div className="dialog-actions">
            <button type="button" className="button-danger" onClick={() => revoke(revoking)}>
              Thu hồi
            </button>
            <button type="button" className="button-secondary" onClick={() => setRevoking(null)} data-autofocus>
              Hủy
            </button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
