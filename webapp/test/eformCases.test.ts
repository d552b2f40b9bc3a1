// The eForm cases shared with the server's validator (tests/cases/eform_cases.json, also run by
// tests/unit/intake/test_eform_cases.py): both sides give the same errors, in the same order.

import { describe, expect, it } from "vitest";

import shared from "../../tests/cases/eform_cases.json";
import { mergeValues } from "../src/eform/model";
import { validateForm } from "../src/eform/validate";
import type { EFormSchema, FormField, FormSection, Rule } from "../src/types";

type Raw = Record<string, unknown>;

// The defaults of chalicelib/domain/eform.py's models, as the API sends every schema.
function field(raw: Raw): FormField {
  const f = {
    required: false,
    max_length: null,
    pattern: null,
    pattern_message: null,
    options: [],
    guidance: "",
    placeholder: "",
    minimum: null,
    maximum: null,
    date_limit: "any",
    autofill_source: null,
    min_rows: 0,
    max_rows: 50,
    ...raw,
  } as unknown as FormField;
  return { ...f, columns: ((raw.columns as Raw[] | undefined) ?? []).map(field) };
}

function section(raw: Raw): FormSection {
  return { guidance: "", ...raw, fields: (raw.fields as Raw[]).map(field) } as FormSection;
}

function rule(raw: Raw): Rule {
  return (raw.kind === "date_order" ? { allow_equal: true, ...raw } : raw) as unknown as Rule;
}

function schema(raw: Raw): EFormSchema {
  return {
    legal_basis: "",
    ...raw,
    sections: (raw.sections as Raw[]).map(section),
    rules: ((raw.rules as Raw[] | undefined) ?? []).map(rule),
  } as EFormSchema;
}

const [year, month, day] = shared.today.split("-").map(Number);
const TODAY = { year, month, day };
const SCHEMAS: Record<string, EFormSchema> = Object.fromEntries(
  Object.entries(shared.schemas).map(([name, raw]) => [name, schema(raw as Raw)]),
);

describe("shared eForm cases", () => {
  it.each(shared.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const form = SCHEMAS[c.schema];
    const expected = "browser_errors" in c ? c.browser_errors : c.errors;
    expect(validateForm(form, mergeValues(form, c.values), TODAY)).toEqual(expected);
  });
});
