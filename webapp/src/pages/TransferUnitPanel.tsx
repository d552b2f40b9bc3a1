import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useMemo, useRef, useState } from "react";

import { ApiError, api, errorMessage } from "../api";
import { Dialog } from "../components/Dialog";
import { useApp } from "../context";
import { matchesWords } from "../fold";
import { queryKeys, type Schema, useApiQuery } from "../query";
import { href, navigate } from "../router";

type CompetentUnits = Schema<"CompetentUnits">;
type TransferOut = Schema<"TransferOut">;
type Field = "unit_code" | "reason";

const REASON_MAX = 2000;

/**
 * "Chuyển hồ sơ đến đơn vị có thẩm quyền" (FR-6, FR-12): the holding unit's one-stop officer or
 * leader hands a dossier it is not competent for to a unit that handles its procedure, with a
 * reason. Not the hand-over to a department of the same unit (the process's own action).
 * Shown only to the officers the API allows; after the transfer the unit no longer sees the dossier.
 */
export function TransferUnitPanel({ code }: { code: string }) {
  const path = `/v1/dossiers/${encodeURIComponent(code)}/competent-units`;
  const options = useApiQuery<CompetentUnits>(queryKeys.dossierPart(code, "competent-units"), path);
  const [open, setOpen] = useState(false);
  const id = useId();
  const data = options.data;
  if (!data?.allowed || data.units.length === 0) return null;
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>Chuyển đơn vị có thẩm quyền</h2>
      <p className="hint">
        Hồ sơ không thuộc thẩm quyền giải quyết của đơn vị: chuyển đến đơn vị có thẩm quyền, giữ nguyên mã hồ sơ, ngày hẹn trả và nhật ký xử lý.
      </p>
      <button type="button" onClick={() => setOpen(true)}>
        Chuyển hồ sơ đến đơn vị có thẩm quyền
      </button>
      {open && <TransferUnitDialog code={code} units={data.units} onClose={() => setOpen(false)} />}
    </section>
  );
}

function TransferUnitDialog({ code, units, onClose }: { code: string; units: CompetentUnits["units"]; onClose: () => void }) {
  const { announce } = useApp();
  const client = useQueryClient();
  const [filter, setFilter] = useState("");
  const [chosen, setChosen] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const shown = useMemo(() => units.filter((u) => u.code === chosen || matchesWords(`${u.name} ${u.code}`, filter)), [units, filter, chosen]);

  const focusFirst = (found: Partial<Record<Field, string>>) => {
    if (found.unit_code) formRef.current?.querySelector<HTMLElement>("#transfer-unit-filter")?.focus();
    else if (found.reason) formRef.current?.querySelector<HTMLElement>("#transfer-unit-reason")?.focus();
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const problems: Partial<Record<Field, string>> = {};
    if (!chosen) problems.unit_code = "Vui lòng chọn đơn vị có thẩm quyền nhận hồ sơ.";
    if (!reason.trim()) problems.reason = "Vui lòng nhập lý do chuyển hồ sơ.";
    setErrors(problems);
    setGeneral(null);
    if (Object.keys(problems).length) {
      focusFirst(problems);
      return;
    }
    setBusy(true);
    try {
      const done = await api<TransferOut>(`/v1/dossiers/${encodeURIComponent(code)}/transfer-unit`, {
        method: "POST",
        body: { unit_code: chosen, reason: reason.trim() },
      });
      client.removeQueries({ queryKey: queryKeys.dossier(code) });
      const home = href([]);
      navigate(home);
      announce(`Đã chuyển hồ sơ ${done.code} đến ${done.unit_name}. Đơn vị của bạn không còn giữ hồ sơ này.`, home);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiError && caught.fieldErrors.length) {
        const mapped: Partial<Record<Field, string>> = {};
        for (const fieldError of caught.fieldErrors) {
          if (fieldError.field === "unit_code" || fieldError.field === "reason") mapped[fieldError.field] = fieldError.message;
        }
        setErrors(mapped);
        setGeneral(caught.message);
        focusFirst(mapped);
      } else {
        setGeneral(errorMessage(caught));
      }
    }
  };

  const errorLine = (name: Field) =>
    errors[name] ? (
      <p className="error" id={`transfer-${name}-error`}>
        <span aria-hidden="true">⚠ </span>
        {errors[name]}
      </p>
    ) : null;

  return (
    <Dialog title="Chuyển hồ sơ đến đơn vị có thẩm quyền" onClose={onClose} describedBy="transfer-unit-help">
      <form ref={formRef} onSubmit={(event) => void submit(event)} noValidate>
        <p id="transfer-unit-help" className="hint">
          Hồ sơ {code}. Các trường có dấu * là bắt buộc. Sau khi chuyển, đơn vị của bạn không còn xem và xử lý hồ sơ này.
        </p>
        {general && (
          <div className="alert alert-error" role="alert">
            <span className="alert-icon" aria-hidden="true">
              ⚠
            </span>
            <strong>{general}</strong>
          </div>
        )}
        <div className={`field${errors.unit_code ? " field-invalid" : ""}`}>
          <label htmlFor="transfer-unit-filter">Tìm đơn vị</label>
          <p className="hint" id="transfer-unit-filter-hint">
            Gõ tên hoặc mã đơn vị, có dấu hoặc không dấu.
          </p>
          <input
            id="transfer-unit-filter"
            type="search"
            autoComplete="off"
            value={filter}
            aria-describedby={["transfer-unit-filter-hint", errors.unit_code ? "transfer-unit_code-error" : ""].filter(Boolean).join(" ")}
            onChange={(event) => setFilter(event.target.value)}
          />
          <fieldset className="group">
            <legend>
              Đơn vị có thẩm quyền nhận hồ sơ
              <span className="required" aria-hidden="true">
                {" "}
                *
              </span>
            </legend>
            {shown.length === 0 && <p className="muted">Không có đơn vị nào khớp.</p>}
            <div className="choices">
              {shown.map((u) => (
              <div key={u.code} className="choice">
                <input type="radio" id={`transfer-unit-${u.code}`} name="transfer-unit" value={u.code} checked={chosen === u.code} onChange={() => setChosen(u.code)} />
                <label htmlFor={`transfer-unit-${u.code}`}>
                  {u.name} <span className="muted">({u.code})</span>
                </label>
              </div>
              ))}
            </div>
          </fieldset>
          {errorLine("unit_code")}
        </div>
        <div className={`field${errors.reason ? " field-invalid" : ""}`}>
          <label htmlFor="transfer-unit-reason">
            Lý do chuyển
            <span className="required" aria-hidden="true">
              {" "}
              *
            </span>
          </label>
          <textarea
            id="transfer-unit-reason"
            rows={4}
            value={reason}
            maxLength={REASON_MAX}
            required
            aria-invalid={errors.reason ? true : undefined}
            aria-describedby={errors.reason ? "transfer-reason-error" : undefined}
            onChange={(event) => setReason(event.target.value)}
          />
          {errorLine("reason")}
        </div>
        <div className="dialog-actions">
          <button type="submit" aria-disabled={busy || undefined}>
            {busy ? "Đang chuyển…" : "Xác nhận chuyển"}
          </button>
          <button type="button" className="button-secondary" onClick={onClose}>
            Hủy
          </button>
        </div>
      </form>
    </Dialog>
  );
}
