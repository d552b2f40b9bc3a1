import "./eform.css";

import type { ReactNode } from "react";

import type { FormField } from "../types";
import { emptyRow, inputId, type Row, type Scalar } from "./model";
import { maxLength, tidyDate, tidyDateTime } from "./validate";

export interface FieldProps {
  field: FormField;
  /** The API path of the value (ids and error messages derive from it). */
  path: string;
  value: Scalar;
  onChange: (value: Scalar) => void;
  error?: string;
  required: boolean;
  /** The value came from a national database (SPEC §5: marked, still editable). */
  autofilled?: boolean;
}

const SHAPE_HINTS: Partial<Record<FormField["type"], string>> = {
  date: "Nhập theo định dạng DD/MM/YYYY, ví dụ 15/08/2025.",
  datetime: "Nhập theo định dạng DD/MM/YYYY HH:mm (24 giờ), ví dụ 15/08/2025 14:30.",
  money: "Số tiền tính bằng đồng, chỉ gồm chữ số.",
  phone: "Ví dụ 0912345678.",
};

export function RequiredMark({ required }: { required: boolean }) {
  return required ? (
    <span className="required" aria-hidden="true">
      {" "}
      *
    </span>
  ) : null;
}

/** "Auto-filled" said in words (read with the field through aria-describedby) and shown with an icon and colour. */
export function AutofillNote({ id }: { id: string }) {
  return (
    <p className="autofill-note" id={id}>
      <span aria-hidden="true">⟲ </span>Tự động điền từ CSDL quốc gia về dân cư — có thể sửa nếu chưa đúng.
    </p>
  );
}

export function ErrorText({ id, children }: { id: string; children: ReactNode }) {
  return (
    <p className="error" id={id}>
      <span aria-hidden="true">⚠ </span>
      {children}
    </p>
  );
}

function hintText(field: FormField): string {
  return [field.guidance, SHAPE_HINTS[field.type] ?? ""].filter(Boolean).join(" ");
}

