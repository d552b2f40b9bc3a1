// Integration clients (agencies' systems, specialised software): their procedure scope and their
// keys. A key (Bearer <client_id>.<secret>) is shown once, when created or rotated — hoso keeps
// only its hash. Rotating keeps the old key valid for a grace period; revoking refuses every key.

import { type FormEvent, useState } from "react";

import { api } from "../api";
import { Dialog } from "../components/Dialog";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import type { Procedure } from "../types";
import { type ClientOut, ErrorSummary, Field, fieldError, type FormErrors, toFormErrors, useLoad } from "./common";

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
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [revoking, setRevoking] = useState<ClientOut | null>(null);
  const [grace, setGrace] = useState<Record<string, number>>({});

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    try {
      const answer = await api<{ client: ClientOut; token: string }>("/v1/admin/clients", { method: "POST", body: form });
      setShown({ clientId: answer.client.client_id, token: answer.token, why: "Đã đăng ký hệ thống tích hợp." });
      setForm({ client_id: "", name: "", procedure_codes: [] });
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
      <p className="lead">Mỗi hệ thống chỉ thao tác được trên các thủ tục được cấp. Khóa chỉ hiển thị một lần khi tạo hoặc đổi khóa.</p>
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
