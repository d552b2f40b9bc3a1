import { useId } from "react";

import { errorMessage } from "../api";
import { ErrorMessage } from "../components/Page";
import { formatDateTime } from "../format";
import { queryKeys, type Schema, useApiQuery } from "../query";

type Report = Schema<"IntegrityReport">;

function dayVn(day: string): string {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}

/**
 * "Nhật ký toàn vẹn": the dossier's hash chain recomputed by the server (every event linked to the
 * one before it, the head as the dossier records it, the anchored days), the outcome in one
 * sentence, each fault named, and the last day anchored with an RFC 3161 timestamp.
 */
export function IntegrityPanel({ code }: { code: string }) {
  const id = useId();
  const path = `/v1/dossiers/${encodeURIComponent(code)}/integrity`;
  const query = useApiQuery<Report>(queryKeys.dossierPart(code, "integrity"), path);
  const report = query.data;
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>Nhật ký toàn vẹn</h2>
      {query.isPending && <p className="loading">Đang kiểm tra chuỗi nhật ký…</p>}
      {query.error && <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>}
      {report && (
        <>
          <p aria-live="polite" className={report.holds ? undefined : "error"}>
            <strong>{report.holds ? "Nguyên vẹn." : "Phát hiện thay đổi."}</strong> {report.summary}
          </p>
          {report.findings.length > 0 && (
            <ul aria-label="Các sai lệch phát hiện được">
              {report.findings.map((f) => (
                <li key={`${f.code}-${f.seq}`}>
                  <code>{f.code}</code> {f.message}
                </li>
              ))}
            </ul>
          )}
          <dl className="facts">
            <dt>Ngày neo gần nhất</dt>
            <dd>
              {report.last_anchored_day
                ? `${dayVn(report.last_anchored_day)} (dấu thời gian RFC 3161)`
                : "Chưa neo — các thay đổi hôm nay được neo vào cuối ngày"}
            </dd>
            <dt>Kiểm tra lúc</dt>
            <dd>{formatDateTime(report.checked_at)}</dd>
          </dl>
        </>
      )}
    </section>
  );
}
