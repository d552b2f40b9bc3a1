// "Báo cáo, thống kê" (FR-23…25, 27): #/bao-cao is the dashboard, #/bao-cao/lap-bao-cao the
// report builder with exports and saved templates.

import { PageHeading } from "../components/Page";
import type { Role } from "../types";
import { Builder } from "./Builder";
import { Dashboard } from "./Dashboard";
import "./reports.css";

/** Heads and leaders see their unit's reports; administrators their provinces' roll-ups. */
export function canSeeReports(roles: Role[]): boolean {
  return roles.some((role) => role === "leader" || role === "head" || role === "admin" || role === "province_admin");
}

export function ReportsScreen({ path, params }: { path: string[]; params: URLSearchParams }) {
  if (path.length === 0) return <Dashboard />;
  if (path[0] === "lap-bao-cao" && path.length === 1) return <Builder params={params} />;
  return (
    <>
      <PageHeading title="Không tìm thấy trang">Không tìm thấy trang</PageHeading>
      <p>
        Trang báo cáo này không tồn tại. <a href="#/bao-cao">Về trang báo cáo, thống kê</a>
      </p>
    </>
  );
}
