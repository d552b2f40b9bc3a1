// Small form pieces shared by the dossier page's fees, post and delivery panels: a labelled
// field with its error (announced through aria-describedby), the API's field errors mapped onto
// the form, focus on the first field in error.

import type { ReactNode } from "react";

import { ApiError, errorMessage } from "../api";

export type Errors = Record<string, string>;

export const Required = () => (
  <span className="required" aria-hidden="true">
    {" "}
    *
  </span>
);

export function ErrorLine({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p className="error" id={`${id}-error`}>
      <span aria-hidden="true">⚠ </span>
      {error}
    </p>
  ) : null;
}

export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  required = false,
  hint,
  type = "text",
  inputMode,
  autoComplete = "off",
  maxLength,
}: {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  required?: boolean;
  hint?: string;
  type?: "text" | "tel" | "number";
  inputMode?: "numeric" | "text" | "tel";
  autoComplete?: string;
  maxLength?: number;
}) {
  const described = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`field${error ? " field-invalid" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required && <Required />}
      </label>
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <input
        id={id}
        type={type}
        value={value}
        required={required}
        aria-required={required || undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        inputMode={inputMode}
        autoComplete={autoComplete}
        maxLength={maxLength}
        onChange={(event) => onChange(event.target.value)}
      />
      <ErrorLine id={id} error={error} />
    </div>
  );
}

/** The API's field errors as {form field id: message}; the rest as one general message. */
export function apiErrors(caught: unknown, fieldIds: Record<string, string>): { fields: Errors; general: string | null } {
  if (!(caught instanceof ApiError) || caught.fieldErrors.length === 0) return { fields: {}, general: errorMessage(caught) };
  const fields: Errors = {};
  const rest: string[] = [];
  for (const e of caught.fieldErrors) {
    const id = fieldIds[e.field];
    if (id) fields[id] = e.message;
    else rest.push(e.message);
  }
  return { fields, general: rest.length > 0 ? rest.join(" ") : Object.keys(fields).length ? null : caught.message };
}

/** Focus the first field (in the form's order) that has an error. */
export function focusFirst(form: HTMLFormElement | null, errors: Errors): void {
  if (!form) return;
  const first = Array.from(form.querySelectorAll<HTMLElement>("input, select, textarea")).find((el) => errors[el.id]);
  first?.focus();
}
