// "Lưu nháp và tiếp tục" (guide 7753, Appendix 01 §2d): an unfinished desk intake is kept on the
// server (GET/PUT/DELETE /v1/drafts…, per officer, for 30 days after its last save), so it can be
// resumed on another day or another computer. A draft's data is the desk body as typed so far
// (MaTTHC, MaDonViTiepNhan, the applicant's fields, DuLieuBieuMau), unchecked; the fields that
// came from the population database are listed under AUTOFILLED_KEY so they stay marked.

import { api } from "./api";

export const DRAFT_TTL_DAYS = 30;
export const AUTOFILLED_KEY = "_TuDongDien";
const BROWSER_PREFIX = "hoso.draft.";

export interface DraftSummary {
  id: string;
  procedure_code: string | null;
  unit_code: string | null;
  applicant: string | null;
  updated_at: string;
  expires_at: string;
  /** officer: the officer's own draft; kiosk: a form a citizen filled at a kiosk, waiting at the desk (id: its ticket). */
  source?: "officer" | "kiosk";
  kiosk_name?: string | null;
}

export interface Draft extends DraftSummary {
  data: Record<string, unknown>;
}

/** A new draft's id: the procedure's code and a random part (ids are [A-Za-z0-9_-]{1,64}). */
export function newDraftId(procedureCode: string): string {
  const random = Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${procedureCode.replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40)}-${random}`;
}

export async function listDrafts(): Promise<DraftSummary[]> {
  return (await api<{ items: DraftSummary[] }>("/v1/drafts")).items;
}

export function getDraft(id: string): Promise<Draft> {
  return api<Draft>(`/v1/drafts/${encodeURIComponent(id)}`);
}

export function saveDraft(id: string, data: Record<string, unknown>): Promise<Draft> {
  return api<Draft>(`/v1/drafts/${encodeURIComponent(id)}`, { method: "PUT", body: data });
}

/** The desk takes a kiosk draft: it becomes the officer's own draft (another officer gets 409). */
export function takeKioskDraft(unit: string, ticket: string): Promise<Draft> {
  return api<Draft>(`/v1/units/${encodeURIComponent(unit)}/kiosk-drafts/${encodeURIComponent(ticket)}/take`, { method: "POST" });
}

export async function deleteDraft(id: string): Promise<void> {
  await api<null>(`/v1/drafts/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** Drafts an earlier version of the app kept in this browser (unencrypted) are removed. */
export function forgetBrowserDrafts(): void {
  const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i) ?? "");
  for (const key of keys) if (key.startsWith(BROWSER_PREFIX)) localStorage.removeItem(key);
}
