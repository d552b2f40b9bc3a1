// What the browser checks before a file leaves the computer (FileUpload): its size and its type
// by its first bytes — the same magic numbers the server sniffs (chalicelib/store/files.py).

import { formatBytes } from "../format";

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export const PDF = "application/pdf";
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const ACCEPTED_TYPES: readonly string[] = [PDF, "image/jpeg", "image/png", "image/tiff", DOCX, XLSX];
export const TYPE_NAMES: Record<string, string> = {
  [PDF]: "PDF",
  "image/jpeg": "JPEG",
  "image/png": "PNG",
  "image/tiff": "TIFF",
  [DOCX]: "DOCX",
  [XLSX]: "XLSX",
};
export const EXTENSIONS: Record<string, string> = {
  [PDF]: ".pdf",
  "image/jpeg": ".jpg,.jpeg",
  "image/png": ".png",
  "image/tiff": ".tif,.tiff",
  [DOCX]: ".docx",
  [XLSX]: ".xlsx",
};

/** The type of a file by its first bytes, as the server sniffs it; OOXML (a zip) by its extension. */
export function sniffType(head: Uint8Array, name: string): string | null {
  const starts = (bytes: number[]) => bytes.every((b, i) => head[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return PDF;
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (starts([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return "image/tiff";
  if (starts([0x50, 0x4b, 0x03, 0x04])) {
    const lower = name.toLowerCase();
    if (lower.endsWith(".docx")) return DOCX;
    if (lower.endsWith(".xlsx")) return XLSX;
  }
  return null;
}

/** Why a file cannot be uploaded (Vietnamese), or null when it may be. */
export function problemWith(file: { name: string; size: number }, head: Uint8Array, accept: readonly string[], maxBytes: number): string | null {
  if (file.size === 0) return `Tệp “${file.name}” rỗng.`;
  if (file.size > maxBytes) return `Tệp “${file.name}” (${formatBytes(file.size)}) vượt quá ${formatBytes(maxBytes)}.`;
  const type = sniffType(head, file.name);
  if (!type || !accept.includes(type)) {
    return `Tệp “${file.name}” không đúng định dạng cho phép (${accept.map((t) => TYPE_NAMES[t] ?? t).join(", ")}): nội dung tệp không phải định dạng này.`;
  }
  return null;
}
