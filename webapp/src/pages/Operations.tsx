import { useCallback, useEffect, useState } from "react";

import { api, ApiError, errorMessage } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import type { Role } from "../types";
import { ReceiptFlags } from "./ReceiptsPanel";
import { SpecialisedIncidents } from "./SpecialisedIncidents";

/** The roles the API's OPERATOR routes accept (chalicelib/api/routing.py). */
export const OPERATOR_ROLES: Role[] = ["operator", "admin"];

export function canOperate(roles: Role[]): boolean {
  return roles.some((r) => OPERATOR_ROLES.includes(r));
}

interface DependencyHealth {
  name: string;
  ok: boolean;
  latency_ms: number;
  detail: string;
}

interface HealthOut {
  status: string;
  stage: string;
  dependencies: DependencyHealth[];
}

/** Each dependency's reachability (GET /v1/ops/health; 503 when one is down, same body). */
export function Operations() {
  const [health, setHealth] = useState<HealthOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);

  const load = useCallback(() => {
    setBusy(true);
    setError(null);
    api<HealthOut>("/v1/ops/health")
      .then(setHealth)
      .catch((caught: unknown) => {
        if (caught instanceof ApiError && caught.status === 503 && isHealth(caught.body)) setHealth(caught.body);
        else setError(errorMessage(caught));
      })
      .finally(() => setBusy(false));
  }, []);
  useEffect(load, [load]);

  const down = health?.dependencies.filter((d) => !d.ok) ?? [];
  return (
    <>
      <PageHeading title="Vận hành hệ thống">Vận hành hệ thống</PageHeading>
      <p className="lead">Tình trạng kết nối đến từng bảng dữ liệu, kho tệp và hàng đợi của môi trường.</p>
      <p>
        <button type="button" onClick={load} aria-disabled={busy || undefined}>
          {busy ? "Đang kiểm tra…" : "Kiểm tra lại"}
        </button>
      </p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {!health && busy && <Loading what="tình trạng hệ thống" />}
      {health && (
        <>
          <p role="status">
            {down.length === 0
              ? `Môi trường ${health.stage}: mọi thành phần đều hoạt động.`
              : `Môi trường ${health.stage}: ${down.length} thành phần không phản hồi.`}
          </p>
          <table>
            <caption>Thành phần phụ thuộc</caption>
            <thead>
              <tr>
                <th scope="col">Thành phần</th>
                <th scope="col">Tình trạng</th>
                <th scope="col">Thời gian phản hồi (ms)</th>
                <th scope="col">Chi tiết lỗi</th>
              </tr>
            </thead>
            <tbody>
              {health.dependencies.map((d) => (
                <tr key={d.name}>
                  <th scope="row">{d.name}</th>
                  <td>{d.ok ? "Hoạt động" : "Không phản hồi"}</td>
                  <td>{d.latency_ms.toLocaleString("vi-VN")}</td>
                  <td>{d.detail || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <SpecialisedIncidents />
      <ReceiptFlags scope="operator" />
    </>
  );
}

function isHealth(body: unknown): body is HealthOut {
  return typeof body === "object" && body !== null && Array.isArray((body as HealthOut).dependencies);
}
