// Migration from provincial systems (SPEC §7.10, docs/migration-run.md): start a run over an export in
// the migration bucket (kiểm tra, chạy thử, nhập, đối soát), follow its progress while the distributed
// map works through the chunks (polled every few seconds), read its report (counts and problems) and
// download it (CSV), resume a failed run, undo an import; switch a unit's intake from the old system to
// hoso once a reconcile shows 0 differences (or forced with a reason). A province's administrator sees
// and runs their own province's units only (the API checks it too).

import { type FormEvent, useEffect, useState } from "react";

import { api, apiBlob } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import { ErrorSummary, Field, fieldError, type FormErrors, toFormErrors, type UnitFull, useLoad } from "./common";

type Mode = "validate" | "dry-run" | "import" | "reconcile";

interface Run {
  run_id: string;
  mode: Mode;
  prefix: string;
  units: string[];
  sync: boolean;
  status: "running" | "succeeded" | "failed" | "undone";
  created_by: string;
  created_at: string;
  chunks_total: number;
  chunks_done: number;
  attempts: number;
  backup_arn: string;
  error: string;
  undo_refused: string[];
}

interface Problem {
  chunk: string;
  line: number;
  old_code: string;
  code: string;
  message: string;
}

interface Progress {
  run: Run;
  report: {
    records: number;
    outcomes: Record<string, number>;
    refused: Record<string, number>;
    by_unit: Record<string, number>;
    by_status: Record<string, number>;
    by_month: Record<string, number>;
    differences_count: number;
    problems_dropped: number;
  };
  problems: Problem[];
  problems_total: number;
  offset: number;
}

interface IntakeState {
  unit: string;
  name: string;
  system: "hoso" | "old";
  history: { at: string; by: string; system: "hoso" | "old"; run_id: string; forced: boolean; reason: string }[];
}

const MODES: Record<Mode, string> = {
  validate: "Kiểm tra (báo cáo, không ghi)",
  "dry-run": "Chạy thử (mọi bước trừ ghi)",
  import: "Nhập dữ liệu",
  reconcile: "Đối soát hệ thống cũ với hoso",
};
const STATUS: Record<Run["status"], string> = { running: "Đang chạy", succeeded: "Hoàn thành", failed: "Dừng vì lỗi", undone: "Đã gỡ" };
const OUTCOMES: Record<string, string> = {
  mapped: "Chuyển được",
  refused: "Không chuyển được",
  imported: "Đã nhập",
  already_imported: "Đã nhập trước đó",
  matched: "Khớp",
  difference: "Khác biệt",
};
const PAGE = 20;
const POLL_MS = 2000;

