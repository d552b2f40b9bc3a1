// "Toàn vẹn" (issue 15): an administrator verifies one anchored day — the server re-derives the day's
// leaves from the events as they are stored now, rebuilds the Merkle root, compares it with the anchored
// root and checks the RFC 3161 timestamp — and reads the verdict, what was checked, each fault, the
// dossiers and persons of the day (a province's administrator: those of their province), and gets the
// printable report for an inspector. Also: verify one person's personal-data access log
// (SubjectIntegrity, used beside "Truy cập dữ liệu cá nhân").

import { type FormEvent, useState } from "react";

import { api } from "../api";
import { PageHeading } from "../components/Page";
import { formatDateTime } from "../format";
import type { Schema } from "../query";
import { ErrorSummary, Field, fieldError, type FormErrors, toFormErrors } from "./common";

type DayReport = Schema<"DayIntegrityReport">;
type ChainReport = Schema<"IntegrityReport">;
type Link = Schema<"Link">;

function yesterday(): string {
  const d = new Date(Date.now() + 7 * 3600_000 - 86400_000); // Asia/Ho_Chi_Minh
  return d.toISOString().slice(0, 10);
}

function Findings({ findings }: { findings: ChainReport["findings"] }) {
  if (findings.length === 0) return null;
  return (
    <ul aria-label="Các sai lệch phát hiện được">
      {findings.map((f, i) => (
        <li key={`${f.code}-${f.seq}-${i}`}>
          <code>{f.code}</code> {f.message}
        </li>
      ))}
    </ul>
  );
}

function Checked({ checked }: { checked: string[] }) {
  return (
    <>
      <h3>Những gì đã được kiểm tra</h3>
      <ol>
        {checked.map((c, i) => (
          <li key={i}>{c}</li>
        ))}
      </ol>
    </>
  );
}

