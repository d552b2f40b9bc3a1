import { useId } from "react";

import { errorMessage } from "../api";
import { ErrorMessage } from "../components/Page";
import { formatDateTime } from "../format";
import { queryKeys, type Schema, useApiQuery } from "../query";

type View = Schema<"LienThongView">;
type Route = View["steps"][number]["route"];

export const ROUTE_LABELS: Record<Route, string> = {
  hoso: "Đơn vị của hoso (hồ sơ con)",
  direct: "Hệ thống của cơ quan (kết nối trực tiếp)",
  coordinator: "Hệ thống của bộ, ngành khác, qua Hệ thống điều phối",
};

/**
 * "Liên thông": where each step of the dossier's liên thông chain was handed (a unit of hoso, the
 * agency's system, or another ministry's system through the coordination system) and where it stands;
 * or, for a step of a chain another ministry heads, where the dossier came from and whether its result
 * went back to the coordination system. Nothing is shown for a dossier outside any chain.
 */
export function LienThongPanel({ code }: { code: string }) {
  const id = useId();
  const path = `/v1/dossiers/${encodeURIComponent(code)}/lien-thong`;
  const query = useApiQuery<View>(queryKeys.dossierPart(code, "lien-thong"), path);
  const view = query.data;
  if (!query.error && (!view || (view.steps.length === 0 && !view.origin))) return null;
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>Liên thông</h2>
      {query.error && <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>}
      {view?.origin && (
        <>
          <p>
            Hồ sơ này là một bước trong chuỗi liên thông do <strong>{view.origin.head_agency}</strong> chủ trì, được
            chuyển đến qua Hệ thống điều phối.
          </p>
          <dl className="facts">
            <dt>Mã hồ sơ tại cơ quan chủ trì</dt>
            <dd>{view.origin.head_code}</dd>
            <dt>Việc được giao</dt>
            <dd>{view.origin.step_name}</dd>
            <dt>Kết quả</dt>
            <dd>
              {view.origin.returned_at
                ? `Đã chuyển về Hệ thống điều phối lúc ${formatDateTime(view.origin.returned_at)} (${
                    view.origin.returned_outcome === "success" ? "đã giải quyết" : "không giải quyết được"
                  })`
                : "Chưa chuyển — kết quả được chuyển về Hệ thống điều phối khi hồ sơ giải quyết xong"}
            </dd>
          </dl>
        </>
      )}
      {view && view.steps.length > 0 && (
        <div className="table-scroll" role="region" aria-label="Các bước liên thông" tabIndex={0}>
          <table>
            <caption>{view.flow}</caption>
            <thead>
              <tr>
                <th scope="col">Bước</th>
                <th scope="col">Chuyển đến</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Cập nhật</th>
              </tr>
            </thead>
            <tbody>
              {view.steps.map((step) => (
                <tr key={step.step}>
                  <th scope="row">{step.name}</th>
                  <td>
                    {step.agency}
                    <br />
                    <span className="hint">{ROUTE_LABELS[step.route]}</span>
                  </td>
                  <td>
                    {step.status_label}
                    {step.attempts > 1 ? ` (lần chuyển thứ ${step.attempts})` : ""}
                    {step.child ? ` — hồ sơ ${step.child}` : ""}
                  </td>
                  <td>{step.updated_at ? formatDateTime(step.updated_at) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
