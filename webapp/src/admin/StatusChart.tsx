// The status transition chart (FR-4.2) as administered, versioned data. The ministry's administrator
// edits a copy of the latest version — which status may follow which (with the diagram's label), which
// are terminal, which need a reason, pause or count the legal clock — and publishes it as the next
// version; the server checks it first and its problems are listed. New process versions are checked
// against the latest chart; dossiers keep their process's chart.

import { useEffect, useState } from "react";

import { api } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { formatDateTime } from "../format";
import type { Schema } from "../query";
import { STATUS_LABELS, STATUSES } from "../statuses";
import { ErrorSummary, Field, type FormErrors, Success, toFormErrors, useLoad } from "./common";

type Chart = Schema<"StatusChart">;
type Status = Chart["transitions"][number]["source"];
type FlagKey = "terminal" | "reason_required" | "clock_paused" | "clock_counted";

const FLAGS: [FlagKey, string][] = [
  ["terminal", "Kết thúc"],
  ["reason_required", "Phải ghi lý do"],
  ["clock_paused", "Tạm dừng thời hạn"],
  ["clock_counted", "Tính vào thời hạn"],
];

export function StatusChartScreen({ ministry }: { ministry: boolean }) {
  const { data, error, reload } = useLoad<Schema<"CurrentChart">>("/v1/admin/status-chart");
  const [draft, setDraft] = useState<Chart | null>(null);
  const [source, setSource] = useState(1);
  const [target, setTarget] = useState(2);
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (data) setDraft({ ...(JSON.parse(JSON.stringify(data.chart)) as Chart), version: data.latest_version + 1 });
  }, [data]);

  if (error) return <ErrorMessage>{error}</ErrorMessage>;
  if (!data || !draft) return <Loading what="lưu đồ trạng thái" />;

  const flagged = (key: FlagKey, status: number) => (draft[key] as number[]).includes(status);
  const toggle = (key: FlagKey, status: number) =>
    setDraft({ ...draft, [key]: flagged(key, status) ? (draft[key] as number[]).filter((s) => s !== status) : [...(draft[key] as number[]), status] });
  const publish = async () => {
    setBusy(true);
    setErrors(null);
    try {
      const published = await api<Schema<"PublishedChart">>("/v1/admin/status-chart", { method: "POST", body: draft });
      const message = `Đã ban hành lưu đồ trạng thái phiên bản ${published.version}.`;
      setDone(message); // a live region of its own (role=status)
      reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageHeading title="Lưu đồ trạng thái">Lưu đồ chuyển đổi trạng thái</PageHeading>
      <p className="lead">
        Phiên bản mới nhất: <strong>{data.latest_version}</strong> (
        {data.versions.map((v) => (v.published_at ? `phiên bản ${v.version}: ${formatDateTime(v.published_at)}` : `phiên bản ${v.version}: có sẵn`)).join("; ")}). Quy trình mới được kiểm tra theo phiên bản mới nhất; hồ sơ giữ lưu đồ của quy trình đang theo.
      </p>
      {done ? <Success>{done}</Success> : null}
      <ErrorSummary errors={errors} />
      <div className="table-scroll">
        <table>
          <caption>Chuyển đổi được phép ({draft.transitions.length})</caption>
          <thead>
            <tr>
              <th scope="col">Từ trạng thái</th>
              <th scope="col">Sang trạng thái</th>
              <th scope="col">Nhãn trên sơ đồ</th>
              {ministry ? <th scope="col">Thao tác</th> : null}
            </tr>
          </thead>
          <tbody>
            {draft.transitions.map((t, i) => (
              <tr key={`${t.source}-${t.target}-${i}`}>
                <th scope="row">
                  {t.source}. {STATUS_LABELS[t.source]}
                </th>
                <td>
                  {t.target}. {STATUS_LABELS[t.target]}
                </td>
                <td>{t.note}</td>
                {ministry ? (
                  <td>
                    <button type="button" onClick={() => setDraft({ ...draft, transitions: draft.transitions.filter((_, j) => j !== i) })}>
                      Bỏ chuyển đổi {t.source} → {t.target}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ministry ? (
        <fieldset>
          <legend>Thêm chuyển đổi</legend>
          <div className="form-grid">
            <Field id="chart-source" label="Từ trạng thái">
              {(aria) => (
                <select {...aria} value={source} onChange={(e) => setSource(Number(e.target.value))}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}. {STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="chart-target" label="Sang trạng thái">
              {(aria) => (
                <select {...aria} value={target} onChange={(e) => setTarget(Number(e.target.value))}>
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}. {STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id="chart-note" label="Nhãn trên sơ đồ">
              {(aria) => <input {...aria} value={note} onChange={(e) => setNote(e.target.value)} />}
            </Field>
          </div>
          <button type="button" onClick={() => setDraft({ ...draft, transitions: [...draft.transitions, { source: source as Status, target: target as Status, note }] })}>
            Thêm chuyển đổi
          </button>
        </fieldset>
      ) : null}
      <div className="table-scroll">
        <table>
          <caption>Tính chất của từng trạng thái</caption>
          <thead>
            <tr>
              <th scope="col">Trạng thái</th>
              {FLAGS.map(([key, label]) => (
                <th key={key} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {STATUSES.map((s) => (
              <tr key={s}>
                <th scope="row">
                  {s}. {STATUS_LABELS[s]}
                </th>
                {FLAGS.map(([key, label]) => (
                  <td key={key}>
                    <input type="checkbox" aria-label={`${label}: ${STATUS_LABELS[s]}`} checked={flagged(key, s)} disabled={!ministry} onChange={() => toggle(key, s)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {ministry ? (
        <p>
          <button type="button" className="primary" disabled={busy} onClick={() => void publish()}>
            Ban hành phiên bản {draft.version}
          </button>
        </p>
      ) : null}
    </>
  );
}