function Counts({ title, counts, label }: { title: string; counts: Record<string, number>; label?: (key: string) => string }) {
  const keys = Object.keys(counts);
  if (keys.length === 0) return null;
  return (
    <table className="table" style={{ width: "auto", marginRight: "1.5rem", display: "inline-table", verticalAlign: "top" }}>
      <caption style={{ textAlign: "left", fontWeight: 700 }}>{title}</caption>
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <th scope="row">{label ? label(k) : k}</th>
            <td style={{ textAlign: "right" }}>{counts[k].toLocaleString("vi-VN")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RunDetail({ runId, onChanged }: { runId: string; onChanged: () => void }) {
  const { announce } = useApp();
  const [offset, setOffset] = useState(0);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<FormErrors | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    api<Progress>(`/v1/admin/migration/runs/${encodeURIComponent(runId)}?offset=${offset}&limit=${PAGE}`, { signal: controller.signal })
      .then((p) => {
        setProgress(p);
        if (p.run.status === "running") window.setTimeout(() => setTick((t) => t + 1), POLL_MS);
        else if (progress?.run.status === "running") {
          announce(`Lần chuyển đổi ${p.run.run_id}: ${STATUS[p.run.status]}.`);
          onChanged();
        }
      })
      .catch((e) => {
        if (!(e instanceof DOMException)) setError(toFormErrors(e));
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId, offset, tick]);

  const act = async (what: "resume" | "undo") => {
    setError(null);
    try {
      if (what === "resume") {
        await api(`/v1/admin/migration/runs/${encodeURIComponent(runId)}/resume`, { method: "POST" });
        announce("Đã chạy lại lần chuyển đổi: các phần đã xong được bỏ qua.");
      } else {
        const answer = await api<{ removed: number; refused: string[] }>(`/v1/admin/migration/runs/${encodeURIComponent(runId)}/undo`, { method: "POST" });
        announce(`Đã gỡ ${answer.removed} hồ sơ${answer.refused.length ? `; không gỡ ${answer.refused.length} hồ sơ cán bộ đã xử lý` : ""}.`);
      }
      setTick((t) => t + 1);
      onChanged();
    } catch (e) {
      setError(toFormErrors(e));
    }
  };
  const download = async () => {
    try {
      const blob = await apiBlob(`/v1/admin/migration/runs/${encodeURIComponent(runId)}/report`);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = `chuyen-doi-${runId}.csv`;
      link.click();
      URL.revokeObjectURL(link.href);
    } catch (e) {
      setError(toFormErrors(e));
    }
  };

  if (!progress) return error ? <ErrorMessage>{error.message}</ErrorMessage> : <Loading what="tiến độ lần chuyển đổi" />;
  const { run, report } = progress;
  const percent = run.chunks_total ? Math.round((100 * run.chunks_done) / run.chunks_total) : 0;
  return (
    <section aria-labelledby="run-detail-heading" className="card" style={{ marginTop: "1rem" }}>
      <h3 id="run-detail-heading">
        Lần {run.run_id}: {MODES[run.mode]}
      </h3>
      <ErrorSummary errors={error} />
      <p>
        Trạng thái: <strong data-run-status={run.status}>{STATUS[run.status]}</strong>
        {run.error ? ` (${run.error})` : ""} · Tiền tố <code>{run.prefix}</code> · Lần chạy thứ {run.attempts}
        {run.backup_arn ? " · Đã sao lưu bảng hồ sơ trước khi nhập" : ""}
      </p>
      <label htmlFor="run-progress">
        Phần dữ liệu đã xong: {run.chunks_done}/{run.chunks_total}
      </label>
      <progress id="run-progress" max={run.chunks_total || 1} value={run.chunks_done} style={{ display: "block", width: "100%" }}>
        {percent}%
      </progress>
      <p>Số bản ghi đã xử lý: {report.records.toLocaleString("vi-VN")}</p>
      <div>
        <Counts title="Kết quả" counts={report.outcomes} label={(k) => OUTCOMES[k] ?? k} />
        <Counts title="Lý do không chuyển được" counts={report.refused} />
        <Counts title="Theo đơn vị" counts={report.by_unit} />
        <Counts title="Theo trạng thái" counts={report.by_status} />
        <Counts title="Theo tháng nộp" counts={report.by_month} />
      </div>
      {run.mode === "reconcile" && run.status === "succeeded" ? (
        <p className={report.differences_count ? "alert alert-error" : "alert alert-success"} role="status">
          Đối soát: {report.differences_count} khác biệt.
        </p>
      ) : null}
      <h4>Các vấn đề ({progress.problems_total})</h4>
      {progress.problems.length ? (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Tệp</th>
              <th scope="col">Dòng</th>
              <th scope="col">Mã hồ sơ cũ</th>
              <th scope="col">Mã lỗi</th>
              <th scope="col">Mô tả</th>
            </tr>
          </thead>
          <tbody>
            {progress.problems.map((p) => (
              <tr key={`${p.chunk}:${p.line}`}>
                <td>{p.chunk.split("/").pop()}</td>
                <td>{p.line}</td>
                <td>{p.old_code}</td>
                <td>
                  <code>{p.code}</code>
                </td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">Không có vấn đề.</p>
      )}
      <p style={{ display: "flex", gap: "0.5rem", flexWrap: "wrap" }}>
        <button type="button" className="button-secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          Trang trước
        </button>
        <button type="button" className="button-secondary" disabled={offset + PAGE >= progress.problems_total} onClick={() => setOffset(offset + PAGE)}>
          Trang sau
        </button>
        <button type="button" onClick={download}>
          Tải báo cáo (CSV)
        </button>
        {run.status === "failed" ? (
          <button type="button" onClick={() => act("resume")}>
            Chạy lại
          </button>
        ) : null}
        {run.mode === "import" && run.status === "succeeded" ? (
          <button type="button" className="button-danger" onClick={() => act("undo")}>
            Gỡ lần nhập này
          </button>
        ) : null}
      </p>
      {run.undo_refused.length ? <p className="alert alert-error">Không gỡ (cán bộ đã xử lý trên hoso): {run.undo_refused.join(", ")}</p> : null}
    </section>
  );
}

function Cutover({ units, runs }: { units: UnitFull[]; runs: Run[] }) {
  const { announce } = useApp();
  const [unit, setUnit] = useState("");
  const code = unit || units[0]?.code || "";
  const state = useLoad<IntakeState>(code ? `/v1/admin/migration/units/${encodeURIComponent(code)}/intake` : null);
  const reconciled = runs.filter((r) => r.mode === "reconcile" && r.status === "succeeded" && r.units.includes(code));
  const [runId, setRunId] = useState("");
  const [force, setForce] = useState(false);
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FormErrors | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    const target = state.data?.system === "hoso" ? "old" : "hoso";
    try {
      await api(`/v1/admin/migration/units/${encodeURIComponent(code)}/intake`, {
        method: "PUT",
        body: { system: target, run_id: runId || reconciled[0]?.run_id || "", force, reason },
      });
      announce(target === "hoso" ? "Đơn vị đã chuyển sang tiếp nhận hồ sơ trên hoso." : "Đơn vị tiếp nhận hồ sơ trên hệ thống cũ; hoso ngừng tiếp nhận mới.");
      setForce(false);
      setReason("");
      state.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };

  return (
    <section aria-labelledby="cutover-heading" style={{ marginTop: "1.5rem" }}>
      <h3 id="cutover-heading">Chuyển tiếp nhận sang hoso</h3>
      <p className="muted">
        Không tiếp nhận song song trên hai hệ thống: khi đơn vị còn tiếp nhận trên hệ thống cũ, hoso từ chối hồ sơ mới của đơn vị (vẫn nhập và xử lý hồ sơ chuyển sang). Chuyển sang hoso cần một lần
        đối soát khớp (0 khác biệt), hoặc chuyển bắt buộc kèm lý do.
      </p>
      <ErrorSummary errors={errors} fieldIds={{ reason: "cutover-reason" }} />
      <form onSubmit={submit} className="form-grid">
        <Field id="cutover-unit" label="Đơn vị">
          {(aria) => (
            <select {...aria} value={code} onChange={(e) => setUnit(e.target.value)}>
              {units.map((u) => (
                <option key={u.code} value={u.code}>
                  {u.name} ({u.code})
                </option>
              ))}
            </select>
          )}
        </Field>
        <p role="status" data-intake={state.data?.system ?? ""}>
          {state.data ? (state.data.system === "hoso" ? "Đang tiếp nhận trên hoso." : "Đang tiếp nhận trên hệ thống cũ.") : "…"}
        </p>
        {state.data?.system === "old" ? (
          <>
            <Field id="cutover-run" label="Lần đối soát">
              {(aria) => (
                <select {...aria} value={runId} onChange={(e) => setRunId(e.target.value)}>
                  {reconciled.length ? null : <option value="">(chưa có lần đối soát hoàn thành)</option>}
                  {reconciled.map((r) => (
                    <option key={r.run_id} value={r.run_id}>
                      {r.run_id}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="field">
              <label>
                <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> Chuyển bắt buộc (chưa đối soát khớp)
              </label>
            </div>
            {force ? (
              <Field id="cutover-reason" label="Lý do" required error={fieldError(errors, "reason")} wide>
                {(aria) => <textarea {...aria} value={reason} onChange={(e) => setReason(e.target.value)} />}
              </Field>
            ) : null}
          </>
        ) : null}
        <div>
          <button type="submit" disabled={!state.data}>
            {state.data?.system === "old" ? "Chuyển tiếp nhận sang hoso" : "Tiếp nhận trên hệ thống cũ (đóng tiếp nhận trên hoso)"}
          </button>
        </div>
      </form>
      {state.data?.history.length ? (
        <ul>
          {state.data.history.map((h) => (
            <li key={h.at}>
              {formatDateTime(h.at)}: {h.system === "hoso" ? "sang hoso" : "về hệ thống cũ"} bởi {h.by}
              {h.run_id ? ` (đối soát ${h.run_id})` : ""}
              {h.forced ? ` — bắt buộc: ${h.reason}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export function MigrationScreen({ ministry }: { ministry: boolean }) {
  const { me } = useApp();
  const list = useLoad<{ runs: Run[] }>("/v1/admin/migration/runs");
  const units = useLoad<{ items: UnitFull[] }>("/v1/units");
  const mine = (units.data?.items ?? []).filter((u) => ministry || u.province_code === me.profile.province_code);
  const [form, setForm] = useState<{ mode: Mode; prefix: string; units: string[]; sync: boolean }>({ mode: "validate", prefix: "", units: [], sync: false });
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const chosen = form.units.length ? form.units : mine.slice(0, 1).map((u) => u.code);

  const start = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    try {
      const run = await api<Run>("/v1/admin/migration/runs", { method: "POST", body: { ...form, units: chosen } });
      setSelected(run.run_id);
      list.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };

  return (
    <>
      <PageHeading title="Chuyển đổi dữ liệu">Chuyển đổi dữ liệu từ hệ thống cấp tỉnh</PageHeading>
      <p className="lead">
        Bản trích xuất của hệ thống cũ (tệp JSON Lines và bảng đối sánh mapping.json) đặt dưới một tiền tố trong bucket chuyển đổi. Trình tự: kiểm tra → chạy thử → nhập → đối soát → chuyển tiếp nhận
        sang hoso. Trước khi nhập, bảng hồ sơ được sao lưu.
      </p>
      <ErrorSummary errors={errors} fieldIds={{ prefix: "run-prefix", units: "run-units" }} />
      <form onSubmit={start} className="form-grid">
        <Field id="run-mode" label="Chế độ" required>
          {(aria) => (
            <select {...aria} value={form.mode} onChange={(e) => setForm({ ...form, mode: e.target.value as Mode })}>
              {(Object.keys(MODES) as Mode[]).map((m) => (
                <option key={m} value={m}>
                  {MODES[m]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="run-prefix" label="Tiền tố S3 của bản trích xuất" required hint="Ví dụ: runs/hcm-2026-06" error={fieldError(errors, "prefix")}>
          {(aria) => <input {...aria} value={form.prefix} onChange={(e) => setForm({ ...form, prefix: e.target.value })} />}
        </Field>
        <Field id="run-units" label="Đơn vị" required error={fieldError(errors, "units")} hint="Mọi đơn vị hoso mà bảng đối sánh chuyển hồ sơ vào">
          {(aria) => (
            <select {...aria} multiple value={chosen} onChange={(e) => setForm({ ...form, units: Array.from(e.target.selectedOptions, (o) => o.value) })}>
              {mine.map((u) => (
                <option key={u.code} value={u.code}>
                  {u.name} ({u.code})
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field">
          <label>
            <input type="checkbox" checked={form.sync} onChange={(e) => setForm({ ...form, sync: e.target.checked })} /> Đồng bộ hồ sơ được nhập sang Cổng DVCQG (mặc định không)
          </label>
        </div>
        <div>
          <button type="submit">Bắt đầu</button>
        </div>
      </form>
      <h3>Các lần chuyển đổi</h3>
      {list.error ? <ErrorMessage>{list.error}</ErrorMessage> : null}
      {list.data ? (
        list.data.runs.length ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Lần</th>
                <th scope="col">Chế độ</th>
                <th scope="col">Tiền tố</th>
                <th scope="col">Bắt đầu</th>
                <th scope="col">Tiến độ</th>
                <th scope="col">Trạng thái</th>
              </tr>
            </thead>
            <tbody>
              {list.data.runs.map((r) => (
                <tr key={r.run_id}>
                  <td>
                    <button type="button" className="button-secondary" aria-pressed={selected === r.run_id} onClick={() => setSelected(r.run_id)}>
                      {r.run_id}
                    </button>
                  </td>
                  <td>{MODES[r.mode]}</td>
                  <td>
                    <code>{r.prefix}</code>
                  </td>
                  <td>{formatDateTime(r.created_at)}</td>
                  <td>
                    {r.chunks_done}/{r.chunks_total}
                  </td>
                  <td>{STATUS[r.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">Chưa có lần chuyển đổi nào.</p>
        )
      ) : (
        <Loading what="các lần chuyển đổi" />
      )}
      {selected ? <RunDetail key={selected} runId={selected} onChanged={list.reload} /> : null}
      <Cutover units={mine} runs={list.data?.runs ?? []} />
    </>
  );
}
