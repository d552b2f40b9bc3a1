import { formatMoney, formatNumber } from "../format";
import type { EFormSchema, FormField } from "../types";

function shown(field: FormField, value: unknown): string {
  if (value === undefined || value === null || value === "") return "—";
  if (field.type === "checkbox") return value === true ? "Có" : "Không";
  if (field.type === "select" || field.type === "radio") {
    return field.options.find((o) => o.value === value)?.label ?? String(value);
  }
  if (field.type === "checkboxes" && Array.isArray(value)) {
    return value.map((v) => field.options.find((o) => o.value === v)?.label ?? String(v)).join(", ") || "—";
  }
  if (field.type === "money" && typeof value === "number") return formatMoney(value);
  if (field.type === "number" && typeof value === "number") return formatNumber(value);
  return String(value);
}

/** A dossier's form data, read-only, laid out by the form's own sections and labels. */
export function FormDataView({ schema, data }: { schema: EFormSchema; data: Record<string, unknown> }) {
  return (
    <div className="form-data">
      <p className="muted">
        {schema.title}
        {schema.legal_basis ? ` — ${schema.legal_basis}` : ""}
      </p>
      {schema.sections.map((section) => {
        const values = (data[section.key] ?? {}) as Record<string, unknown>;
        return (
          <section key={section.key} aria-labelledby={`data-${section.key}`}>
            <h3 id={`data-${section.key}`}>{section.title}</h3>
            <dl className="facts">
              {section.fields
                .filter((f) => f.type !== "table")
                .map((field) => (
                  <div key={field.key} className="fact">
                    <dt>{field.label}</dt>
                    <dd>{shown(field, values[field.key])}</dd>
                  </div>
                ))}
            </dl>
            {section.fields
              .filter((f) => f.type === "table")
              .map((table) => {
                const rows = Array.isArray(values[table.key]) ? (values[table.key] as Record<string, unknown>[]) : [];
                return rows.length === 0 ? (
                  <p key={table.key}>
                    {table.label}: không có.
                  </p>
                ) : (
                  <div key={table.key} className="table-scroll" role="region" aria-label={table.label} tabIndex={0}>
                    <table>
                      <caption>{table.label}</caption>
                      <thead>
                        <tr>
                          <th scope="col">STT</th>
                          {table.columns.map((column) => (
                            <th key={column.key} scope="col">
                              {column.label}
                            </th>
                          ))}
                        </tr>
                      </thead>
                      <tbody>
                        {rows.map((row, index) => (
                          // Rows of stored data never move: their index is their identity.
                          <tr key={index}>
                            <th scope="row">{index + 1}</th>
                            {table.columns.map((column) => (
                              <td key={column.key}>{shown(column, row[column.key])}</td>
                            ))}
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                );
              })}
          </section>
        );
      })}
    </div>
  );
}
