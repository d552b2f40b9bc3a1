import "./results.css";

import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";

import { api, errorMessage } from "../api";
import { ErrorMessage, Loading } from "../components/Page";
import { Deadline } from "../components/DossierList";
import { useApp } from "../context";
import { href } from "../router";
import type { BatchSignAnswer, Dossier, DossierPage, Role } from "../types";

// FR-16.3 "ký nhiều hồ sơ": a signer (head, leader, clerk) picks several dossiers whose current
// step is theirs and whose result is drafted, signs them in one go (POST /v1/documents/sign-batch,
// at most BATCH_MAX), and sees each dossier's outcome — one failing never stops the others.

export const SIGNING_ROLES: Role[] = ["head", "leader", "clerk"];
const BATCH_MAX = 20;
const PAGE_SIZE = 100;

interface Candidate {
  dossier: Dossier;
  docId: string;
  docName: string;
  /** This officer already signed the result: shown as signed, not offered again. */
  signed: boolean;
}

function candidates(items: Dossier[], roles: Role[], me: string): Candidate[] {
  const out: Candidate[] = [];
  for (const dossier of items) {
    if (!(roles as string[]).includes(dossier.step_role)) continue;
    const result = dossier.documents.find((d) => d.kind === "result" && !d.deleted && !d.issuer);
    if (result) out.push({ dossier, docId: result.id, docName: result.name, signed: Boolean(result.signers?.includes(me)) });
  }
  return out;
}

export function canSignBatch(roles: Role[]): boolean {
  return roles.some((r) => SIGNING_ROLES.includes(r));
}

