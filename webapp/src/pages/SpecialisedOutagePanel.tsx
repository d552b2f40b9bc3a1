import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";

import { ApiError, api, errorMessage } from "../api";
import { Dialog } from "../components/Dialog";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import { type Schema } from "../query";
import { INCIDENTS_KEY, incidentOf, useIncidents } from "../specialised";

type ContinueOut = Schema<"ContinueOut">;

const REASON_MAX = 2000;

/**
 * A dossier waiting for a specialised software that is down: what happened, and the officer's
 * decision to continue it in hoso (reason required, audited). Its state is sent to the software
 * when the software is back; nothing done in hoso is undone.
 */
export function SpecialisedOutagePanel({ code, onContinued }: { code: string; onContinued: () => Promise<void> }) {
  const incident = incidentOf(useIncidents(), code);
  const [open, setOpen] = useState(false);
  if (!incident) return null;
  return (
    <section aria-labelledby="specialised-outage-title" className="card card-warning">
      <h2 id="specialised-outage-title">Chờ phần mềm chuyên ngành</h2>
      <p>{incident.message}</p>
      <p className="hint">
        Sự cố từ {formatDateTime(incident.since)}. Hồ sơ đang chờ phần mềm chuyên ngành nên chưa xử lý được trên hoso. Nếu không thể chờ, hãy tiếp tục xử lý trên hoso: lý do được ghi vào nhật ký xử lý, và khi phần mềm hoạt động trở lại, trạng thái hồ sơ trên hoso sẽ được gửi sang phần mềm.
      </p>
      <button type="button" onClick={() => setOpen(true)}>
        Tiếp tục xử lý trên hoso
      </button>
      {open && <ContinueDialog code={code} onClose={() => setOpen(false)} onContinued={onContinued} />}
    </section>
  );
}

function ContinueDialog({ code, onClose, onContinued }: { code: string; onClose: () => void; onContinued: () => Promise<void> }) {
  const { announce } = useApp();
  const client = useQueryClient();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!reason.trim()) {
      setError("Vui lòng nhập lý do tiếp tục xử lý trên hoso.");
      document.getElementById("continue-reason")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setGeneral(null);
    try {
      await api<ContinueOut>(`/v1/dossiers/${encodeURIComponent(code)}/specialised/continue`, {
        method: "POST",
        body: { reason: reason.trim() },
      });
      await client.invalidateQueries({ queryKey: INCIDENTS_KEY });
      await onContinued();
      onClose();
      announce(`Hồ sơ ${code} được tiếp tục xử lý trên hoso.`);
    } catch (caught) {
      setBusy(false);
      const fieldError = caught instanceof ApiError ? caught.fieldErrors.find((f) => f.field === "reason") : undefined;
      if (fieldError) setError(fieldError.message);
      else setGeneral(errorMessage(caught));
    }
  };

  return (
    <Dialog title="Tiếp tục xử lý trên hoso" onClose={onClose} describedBy="continue-help">
      <form onSubmit={(event) => void submit(event)} noValidate>
        <p id="continue-help" className="hint">
          Hồ sơ {code}. Các trường có dấu * là bắt buộc.
        </p>
        {general && (
          <div className="alert alert-error" role="alert">
            <span className="alert-icon" aria-hidden="true">
              ⚠
            </span>
            <strong>{general}</strong>
          </div>
        )}
        <div className={`field${error ? " field-invalid" : ""}`}>
          <label htmlFor="continue-reason">
            Lý do tiếp tục xử lý trên hoso
            <span className="required" aria-hidden="true">
              {" "}
              *
            </span>
          </label>
          <textarea
            id="continue-reason"
            rows={4}
            value={reason}
            maxLength={REASON_MAX}
            required
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "continue-reason-error" : undefined}
            onChange={(event) => setReason(event.target.value)}
          />
          {error && (
            <p className="error" id="continue-reason-error">
              <span aria-hidden="true">⚠ </span>
              {error}
            </p>
          )}
        </div>
        <div className="dialog-actions">
          <button type="submit" aria-disabled={busy || undefined}>
            {busy ? "Đang ghi nhận…" : "Xác nhận tiếp tục"}
          </button>
          <button type="button" className="button-secondary" onClick={onClose}>
            Hủy
          </button>
        </div>
      </form>
    </Dialog>
  );
}
