// The reports API, and what the screens share: the scopes the officer may report on.

import { useEffect, useState } from "react";

import { api, errorMessage } from "../api";
import type { ExportLink, ReportQuery, ReportScopes, Report, ScopeKind, Template } from "./model";

export function reportPath(scope: ScopeKind, code: string): string {
  return scope === "unit" ? `/v1/units/${encodeURIComponent(code)}/reports` : `/v1/provinces/${encodeURIComponent(code)}/reports`;
}

export function fetchReport(scope: ScopeKind, code: string, query: ReportQuery, signal?: AbortSignal): Promise<Report> {
  return api<Report>(reportPath(scope, code), { method: "POST", body: query, signal });
}

export function exportReport(scope: ScopeKind, code: string, query: ReportQuery, format: "xlsx" | "docx" | "pdf"): Promise<ExportLink> {
  return api<ExportLink>(`${reportPath(scope, code)}/export`, { method: "POST", body: { ...query, format } });
}

export function listTemplates(): Promise<Template[]> {
  return api<{ items: Template[] }>("/v1/me/report-templates").then((answer) => answer.items);
}

export type TemplateBody = Pick<Template, "name" | "scope" | "scope_code" | "period" | "query">;

export function saveTemplate(body: TemplateBody, id?: string): Promise<Template> {
  return id
    ? api<Template>(`/v1/me/report-templates/${encodeURIComponent(id)}`, { method: "PUT", body })
    : api<Template>("/v1/me/report-templates", { method: "POST", body });
}

export function deleteTemplate(id: string): Promise<void> {
  return api<void>(`/v1/me/report-templates/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export interface Scope {
  kind: ScopeKind;
  code: string;
  name: string;
}

/** Every scope of the officer: their units first, then the provinces they administer. */
export function useScopes(): { scopes: Scope[] | null; error: string } {
  const [scopes, setScopes] = useState<Scope[] | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    const controller = new AbortController();
    api<ReportScopes>("/v1/me/report-scopes", { signal: controller.signal })
      .then((answer) =>
        setScopes([
          ...answer.units.map((u) => ({ kind: "unit" as const, code: u.code, name: u.name })),
          ...answer.provinces.map((p) => ({ kind: "province" as const, code: p.code, name: p.name })),
        ]),
      )
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(e));
      });
    return () => controller.abort();
  }, []);
  return { scopes, error };
}

export function scopeValue(scope: { kind: ScopeKind; code: string }): string {
  return `${scope.kind}:${scope.code}`;
}

export function scopeLabel(scope: Scope): string {
  return scope.kind === "unit" ? `Đơn vị: ${scope.name}` : `Tổng hợp: ${scope.name}`;
}

/** The scope to start with: the unit the officer works in if they may report on it. */
export function defaultScope(scopes: Scope[], unit: string): Scope | null {
  return scopes.find((s) => s.kind === "unit" && s.code === unit) ?? scopes[0] ?? null;
}
