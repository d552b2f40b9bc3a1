// The desk officer's saved drafts on the intake start page, each resumable or deletable
// (issue 12 item 12).

import { useRef, useState } from "react";

import { errorMessage } from "../api";
import { ErrorMessage } from "../components/Page";
import { useApp } from "../context";
import { DRAFT_TTL_DAYS, type DraftSummary, deleteDraft } from "../drafts";
import { formatDateTime } from "../format";
import { href } from "../router";
import type { Procedure } from "../types";

export function DraftList({ drafts, procedures, onDeleted }: { drafts: DraftSummary[]; procedures: Procedure[] | null; onDeleted: (id: string) => void }) {
  const { announce } = useApp();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
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

  return (
    <section aria-labelledby="drafts-title" className="card">
      <h2 id="drafts-title" ref={headingRef} tabIndex={-1}>
        Bản nháp đang lưu
      </h2>
      {problem && <ErrorMessage>{problem}</ErrorMessage>}
      <ul className="plain draft-list">
        {drafts.map((draft) => (
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
  );
}
