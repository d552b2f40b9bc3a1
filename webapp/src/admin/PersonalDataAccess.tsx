// "Who looked at my data" (Decree 13/2023/NĐ-CP): an administrator enters a person's personal
// number (or an organisation's tax code) and sees every look-up in the population database and
// every read of their e-data store — who, in which unit, for which dossier, when. The ministry's
// administrator sees every access, a province's administrator those made in their province. The
// number is sent in the request body, never in a URL, and this query is itself recorded.

import { type FormEvent, useState } from "react";

import { api } from "../api";
import { PageHeading } from "../components/Page";
import { formatDateTime } from "../format";
import { ErrorSummary, Field, fieldError, type FormErrors, toFormErrors } from "./common";
import { SubjectIntegrity } from "./Integrity";

export interface AccessEntry {
  at: string;
  what: string;
  what_label: string;
  officer_sub: string;
  officer_name: string;
  unit_code: string;
  province_code: string;
  dossier_code: string;
  detail: string;
}

export interface AccessReport {
  accesses: AccessEntry[];
  truncated: boolean;
  scope: string;
}

export function PersonalDataAccessScreen() {
  const [number, setNumber] = useState("");
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [report, setReport] = useState<AccessReport | null>(null);
  const [searched, setSearched] = useState("");
  const [busy, setBusy] = useState(false);

  const search = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setErrors(null);
    setReport(null);
    if (!number.trim()) {
      setErrors({ message: "Vui lòng nhập số định danh cá nhân hoặc mã số doanh nghiệp.", fields: [{ field: "so_dinh_danh", message: "Số định danh là trường bắt buộc." }] });
      return;
    }
    setBusy(true);
    try {
      setReport(await api<AccessReport>("/v1/admin/personal-data/accesses", { method: "POST", body: { so_dinh_danh: number.trim() } }));
      setSearched(number.trim());
    } catch (e) {
      setErrors(toFormErrors(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title="Truy cập dữ liệu cá nhân">Ai đã truy cập dữ liệu cá nhân của một người</PageHeading>
      <p className="lead">
        Trả lời yêu cầu của chủ thể dữ liệu: các lần tra cứu Cơ sở dữ liệu quốc gia về dân cư và xem, sử dụng lại giấy tờ trong kho dữ liệu điện tử của người đó. Lần tra cứu này cũng được ghi vào nhật ký.
      </p>
      <ErrorSummary errors={errors} fieldIds={{ so_dinh_danh: "pd-number" }} />
      <form onSubmit={search} noValidate aria-labelledby="pd-title">
        <h2 id="pd-title">Tra cứu nhật ký truy cập</h2>
        <div className="grid">
          <Field id="pd-number" label="Số định danh cá nhân hoặc mã số doanh nghiệp" required hint="12 chữ số (số định danh cá nhân) hoặc 10 chữ số (mã số doanh nghiệp)." error={fieldError(errors, "so_dinh_danh")}>
            {(aria) => <input type="text" inputMode="numeric" autoComplete="off" {...aria} value={number} onChange={(e) => setNumber(e.target.value)} />}
          </Field>
        </div>
        <p>
          <button type="submit" disabled={busy}>
            {busy ? "Đang tra cứu…" : "Tra cứu"}
          </button>
        </p>
      </form>
      {report ? <AccessTable report={report} /> : null}
      {report ? <SubjectIntegrity key={searched} number={searched} /> : null}
    </>
  );
}

export function AccessTable({ report }: { report: AccessReport }) {
  return (
    <div className="table-scroll">
      <table>
        <caption id="pd-result">
          {report.accesses.length} lần truy cập ({report.scope}){report.truncated ? "; chỉ hiển thị các lần gần nhất" : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">Thời điểm</th>
            <th scope="col">Nội dung</th>
            <th scope="col">Cán bộ</th>
            <th scope="col">Đơn vị</th>
            <th scope="col">Hồ sơ</th>
            <th scope="col">Chi tiết</th>
          </tr>
        </thead>
        <tbody>
          {report.accesses.map((a, i) => (
            <tr key={`${a.at}-${i}`} data-what={a.what}>
              <td>{formatDateTime(a.at)}</td>
              <td>{a.what_label}</td>
              <th scope="row">{a.officer_name}</th>
              <td>
                {a.unit_code}
                {a.province_code ? <span className="muted"> (tỉnh {a.province_code})</span> : null}
              </td>
              <td>{a.dossier_code || "—"}</td>
              <td>{a.detail || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
