import { type FormEvent, useId, useRef, useState } from "react";

import { api } from "../api";
import { ErrorMessage } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import { useRefreshDossier } from "../query";
import type { Dossier, Role } from "../types";
import { apiErrors, ErrorLine, Required } from "./panelForm";

const STATES: Record<string, string> = { pending: "Chờ xác nhận", confirmed: "Đã xác nhận rút", refused: "Đã từ chối" };

/** The citizen's withdrawal requests sent on DVCQG: a request withdraws nothing by itself — the
 * one-stop desk confirms it (the dossier is withdrawn) or refuses it with a reason; either answer
 * goes back to DVCQG. */
export function WithdrawalPanel({ dossier, roles }: { dossier: Dossier; roles: Role[] }) {
  const { announce } = useApp();
  const id = useId();
  const refresh = useRefreshDossier(dossier.code);
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const requests = dossier.withdrawal_requests ?? [];
  if (requests.length === 0) return null;
  const pending = requests.find((r) => r.state === "pending");
  const isDesk = roles.includes("desk");

  const decide = (decision: "confirm" | "refuse") => {
    setBusy(true);
    setError(null);
    setReasonError(undefined);
    api(`/v1/dossiers/${encodeURIComponent(dossier.code)}/withdrawal-request`, {
      method: "POST",
      body: decision === "confirm" ? { decision } : { decision, reason: reason.trim() },
    })
      .then(() => {
        setReason("");
        announce(
          decision === "confirm"
            ? "Đã xác nhận yêu cầu rút hồ sơ. Hồ sơ chuyển trạng thái “Công dân yêu cầu rút hồ sơ”."
            : "Đã từ chối yêu cầu rút hồ sơ; lý do được gửi lên Cổng DVCQG.",
        );
        void refresh();
      })
      .catch((caught: unknown) => {
        const { fields, general } = apiErrors(caught, { reason: `${id}-reason` });
        if (fields[`${id}-reason`]) {
          setReasonError(fields[`${id}-reason`]);
          reasonRef.current?.focus();
        }
        setError(general);
      })
      .finally(() => setBusy(false));
  };

  const refuse = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!reason.trim()) {
      setReasonError("Vui lòng nhập lý do từ chối.");
      reasonRef.current?.focus();
      return;
    }
    decide("refuse");
  };

  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>Yêu cầu rút hồ sơ từ Cổng DVCQG</h2>
      <ol className="plain">
        {requests.map((r) => (
          <li key={r.id}>
            <p>
              <strong>{formatDateTime(r.requested_at)}</strong> — công dân yêu cầu rút hồ sơ trên Cổng DVCQG (mã yêu cầu{" "}
              {r.id}): {r.reason}
            </p>
            <p>
              <span className="badge">{STATES[r.state] ?? r.state}</span>
              {r.decided_at && ` ${r.decided_by ?? ""}, ${formatDateTime(r.decided_at)}`}
              {r.refusal_reason && ` — lý do từ chối: ${r.refusal_reason}`}
            </p>
          </li>
        ))}
      </ol>
      {pending && !isDesk && <p className="hint">Cán bộ Bộ phận Một cửa xác nhận hoặc từ chối yêu cầu này.</p>}
      {pending && isDesk && (
        <>
          {error && <ErrorMessage>{error}</ErrorMessage>}
          <p className="actions">
            <button type="button" aria-disabled={busy || undefined} onClick={() => !busy && decide("confirm")}>
              Xác nhận rút hồ sơ
            </button>
          </p>
          <form onSubmit={refuse} noValidate>
            <div className={`field${reasonError ? " field-invalid" : ""}`}>
              <label htmlFor={`${id}-reason`}>
                Lý do từ chối yêu cầu rút hồ sơ
                <Required />
              </label>
              <textarea
                id={`${id}-reason`}
                ref={reasonRef}
                rows={2}
                maxLength={2000}
                value={reason}
                aria-required
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={reasonError ? `${id}-reason-error` : undefined}
                onChange={(event) => setReason(event.target.value)}
              />
              <ErrorLine id={`${id}-reason`} error={reasonError} />
            </div>
            <p className="actions">
              <button type="submit" className="button-secondary" aria-disabled={busy || undefined}>
                Từ chối yêu cầu rút
              </button>
            </p>
          </form>
        </>
      )}
    </section>
  );
}

/** Where a supplement's files came from, for the documents list. */
export function sourceLabel(source: string | undefined): string | null {
  return source === "dvcqg" ? "Nộp bổ sung trên Cổng DVCQG" : null;
}
