// "Lưu nháp và tiếp tục" (guide 7753, Appendix 01 §2d): an unfinished desk intake is kept in
// this browser's localStorage, per officer, unit and procedure, for DRAFT_TTL_DAYS days; it is
// removed once the dossier is received. Storage in the browser is a stop-gap: the data stays on
// this computer (unencrypted) until a server-side draft store exists.

const PREFIX = "hoso.draft.v1";
export const DRAFT_TTL_DAYS = 7;

export interface Draft<T> {
  savedAt: string; // ISO moment
  procedureCode: string;
  procedureName: string;
  eformCode: string | null;
  eformVersion: number | null;
  data: T;
}

function key(sub: string, unit: string, procedure: string): string {
  return `${PREFIX}.${sub}.${unit}.${procedure}`;
}

function expired(draft: Draft<unknown>, now: number): boolean {
  return now - Date.parse(draft.savedAt) > DRAFT_TTL_DAYS * 86400000;
}

function read<T>(storageKey: string): Draft<T> | null {
  const raw = localStorage.getItem(storageKey);
  if (!raw) return null;
  try {
    const draft = JSON.parse(raw) as Draft<T>;
    if (expired(draft, Date.now())) {
      localStorage.removeItem(storageKey);
      return null;
    }
    return draft;
  } catch {
    localStorage.removeItem(storageKey);
    return null;
  }
}

export function loadDraft<T>(sub: string, unit: string, procedure: string): Draft<T> | null {
  return read<T>(key(sub, unit, procedure));
}

export function saveDraft<T>(sub: string, unit: string, draft: Draft<T>): void {
  localStorage.setItem(key(sub, unit, draft.procedureCode), JSON.stringify(draft));
}

export function deleteDraft(sub: string, unit: string, procedure: string): void {
  localStorage.removeItem(key(sub, unit, procedure));
}

/** This officer's drafts in this unit, newest first (expired ones are dropped). */
export function listDrafts(sub: string, unit: string): Draft<unknown>[] {
  const prefix = `${PREFIX}.${sub}.${unit}.`;
  const keys = Array.from({ length: localStorage.length }, (_, i) => localStorage.key(i) ?? "");
  const out: Draft<unknown>[] = [];
  for (const storageKey of keys.filter((k) => k.startsWith(prefix))) {
    const draft = read<unknown>(storageKey);
    if (draft) out.push(draft);
  }
  return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}
