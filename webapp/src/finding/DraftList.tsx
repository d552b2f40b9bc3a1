// The desk officer's saved drafts on the intake start page, each resumable or deletable
// (issue 12 item 12), and the forms citizens filled at the unit's kiosks (SPEC §7.9), each taken
// by one officer ("Tiếp nhận": it becomes their draft, opened in the intake form).

import { useRef, useState } from "react";

import { errorMessage } from "../api";
import { ErrorMessage } from "../components/Page";
import { useApp } from "../context";
import { DRAFT_TTL_DAYS, type DraftSummary, deleteDraft, takeKioskDraft } from "../drafts";
import { formatDateTime } from "../format";
import { href, navigate } from "../router";
import type { Procedure } from "../types";

export function DraftList({ drafts, procedures, onDeleted }: { drafts: DraftSummary[]; procedures: Procedure[] | null; onDeleted: (id: string) => void }) {
  const { announce } = useApp();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const own = drafts.filter((d) => d.source !== "kiosk");
  const kiosk = drafts.filter((d) => d.source === "kiosk");
  if (drafts.length === 0) return null;

  const label = (draft: DraftSummary) => {
    const code = draft.procedure_code ?? "";
    const name = procedures?.find((p) => p.code === code)?.name ?? `Thủ tục ${code}`;
    return `${name}${draft.applicant ? ` — ${draft.applicant}` : ""}`;
  };

  const remove = async (draft: DraftSummary) => {
    if (busy) return;
    setBusy(draft.id);
    setProblem(null);
    try {
      await deleteDraft(draft.id);
      onDeleted(draft.id);
      announce(`Đã xóa bản nháp ${label(draft)}.`);
      window.setTimeout(() => headingRef.current?.focus(), 0);
    } catch (caught) {
      setProblem(`Không xóa được bản nháp: ${errorMessage(caught)}`);
    } finally {
      setBusy(null);
    }
  };

  const take = async (draft: DraftSummary) => {
    if (busy) return;
    setBusy(draft.id);
    setProblem(null);
    try {
      const mine = await takeKioskDraft(draft.unit_code ?? "", draft.id);
      navigate(href(["tiep-nhan", draft.procedure_code ?? ""], { "ban-nhap": mine.id }));
    } catch (caught) {
      setProblem(`Không nhận được phiếu ${draft.id}: ${errorMessage(caught)}`);
      setBusy(null);
    }
  };

  return (
    <>
      {problem && <ErrorMessage>{problem}</ErrorMessage>}
      {kiosk.length > 0 && (
        <section aria-labelledby="kiosk-drafts-title" className="card">
          <h2 id="kiosk-drafts-title">Tờ khai khai trước tại ki-ốt</h2>
          <ul className="plain draft-list">
            {kiosk.map((draft) => (
              <li key={draft.id} data-ticket={draft.id}>
                Phiếu <strong>{draft.id}</strong>: {label(draft)} — {draft.kiosk_name ?? "ki-ốt"}, lúc {formatDateTime(draft.updated_at)}{" "}
                <button type="button" aria-label={`Tiếp nhận phiếu ${draft.id}`} aria-disabled={busy === draft.id || undefined} onClick={() => void take(draft)}>
                  {busy === draft.id ? "Đang mở…" : "Tiếp nhận"}
                </button>
              </li>
            ))}
          </ul>
          <p className="hint">Hỏi số phiếu công dân mang theo; tờ khai mở ra để kiểm tra, hoàn thiện và tiếp nhận như hồ sơ trực tiếp.</p>
        </section>
      )}
      {own.length > 0 && (
        <section aria-labelledby="drafts-title" className="card">
          <h2 id="drafts-title" ref={headingRef} tabIndex={-1}>
            Bản nháp đang lưu
          </h2>
          <ul className="plain draft-list">
            {own.map((draft) => (
              <li key={draft.id}>
                <a href={href(["tiep-nhan", draft.procedure_code ?? ""], { "ban-nhap": draft.id })}>
                  {label(draft)} — lưu lúc {formatDateTime(draft.updated_at)}
                </a>{" "}
                <button type="button" className="button-secondary" aria-label={`Xóa bản nháp ${label(draft)}`} aria-disabled={busy === draft.id || undefined} onClick={() => void remove(draft)}>
                  {busy === draft.id ? "Đang xóa…" : "Xóa"}
                </button>
              </li>
            ))}
          </ul>
          <p className="hint">Bản nháp được lưu trên hệ thống trong {DRAFT_TTL_DAYS} ngày kể từ lần lưu cuối, có thể tiếp tục trên máy khác.</p>
        </section>
      )}
    </>
  );
}