/** The unit's dossiers in processing whose result waits for this officer's signature. */
export function BatchSign() {
  const { unit, roles, announce, me } = useApp();
  const sub = me.profile.sub;
  const signerRoles = roles.filter((r) => SIGNING_ROLES.includes(r));
  const roleKey = signerRoles.join(",");
  const [items, setItems] = useState<Candidate[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<BatchSignAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const outcomeRef = useRef<HTMLHeadingElement>(null);
  const problemRef = useRef<HTMLDivElement>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      api<DossierPage>(`/v1/units/${encodeURIComponent(unit)}/worklist?status=4&limit=${PAGE_SIZE}`, { signal })
        .then((page) => {
          setItems(candidates(page.items, roleKey.split(",") as Role[], sub));
          setMore(Boolean(page.cursor));
        })
        .catch((caught: unknown) => {
          if (!(caught instanceof DOMException && caught.name === "AbortError")) setError(errorMessage(caught));
        }),
    [unit, roleKey, sub],
  );

  useEffect(() => {
    const controller = new AbortController();
    setItems(null);
    setError(null);
    setSelected(new Set());
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  // The outcome takes the focus once it is on the page (the list above it has just changed).
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  const toggle = (code: string, on: boolean) =>
    setSelected((previous) => {
      const next = new Set(previous);
      if (on) next.add(code);
      else next.delete(code);
      return next;
    });
  const all = (items ?? []).filter((c) => !c.signed);
  const allChosen = all.length > 0 && all.every((c) => selected.has(c.dossier.code));

  const sign = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const chosen = all.filter((c) => selected.has(c.dossier.code));
    setProblem(null);
    if (chosen.length === 0 || chosen.length > BATCH_MAX) {
      setProblem(
        chosen.length === 0
          ? "Vui lòng chọn ít nhất một hồ sơ để ký số."
          : `Mỗi lần ký tối đa ${BATCH_MAX} hồ sơ; bạn đang chọn ${chosen.length} hồ sơ.`,
      );
      window.setTimeout(() => problemRef.current?.focus(), 0);
      return;
    }
    setBusy(true);
    try {
      const answer = await api<BatchSignAnswer>("/v1/documents/sign-batch", {
        method: "POST",
        body: { items: chosen.map((c) => ({ code: c.dossier.code, doc_id: c.docId })), reason: reason.trim() },
      });
      setOutcome(answer);
      const signed = new Set(answer.results.filter((r) => r.ok).map((r) => r.code));
      setItems((previous) => (previous ?? []).map((c) => (signed.has(c.dossier.code) ? { ...c, signed: true } : c)));
      setSelected(new Set(answer.results.filter((r) => !r.ok).map((r) => r.code)));
      announce(`Ký số hàng loạt: ${answer.signed} hồ sơ đã ký, ${answer.failed} hồ sơ không ký được.`);
    } catch (caught) {
      setProblem(errorMessage(caught));
      window.setTimeout(() => problemRef.current?.focus(), 0);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="batch-sign-title" className="card">
      <h2 id="batch-sign-title">Ký số nhiều hồ sơ</h2>
      <p className="hint" id="batch-sign-hint">
        Hồ sơ đang ở bước của bạn và đã có văn bản kết quả. Chọn các hồ sơ rồi ký số một lần (tối đa {BATCH_MAX} hồ sơ); kết quả
        ký của từng hồ sơ hiện bên dưới.
      </p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {!items && !error && <Loading what="hồ sơ chờ ký" />}
      {items && items.length === 0 && <p className="empty">Không có hồ sơ nào chờ bạn ký số.</p>}
      {items && items.length > 0 && (
        <form onSubmit={(event) => void sign(event)} noValidate aria-describedby="batch-sign-hint">
          <div className="table-scroll" role="region" aria-label="Hồ sơ chờ ký số" tabIndex={0}>
            <table>
              <caption>Hồ sơ chờ ký số ({items.length})</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      id="batch-all"
                      checked={allChosen}
                      onChange={(event) => setSelected(event.target.checked ? new Set(all.map((c) => c.dossier.code)) : new Set())}
                    />
                    <label htmlFor="batch-all" className="visually-hidden">
                      Chọn tất cả hồ sơ chờ ký
                    </label>
                  </th>
                  <th scope="col">Mã hồ sơ</th>
                  <th scope="col">Thủ tục</th>
                  <th scope="col">Chủ hồ sơ</th>
                  <th scope="col">Văn bản kết quả</th>
                  <th scope="col">Hạn trả kết quả</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.dossier.code}>
                    <td>
                      {c.signed ? (
                        <span className="batch-signed">
                          <span aria-hidden="true">✓</span> Bạn đã ký
                        </span>
                      ) : (
                        <>
                          <input
                            type="checkbox"
                            id={`batch-${c.dossier.code}`}
                            checked={selected.has(c.dossier.code)}
                            onChange={(event) => toggle(c.dossier.code, event.target.checked)}
                          />
                          <label htmlFor={`batch-${c.dossier.code}`} className="visually-hidden">
                            Chọn hồ sơ {c.dossier.code}
                          </label>
                        </>
                      )}
                    </td>
                    <th scope="row">
                      <a href={href(["ho-so", c.dossier.code])}>{c.dossier.code}</a>
                    </th>
                    <td>{c.dossier.procedure_name}</td>
                    <td>{c.dossier.applicant.name}</td>
                    <td>{c.docName}</td>
                    <td>
                      <Deadline dossier={c.dossier} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {more && <p className="hint">Chỉ hiển thị {PAGE_SIZE} hồ sơ đầu của danh sách; ký xong hãy tải lại trang để xem tiếp.</p>}
          <div className="field">
            <label htmlFor="batch-reason">Lý do ký (không bắt buộc)</label>
            <input id="batch-reason" type="text" maxLength={500} value={reason} onChange={(event) => setReason(event.target.value)} />
          </div>
          <div ref={problemRef} tabIndex={-1} className="focus-target">
            {problem && <ErrorMessage>{problem}</ErrorMessage>}
          </div>
          <div className="batch-bar">
            <button type="submit" aria-disabled={busy || undefined}>
              {busy ? "Đang ký số…" : `Ký số ${selected.size} hồ sơ đã chọn`}
            </button>
            <span className="muted">Đã chọn {selected.size} hồ sơ.</span>
          </div>
        </form>
      )}
      {outcome && (
        <div className="batch-outcome">
          <h3 ref={outcomeRef} tabIndex={-1} className="focus-target">
            Kết quả ký số: {outcome.signed} hồ sơ đã ký, {outcome.failed} hồ sơ không ký được
          </h3>
          <ul className="plain">
            {outcome.results.map((r) => (
              <li key={`${r.code}-${r.doc_id}`} className={r.ok ? "batch-outcome-ok" : "batch-outcome-failed"}>
                <span aria-hidden="true">{r.ok ? "✓ " : "✕ "}</span>
                <a href={href(["ho-so", r.code])}>{r.code}</a>: {r.ok ? "Đã ký số thành công." : `Không ký được — ${r.message}`}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
