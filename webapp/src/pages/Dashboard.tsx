import { useEffect, useState } from "react";

import { api, errorMessage } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { href } from "../router";
import { counterValue, ROLE_COUNTERS } from "../statuses";
import type { UnitCounters } from "../types";
import { SIGNING_ROLES } from "./BatchSign";

/** "Việc cần làm": the FR-20 counters of every role the officer holds in this unit. */
export function Dashboard() {
  const { unit, roles, roleLabel, unitName, me } = useApp();
  const [counters, setCounters] = useState<UnitCounters | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setCounters(null);
    setError(null);
    api<UnitCounters>(`/v1/units/${encodeURIComponent(unit)}/counters`, { signal: controller.signal })
      .then(setCounters)
      .catch((caught: unknown) => {
        if (!(caught instanceof DOMException && caught.name === "AbortError")) setError(errorMessage(caught));
      });
    return () => controller.abort();
  }, [unit]);

  const total = counters ? Object.values(counters.by_status).reduce((a, b) => a + b, 0) : 0;
  const roleSections = roles.filter((role) => ROLE_COUNTERS[role]);

  return (
    <>
      <PageHeading title="Việc cần làm">Việc cần làm</PageHeading>
      <p className="lead">
        Xin chào {me.profile.name}. Đơn vị: {unitName(unit)}.
      </p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {!counters && !error && <Loading what="bộ đếm hồ sơ" />}
      {counters && (
        <>
          {roleSections.length === 0 && <p>Bạn chưa được phân vai trò xử lý hồ sơ tại đơn vị này.</p>}
          {roleSections.map((role) => (
            <section key={role} aria-labelledby={`counters-${role}`} className="counter-group">
              <h2 id={`counters-${role}`}>{roleLabel(role)}</h2>
              <ul className="counters">
                {(ROLE_COUNTERS[role] ?? []).map((spec) => (
                  <li key={`${spec.status}-${spec.stepRole ?? ""}-${spec.label}`}>
                    <a className="counter" href={href(["danh-sach", spec.status])}>
                      <span className="counter-value">{counterValue(counters, spec)}</span>
                      <span className="counter-label">{spec.label}</span>
                    </a>
                  </li>
                ))}
              </ul>
              {SIGNING_ROLES.includes(role) && (
                <p>
                  <a href={href(["danh-sach", 4])}>Ký số nhiều hồ sơ chờ ký</a>
                </p>
              )}
            </section>
          ))}
          <section aria-labelledby="counters-unit" className="counter-group">
            <h2 id="counters-unit">Toàn đơn vị</h2>
            <ul className="counters">
              <li>
                <a className={`counter${counters.overdue_in_process ? " counter-alert" : ""}`} href={href(["danh-sach", 4])}>
                  <span className="counter-value">{counters.overdue_in_process}</span>
                  <span className="counter-label">Đang xử lý đã quá hạn</span>
                </a>
              </li>
              <li>
                <a className="counter" href={href(["tim-kiem"])}>
                  <span className="counter-value">{total}</span>
                  <span className="counter-label">Tất cả hồ sơ</span>
                </a>
              </li>
            </ul>
          </section>
        </>
      )}
    </>
  );
}
