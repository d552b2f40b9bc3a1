import "./dashboard.css";

import { errorMessage } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { queryKeys, type Schema, useApiQuery } from "../query";
import { href } from "../router";
import { type CounterSpec, counterValue, ROLE_COUNTERS } from "../statuses";
import type { Role } from "../types";
import { SIGNING_ROLES } from "./BatchSign";
import { ConsultationsSection } from "./Consultations";
import { DvcqgRequestsSection } from "./DvcqgRequests";

// Who answers a consultation sent to the unit (chalicelib/services/consultations.py ANSWERING).
const CONSULTED_ROLES: string[] = ["appraiser", "head", "leader"];

type UnitCounters = Schema<"UnitCounters">;

const REFRESH_MS = 60_000;

/** A counter that is not one status of one role: where its number comes from, where it leads. */
interface ExtraCounter {
  label: string;
  value: (c: UnitCounters) => number;
  to?: string;
  alert?: boolean;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const dueSoon = (c: UnitCounters) => sum(Object.values(c.deadlines).map((d) => d.due_soon));
const supplemented = (c: UnitCounters) => sum(Object.values(c.supplemented_by_role));

/** FR-20's counters beyond "status × role": due soon, supplemented (waiting for the officer). */
export const EXTRA_COUNTERS: Partial<Record<Role, ExtraCounter[]>> = {
  desk: [
    { label: "Sắp đến hạn trả kết quả", value: dueSoon, to: href(["danh-sach", 4]) },
    { label: "Đã bổ sung, chờ xử lý", value: supplemented },
  ],
  appraiser: [
    { label: "Đã bổ sung, chờ thẩm định lại", value: (c) => c.supplemented_by_role.appraiser ?? 0, to: href(["cua-toi"]) },
  ],
};

/** "Trong hạn 3 · quá hạn 1 · 2 sắp đến hạn" for a role's own queue in a status where the clock runs. */
export function deadlineLine(counters: UnitCounters, spec: CounterSpec): string | null {
  if (!spec.stepRole) return null;
  const key = `${spec.status}#${spec.stepRole}`;
  const total = counters.by_status_and_role[key] ?? 0;
  const deadlines = counters.deadlines[key];
  if (!total || (spec.status !== 2 && spec.status !== 4)) return null;
  const overdue = deadlines?.overdue ?? 0;
  const soon = deadlines?.due_soon ?? 0;
  return `Trong hạn ${total - overdue} · quá hạn ${overdue}${soon ? ` · ${soon} sắp đến hạn` : ""}`;
}

function Counter({ value, label, to, alert, detail }: { value: number; label: string; to?: string; alert?: boolean; detail?: string | null }) {
  const className = `counter${alert && value ? " counter-alert" : ""}${to ? "" : " counter-static"}`;
  const body = (
    <>
      <span className="counter-value">{value}</span>
      <span className="counter-label">{label}</span>
      {detail && <span className="counter-detail">{detail}</span>}
    </>
  );
  return <li>{to ? <a className={className} href={to}>{body}</a> : <div className={className}>{body}</div>}</li>;
}

/** "Việc cần làm": the FR-20 counters of every role the officer holds in this unit. */
export function Dashboard() {
  const { unit, roles, roleLabel, unitName, me } = useApp();
  const query = useApiQuery<UnitCounters>(queryKeys.unit(unit, "counters"), `/v1/units/${encodeURIComponent(unit)}/counters`, {
    refetchInterval: REFRESH_MS,
  });
  const counters = query.data ?? null;
  const error = query.error ? errorMessage(query.error) : null;

  const total = counters ? sum(Object.values(counters.by_status)) : 0;
  const roleSections = roles.filter((role) => ROLE_COUNTERS[role]);
  const resolved = counters?.resolved_this_month;

  return (
    <>
      <PageHeading title="Việc cần làm">Việc cần làm</PageHeading>
      <p className="lead">
        Xin chào {me.profile.name}. Đơn vị: {unitName(unit)}.
      </p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {!counters && !error && <Loading what="bộ đếm hồ sơ" />}
      {counters && resolved && (
        <>
          {roleSections.length === 0 && <p>Bạn chưa được phân vai trò xử lý hồ sơ tại đơn vị này.</p>}
          {roleSections.map((role) => (
            <section key={role} aria-labelledby={`counters-${role}`} className="counter-group">
              <h2 id={`counters-${role}`}>{roleLabel(role)}</h2>
              <ul className="counters">
                {(ROLE_COUNTERS[role] ?? []).map((spec) => (
                  <Counter
                    key={`${spec.status}-${spec.stepRole ?? ""}-${spec.label}`}
                    value={counterValue(counters, spec)}
                    label={spec.label}
                    to={href(["danh-sach", spec.status])}
                    detail={deadlineLine(counters, spec)}
                  />
                ))}
                {(EXTRA_COUNTERS[role] ?? []).map((extra) => (
                  <Counter key={extra.label} value={extra.value(counters)} label={extra.label} to={extra.to} alert={extra.alert} />
                ))}
              </ul>
              {SIGNING_ROLES.includes(role) && (
                <p>
                  <a href={href(["danh-sach", 4])}>Ký số nhiều hồ sơ chờ ký</a>
                </p>
              )}
            </section>
          ))}
          {roles.includes("desk") && <DvcqgRequestsSection unit={unit} />}
          {roles.some((r) => CONSULTED_ROLES.includes(r)) && <ConsultationsSection unit={unit} />}
          <section aria-labelledby="counters-unit" className="counter-group">
            <h2 id="counters-unit">Toàn đơn vị</h2>
            <ul className="counters">
              <Counter value={counters.overdue_in_process} label="Đang xử lý đã quá hạn" to={href(["danh-sach", 4])} alert />
              <Counter value={counters.due_soon_in_process} label="Đang xử lý sắp đến hạn" to={href(["danh-sach", 4])} />
              <Counter value={supplemented(counters)} label="Đã bổ sung, chờ xử lý" />
              <Counter value={total} label="Tất cả hồ sơ" to={href(["tim-kiem"])} />
            </ul>
            <h3 id="counters-resolved">Đã giải quyết trong tháng {resolved.month.split("-").reverse().join("/")}</h3>
            <ul className="counters" aria-labelledby="counters-resolved">
              <Counter value={resolved.early + resolved.on_time} label="Đúng hạn (kể cả trước hạn)" />
              <Counter value={resolved.late} label="Quá hạn" alert />
            </ul>
          </section>
        </>
      )}
    </>
  );
}
