// Self-service kiosks (SPEC §7.9): each device is registered to one unit and gets its own key
// (Bearer <kiosk id>.<secret>, shown once — hoso keeps only its hash), entered in the kiosk's
// configuration; revoking it refuses that key at once. A province's administrator manages the
// kiosks of their province's units only (the API checks it too).

import { type FormEvent, useState } from "react";

import { api } from "../api";
import { Dialog } from "../components/Dialog";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import { ErrorSummary, Field, fieldError, type FormErrors, toFormErrors, type UnitFull, useLoad } from "./common";

interface KioskOut {
  kiosk_id: string;
  name: string;
  unit_code: string | null;
  active: boolean;
  created_at: string | null;
  revoked_at: string | null;
}

export function KiosksScreen({ ministry }: { ministry: boolean }) {
  const { me, announce, unitName } = useApp();
  const list = useLoad<{ items: KioskOut[] }>("/v1/admin/kiosks");
  const units = useLoad<{ items: UnitFull[] }>("/v1/units");
  const mine = (units.data?.items ?? []).filter((u) => ministry || u.province_code === me.profile.province_code);
  const [form, setForm] = useState({ kiosk_id: "", name: "", unit_code: "" });
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [shown, setShown] = useState<{ kioskId: string; token: string } | null>(null);
  const [revoking, setRevoking] = useState<KioskOut | null>(null);
  const unit = form.unit_code || mine[0]?.code || "";

  const register = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    try {
      const answer = await api<{ kiosk: KioskOut; token: string }>("/v1/admin/kiosks", { method: "POST", body: { ...form, unit_code: unit } });
      setShown({ kioskId: answer.kiosk.kiosk_id, token: answer.token });
      setForm({ kiosk_id: "", name: "", unit_code: unit });
      list.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };
  const revoke = async (kiosk: KioskOut) => {
    setRevoking(null);
    try {
      await api(`/v1/admin/kiosks/${encodeURIComponent(kiosk.kiosk_id)}/revoke`, { method: "POST" });
      announce(`Đã thu hồi ki-ốt ${kiosk.name}.`);
      list.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };

  return (
    <>
      <PageHeading title="Ki-ốt tự phục vụ">Ki-ốt tự phục vụ</PageHeading>
      <p className="lead">
        Mỗi ki-ốt phục vụ một đơn vị: hướng dẫn thủ tục, tra cứu hồ sơ và in lại giấy tiếp nhận bằng mã hồ sơ + mã tra cứu (hoặc mã QR), nhận tờ khai khai trước để Bộ phận Một cửa
        hoàn thiện. Khóa chỉ hiển thị một lần khi đăng ký.
      </p>
      {shown ? (
        <div className="alert alert-success" role="status" style={{ display: "block" }} data-token-for={shown.kioskId}>
          <p style={{ margin: 0 }}>
            <strong>Đã đăng ký ki-ốt.</strong> Khóa truy cập của “{shown.kioskId}” (chỉ hiển thị lần này, nhập vào cấu hình của ki-ốt):
          </p>
          <p style={{ margin: "0.25rem 0" }}>
            <code className="kiosk-token" style={{ wordBreak: "break-all" }}>
              {shown.token}
            </code>
          </p>
          <button type="button" className="button-secondary" onClick={() => setShown(null)}>
            Đã lưu, ẩn khóa
          </button>
        </div>
      ) : null}
      <ErrorSummary errors={errors} fieldIds={{ kiosk_id: "kiosk-id", name: "kiosk-name", unit_code: "kiosk-unit" }} />
      {list.error ? <ErrorMessage>{list.error}</ErrorMessage> : null}
      {!list.data && !list.error ? <Loading what="danh sách ki-ốt" /> : null}
      {list.data ? (
        <div className="table-scroll">
          <table>
            <caption>{list.data.items.length} ki-ốt</caption>
            <thead>
              <tr>
                <th scope="col">Ki-ốt</th>
                <th scope="col">Đơn vị</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Thao tác</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((k) => (
                <tr key={k.kiosk_id} data-kiosk={k.kiosk_id}>
                  <th scope="row">
                    {k.name}
                    <span className="muted" style={{ display: "block", fontSize: "0.85em" }}>
                      mã: {k.kiosk_id}
                    </span>
                  </th>
                  <td>{k.unit_code ? unitName(k.unit_code) : "—"}</td>
                  <td>{k.active ? `Đang hoạt động (đăng ký ${formatDateTime(k.created_at)})` : `Đã thu hồi ${formatDateTime(k.revoked_at)}`}</td>
                  <td>
                    {k.active ? (
                      <button type="button" className="button-danger" onClick={() => setRevoking(k)}>
                        Thu hồi<span className="visually-hidden"> ki-ốt {k.name}</span>
                      </button>
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
      <form onSubmit={register} noValidate aria-labelledby="new-kiosk-title">
        <h2 id="new-kiosk-title">Đăng ký ki-ốt</h2>
        <div className="grid">
          <Field id="kiosk-id" label="Mã ki-ốt" required hint="Chữ không dấu, số, “-” hoặc “_”; ví dụ: kiosk-sanh-a" error={fieldError(errors, "kiosk_id")}>
            {(aria) => <input type="text" {...aria} value={form.kiosk_id} onChange={(e) => setForm({ ...form, kiosk_id: e.target.value })} />}
          </Field>
          <Field id="kiosk-name" label="Tên, vị trí đặt ki-ốt" required error={fieldError(errors, "name")}>
            {(aria) => <input type="text" {...aria} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
          </Field>
          <Field id="kiosk-unit" label="Đơn vị ki-ốt phục vụ" required error={fieldError(errors, "unit_code")}>
            {(aria) => (
              <select {...aria} value={unit} onChange={(e) => setForm({ ...form, unit_code: e.target.value })}>
                {mine.map((u) => (
                  <option key={u.code} value={u.code}>
                    {u.name} ({u.code})
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit">Đăng ký và tạo khóa</button>
        </div>
      </form>
      {revoking ? (
        <Dialog title={`Thu hồi ki-ốt “${revoking.name}”?`} onClose={() => setRevoking(null)} describedBy="revoke-kiosk-desc">
          <p id="revoke-kiosk-desc">Khóa của ki-ốt bị từ chối ngay; ki-ốt không gọi được API nào nữa. Không thể hoàn tác.</p>
          <div className="dialog-actions">
            <button type="button" className="button-danger" onClick={() => void revoke(revoking)}>
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