export function IntegrityScreen() {
  const [day, setDay] = useState(yesterday());
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [report, setReport] = useState<DayReport | null>(null);
  const [printed, setPrinted] = useState<Link | null>(null);
  const [busy, setBusy] = useState(false);

  const verify = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setErrors(null);
    setReport(null);
    setPrinted(null);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      setErrors({ message: "Vui lòng chọn ngày cần kiểm tra.", fields: [{ field: "day", message: "Ngày là trường bắt buộc." }] });
      return;
    }
    setBusy(true);
    try {
      setReport(await api<DayReport>(`/v1/admin/integrity/days/${encodeURIComponent(day)}`));
    } catch (e) {
      setErrors(toFormErrors(e));
    } finally {
      setBusy(false);
    }
  };

  const print = async () => {
    if (!report) return;
    try {
      setPrinted(await api<Link>(`/v1/admin/integrity/days/${encodeURIComponent(report.day)}/report`));
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };

  return (
    <>
      <PageHeading title="Toàn vẹn">Kiểm tra tính toàn vẹn nhật ký</PageHeading>
      <p className="lead">
        Mỗi ngày, đầu chuỗi băm của mọi hồ sơ thay đổi trong ngày và của nhật ký truy cập dữ liệu cá nhân được gom vào một cây Merkle; gốc cây được đóng dấu thời gian RFC 3161 và lưu không thể sửa. Kiểm tra một ngày: hệ thống đọc lại các sự kiện đang lưu, dựng lại cây và so với gốc đã neo.
      </p>
      <ErrorSummary errors={errors} fieldIds={{ day: "integrity-day" }} />
      <form onSubmit={verify} noValidate aria-labelledby="integrity-day-title">
        <h2 id="integrity-day-title">Kiểm tra một ngày đã neo</h2>
        <div className="grid">
          <Field id="integrity-day" label="Ngày cần kiểm tra" required hint="Ngày đã kết thúc (việc neo chạy sau nửa đêm)." error={fieldError(errors, "day")}>
            {(aria) => <input type="date" {...aria} value={day} onChange={(e) => setDay(e.target.value)} />}
          </Field>
        </div>
        <p>
          <button type="submit" disabled={busy}>
            {busy ? "Đang kiểm tra…" : "Kiểm tra ngày"}
          </button>
        </p>
      </form>
      {report ? (
        <section aria-labelledby="integrity-day-result" className="card">
          <h2 id="integrity-day-result">Kết quả kiểm tra ngày {report.day}</h2>
          <p aria-live="polite" className={report.holds ? undefined : "error"}>
            <strong>{report.holds ? "Nguyên vẹn." : "Phát hiện thay đổi."}</strong> {report.summary}
          </p>
          <Findings findings={report.findings} />
          <dl className="facts">
            <dt>Gốc Merkle</dt>
            <dd>
              <code>{report.root}</code>
            </dd>
            <dt>Dấu thời gian</dt>
            <dd>{report.timestamped_at ? formatDateTime(report.timestamped_at) : "Không hợp lệ"}</dd>
            <dt>Phạm vi</dt>
            <dd>{report.scope}</dd>
          </dl>
          <Checked checked={report.checked} />
          <div className="table-scroll">
            <table>
              <caption>
                {report.chains.length} hồ sơ và chủ thể trong ngày{report.not_shown ? ` (${report.not_shown} chuỗi ngoài phạm vi không nêu tên)` : ""}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Loại</th>
                  <th scope="col">Mã</th>
                  <th scope="col">Sự kiện cuối trong ngày</th>
                  <th scope="col">Kết quả</th>
                </tr>
              </thead>
              <tbody>
                {report.chains.map((c) => (
                  <tr key={`${c.kind}-${c.ref}`}>
                    <td>{c.kind === "dossier" ? "Hồ sơ" : "Chủ thể dữ liệu (khóa HMAC)"}</td>
                    <th scope="row">
                      <code>{c.kind === "dossier" ? c.ref : `${c.ref.slice(0, 16)}…`}</code>
                    </th>
                    <td>{c.seq}</td>
                    <td>{c.holds ? "Khớp" : "Sai lệch"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>
            <button type="button" onClick={print}>
              Tạo biên bản kiểm tra (PDF)
            </button>{" "}
            {printed ? (
              <a href={printed.url} download={printed.name}>
                Tải {printed.name}
              </a>
            ) : null}
          </p>
        </section>
      ) : null}
    </>
  );
}

/** Beside "who looked at this person's data": recompute the person's access-log chain and its anchored days. */
export function SubjectIntegrity({ number }: { number: string }) {
  const [report, setReport] = useState<ChainReport | null>(null);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);

  const verify = async () => {
    if (busy) return;
    setBusy(true);
    setErrors(null);
    try {
      setReport(await api<ChainReport>("/v1/admin/integrity/subjects", { method: "POST", body: { so_dinh_danh: number } }));
    } catch (e) {
      setErrors(toFormErrors(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="pd-integrity-title" className="card">
      <h2 id="pd-integrity-title">Toàn vẹn nhật ký truy cập của người này</h2>
      <p>Tính lại chuỗi băm các lần truy cập vào dữ liệu của người này và đối chiếu với các ngày đã neo. Lần kiểm tra này cũng được ghi vào nhật ký.</p>
      <ErrorSummary errors={errors} />
      <p>
        <button type="button" onClick={verify} disabled={busy}>
          {busy ? "Đang kiểm tra…" : "Kiểm tra toàn vẹn"}
        </button>
      </p>
      {report ? (
        <>
          <p aria-live="polite" className={report.holds ? undefined : "error"}>
            <strong>{report.holds ? "Nguyên vẹn." : "Phát hiện thay đổi."}</strong> {report.summary}
          </p>
          <Findings findings={report.findings} />
          <p>Ngày neo gần nhất: {report.last_anchored_day ?? "chưa neo — các lần truy cập hôm nay được neo vào cuối ngày"}</p>
          <Checked checked={report.checked} />
        </>
      ) : null}
    </section>
  );
}
