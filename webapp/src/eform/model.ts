// Form values as the web app holds them while an officer types, and the paths/ids that tie
// a value, its input element and the API's error messages together.
//
// Paths are the API's own (chalicelib/domain/eform.py): "DuLieuBieuMau.me.ngay_sinh",
// "DuLieuBieuMau.thanh_vien_ho.thanh_vien[2].ngay_sinh" (rows from 0), and the desk body's
// top-level names ("ChuHoSo", "SoDienThoai", …).

import type { EFormSchema, FormField } from "../types";

export type Scalar = string | boolean | string[];

export interface Row {
  /** Stable identity of a dynamic row, so adding/removing rows never mixes values up. */
  id: string;
  values: Record<string, Scalar>;
}

export type FieldValue = Scalar | Row[];
export type SectionValues = Record<string, FieldValue>;
export type FormValues = Record<string, SectionValues>;

export const FORM_PREFIX = "DuLieuBieuMau";

let rowCounter = 0;

export function newRowId(): string {
  rowCounter += 1;
  return `r${Date.now().toString(36)}${rowCounter}`;
}

export function emptyScalar(field: FormField): Scalar {
  if (field.type === "checkbox") return false;
  if (field.type === "checkboxes") return [];
  return "";
}

export function emptyRow(table: FormField): Row {
  const values: Record<string, Scalar> = {};
  for (const column of table.columns) values[column.key] = emptyScalar(column);
  return { id: newRowId(), values };
}

export function emptyValues(schema: EFormSchema): FormValues {
  const out: FormValues = {};
  for (const section of schema.sections) {
    const values: SectionValues = {};
    for (const field of section.fields) {
      values[field.key] =
        field.type === "table" ? Array.from({ length: field.min_rows }, () => emptyRow(field)) : emptyScalar(field);
    }
    out[section.key] = values;
  }
  return out;
}

/** Values restored from a draft, kept only where they still fit the schema. */
export function mergeValues(schema: EFormSchema, saved: unknown): FormValues {
  const out = emptyValues(schema);
  if (typeof saved !== "object" || saved === null) return out;
  const data = saved as Record<string, unknown>;
  for (const section of schema.sections) {
    const source = data[section.key];
    if (typeof source !== "object" || source === null) continue;
    const values = source as Record<string, unknown>;
    for (const field of section.fields) {
      const value = values[field.key];
      if (field.type === "table") {
        if (Array.isArray(value)) {
          out[section.key][field.key] = value
            .filter((row): row is Record<string, unknown> => typeof row === "object" && row !== null && !Array.isArray(row))
            .map((row) => {
              const fresh = emptyRow(field);
              const cells = isRow(row) ? row.values : row;
              for (const column of field.columns) {
                const cell = cells[column.key];
                if (fits(column, cell)) fresh.values[column.key] = cell;
              }
              return fresh;
            });
        }
      } else if (fits(field, value)) {
        out[section.key][field.key] = value;
      }
    }
  }
  return out;
}

function isRow(row: Record<string, unknown>): row is { values: Record<string, unknown> } {
  return typeof row.id === "string" && typeof row.values === "object" && row.values !== null && !Array.isArray(row.values);
}

/** The values as typed, rows as plain objects of their cells (what a draft keeps; mergeValues reads it back). */
export function draftValues(values: FormValues): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [section, fields] of Object.entries(values)) {
    out[section] = {};
    for (const [key, value] of Object.entries(fields)) {
      out[section][key] = Array.isArray(value) && value.some((v) => typeof v === "object") ? (value as Row[]).map((row) => ({ ...row.values })) : value;
    }
  }
  return out;
}

function fits(field: FormField, value: unknown): value is Scalar {
  if (field.type === "checkbox") return typeof value === "boolean";
  if (field.type === "checkboxes") return Array.isArray(value) && value.every((v) => typeof v === "string");
  return typeof value === "string";
}

export function fieldPath(section: string, field: string): string {
  return `${FORM_PREFIX}.${section}.${field}`;
}

export function cellPath(section: string, table: string, row: number, column: string): string {
  return `${FORM_PREFIX}.${section}.${table}[${row}].${column}`;
}

/** The id of the input element that holds the value at ``path``. */
export function inputId(path: string): string {
  return `f-${path.replace(/\[(\d+)\]/g, "-$1").replace(/\./g, "--")}`;
}

export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}