function nowText(): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Ho_Chi_Minh",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    })
      .formatToParts(new Date())
      .map((part) => [part.type, part.value]),
  );
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** One eForm input with its label, red asterisk, guidance and error (SPEC §5). */
export function FieldInput({ field, path, value, onChange, error, required, autofilled }: FieldProps) {
  const id = inputId(path);
  const hint = hintText(field);
  const hintId = hint ? `${id}-hint` : "";
  const errorId = error ? `${id}-error` : "";
  const countId = field.type === "textarea" ? `${id}-count` : "";
  const autoId = autofilled ? `${id}-auto` : "";
  const describedBy = [autoId, hintId, countId, errorId].filter(Boolean).join(" ") || undefined;
  const invalid = error ? true : undefined;
  const text = typeof value === "string" ? value : "";
  const className = `field field-${field.type}${error ? " field-invalid" : ""}${autofilled ? " field-autofilled" : ""}`;
  const note = autofilled ? <AutofillNote id={autoId} /> : null;

  if (field.type === "radio" || field.type === "checkboxes") {
    const selected = Array.isArray(value) ? value : [];
    const many = field.type === "checkboxes" && field.options.length > 4;
    return (
      <fieldset className={className} aria-describedby={describedBy}>
        <legend>
          {field.label}
          <RequiredMark required={required} />
        </legend>
        {note}
        {hint && (
          <p className="hint" id={hintId}>
            {hint}
          </p>
        )}
        {many && (
          <p className="select-all">
            <button type="button" className="button-link" onClick={() => onChange(field.options.map((o) => o.value))}>
              Chọn tất cả
            </button>
            <button type="button" className="button-link" onClick={() => onChange([])}>
              Bỏ chọn tất cả
            </button>
          </p>
        )}
        <div className="choices">
          {field.options.map((option, index) => {
            const optionId = index === 0 ? id : `${id}-${index}`;
            return (
              <div className="choice" key={option.value}>
                {field.type === "radio" ? (
                  <input
                    type="radio"
                    id={optionId}
                    name={id}
                    value={option.value}
                    checked={text === option.value}
                    required={required}
                    aria-invalid={invalid}
                    aria-describedby={[autoId, errorId].filter(Boolean).join(" ") || undefined}
                    onChange={() => onChange(option.value)}
                  />
                ) : (
                  <input
                    type="checkbox"
                    id={optionId}
                    name={id}
                    value={option.value}
                    checked={selected.includes(option.value)}
                    aria-invalid={invalid}
                    aria-describedby={errorId || undefined}
                    onChange={(event) =>
                      onChange(event.target.checked ? [...selected, option.value] : selected.filter((v) => v !== option.value))
                    }
                  />
                )}
                <label htmlFor={optionId}>{option.label}</label>
              </div>
            );
          })}
        </div>
        {error && <ErrorText id={errorId}>{error}</ErrorText>}
      </fieldset>
    );
  }

  if (field.type === "checkbox") {
    return (
      <div className={className}>
        <div className="choice">
          <input
            type="checkbox"
            id={id}
            checked={value === true}
            required={required}
            aria-required={required || undefined}
            aria-invalid={invalid}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.checked)}
          />
          <label htmlFor={id}>
            {field.label}
            <RequiredMark required={required} />
          </label>
        </div>
        {hint && (
          <p className="hint" id={hintId}>
            {hint}
          </p>
        )}
        {error && <ErrorText id={errorId}>{error}</ErrorText>}
      </div>
    );
  }

  const common = {
    id,
    name: id,
    required,
    "aria-required": required || undefined,
    "aria-invalid": invalid,
    "aria-describedby": describedBy,
  };
  let control: ReactNode;
  if (field.type === "select") {
    control = (
      <select {...common} value={text} onChange={(event) => onChange(event.target.value)}>
        <option value="">— Chọn {field.label.toLowerCase()} —</option>
        {field.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    );
  } else if (field.type === "textarea") {
    control = (
      <>
        <textarea
          {...common}
          rows={3}
          maxLength={maxLength(field)}
          placeholder={field.placeholder || undefined}
          value={text}
          onChange={(event) => onChange(event.target.value)}
        />
        <p className="counter-text" id={countId}>
          {text.length}/{maxLength(field)} ký tự
        </p>
      </>
    );
  } else if (field.type === "number") {
    control = (
      <input
        {...common}
        type="number"
        inputMode="decimal"
        min={field.minimum ?? undefined}
        max={field.maximum ?? undefined}
        placeholder={field.placeholder || undefined}
        value={text}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  } else {
    const kind =
      field.type === "email" ? "email" : field.type === "phone" ? "tel" : "text";
    const inputMode =
      field.type === "personal_number" || field.type === "money" || field.type === "date"
        ? "numeric"
        : field.type === "phone"
          ? "tel"
          : field.type === "email"
            ? "email"
            : undefined;
    const tidy = field.type === "date" ? tidyDate : field.type === "datetime" ? tidyDateTime : null;
    control = (
      <span className="control-row">
        <input
          {...common}
          type={kind}
          inputMode={inputMode}
          autoComplete="off"
          maxLength={field.type === "date" ? 10 : field.type === "datetime" ? 16 : maxLength(field)}
          placeholder={field.placeholder || undefined}
          value={text}
          onChange={(event) => onChange(event.target.value)}
          onBlur={tidy ? (event) => onChange(tidy(event.target.value)) : undefined}
        />
        {field.type === "datetime" && (
          <button type="button" className="button-secondary" onClick={() => onChange(nowText())}>
            Bây giờ
          </button>
        )}
      </span>
    );
  }
  return (
    <div className={className}>
      <label htmlFor={id}>
        {field.label}
        <RequiredMark required={required} />
      </label>
      {note}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {control}
      {error && <ErrorText id={errorId}>{error}</ErrorText>}
    </div>
  );
}

export interface TableProps {
  field: FormField;
  path: string;
  rows: Row[];
  onChange: (rows: Row[]) => void;
  errors: Record<string, string>;
  requiredPaths: Set<string>;
  required: boolean;
  announce: (message: string) => void;
}

/** Dynamic rows ("Thêm dòng"/"Xóa dòng"): every row keeps its identity, so no typed value moves or is lost. */
export function TableInput({ field, path, rows, onChange, errors, requiredPaths, required, announce }: TableProps) {
  const id = inputId(path);
  const error = errors[path];
  const hintId = field.guidance ? `${id}-hint` : "";
  const errorId = error ? `${id}-error` : "";
  const focusLater = (target: string) => window.setTimeout(() => document.getElementById(target)?.focus(), 0);

  const add = () => {
    const next = [...rows, emptyRow(field)];
    onChange(next);
    announce(`Đã thêm dòng ${next.length} vào ${field.label}.`);
    focusLater(inputId(`${path}[${next.length - 1}].${field.columns[0].key}`));
  };
  const remove = (index: number) => {
    const next = rows.filter((_, i) => i !== index);
    onChange(next);
    announce(`Đã xóa dòng ${index + 1} của ${field.label}.`);
    focusLater(next.length ? inputId(`${path}[${Math.min(index, next.length - 1)}].${field.columns[0].key}`) : id);
  };
  const change = (index: number, key: string, value: Scalar) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, values: { ...row.values, [key]: value } } : row)));

  return (
    <fieldset className={`table-field${error ? " field-invalid" : ""}`} aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}>
      <legend>
        {field.label}
        <RequiredMark required={required || field.min_rows > 0} />
      </legend>
      {field.guidance && (
        <p className="hint" id={hintId}>
          {field.guidance}
        </p>
      )}
      {error && <ErrorText id={errorId}>{error}</ErrorText>}
      {rows.length === 0 && <p className="muted">Chưa có dòng nào.</p>}
      {rows.map((row, index) => (
        <fieldset key={row.id} className="table-row">
          <legend>Dòng {index + 1}</legend>
          <div className="grid">
            {field.columns.map((column) => {
              const cell = `${path}[${index}].${column.key}`;
              return (
                <FieldInput
                  key={column.key}
                  field={column}
                  path={cell}
                  value={row.values[column.key] ?? ""}
                  onChange={(value) => change(index, column.key, value)}
                  error={errors[cell]}
                  required={column.required || requiredPaths.has(cell)}
                />
              );
            })}
          </div>
          <button type="button" className="button-secondary button-remove" onClick={() => remove(index)}>
            <span aria-hidden="true">✕ </span>Xóa dòng {index + 1}
          </button>
        </fieldset>
      ))}
      <button type="button" id={id} className="button-secondary" onClick={add} disabled={rows.length >= field.max_rows}>
        <span aria-hidden="true">＋ </span>Thêm dòng
      </button>
      {rows.length >= field.max_rows && <p className="hint">Đã đạt số dòng tối đa ({field.max_rows}).</p>}
    </fieldset>
  );
}
