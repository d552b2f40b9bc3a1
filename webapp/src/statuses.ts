// The 10 DVCQG statuses (SPEC §3.2) and the per-role counters of FR-20.

import type { Role, UnitCounters } from "./types";

export const STATUS_LABELS: Record<number, string> = {
  1: "Mới đăng ký",
  2: "Được tiếp nhận",
  3: "Không được tiếp nhận",
  4: "Đang xử lý",
  5: "Yêu cầu bổ sung giấy tờ",
  6: "Yêu cầu thực hiện nghĩa vụ tài chính",
  7: "Công dân yêu cầu rút hồ sơ",
  8: "Dừng xử lý",
  9: "Đã xử lý xong",
  10: "Đã trả kết quả",
};

export const STATUSES = Object.keys(STATUS_LABELS).map(Number);

export function statusLabel(status: number | null | undefined): string {
  return status == null ? "" : (STATUS_LABELS[status] ?? `Trạng thái ${status}`);
}

export const CHANNEL_LABELS: Record<string, string> = {
  online: "Trực tuyến",
  desk: "Trực tiếp tại bộ phận một cửa",
  post: "Qua bưu chính",
  authorised: "Người được ủy quyền",
  mobile: "Lưu động / thiết bị di động",
};

export const DELIVERY_LABELS: Record<string, string> = {
  "0": "Tại bộ phận một cửa",
  "1": "Qua bưu chính",
  "2": "Trực tuyến",
};

export const APPLICANT_KINDS: Record<string, string> = {
  "1": "Công dân",
  "2": "Doanh nghiệp",
  "3": "Cơ quan nhà nước",
  "4": "Tổ chức khác",
};

export interface CounterSpec {
  label: string;
  status: number;
  /** Only dossiers whose current step belongs to this role ("<status>#<role>"). */
  stepRole?: Role;
}

/** FR-20: what each role watches. */
export const ROLE_COUNTERS: Partial<Record<Role, CounterSpec[]>> = {
  desk: [
    { label: "Chờ tiếp nhận", status: 1, stepRole: "desk" },
    { label: "Đã tiếp nhận, chờ chuyển xử lý", status: 2, stepRole: "desk" },
    { label: "Chờ bổ sung", status: 5, stepRole: "desk" },
    { label: "Chờ nộp phí, lệ phí", status: 6, stepRole: "desk" },
    { label: "Chờ trả kết quả", status: 9, stepRole: "desk" },
    { label: "Đang xử lý", status: 4 },
    { label: "Không được tiếp nhận", status: 3 },
  ],
  head: [
    { label: "Chờ phân công, xem xét", status: 4, stepRole: "head" },
    { label: "Chờ lãnh đạo phê duyệt", status: 4, stepRole: "leader" },
  ],
  appraiser: [
    { label: "Đang thẩm định", status: 4, stepRole: "appraiser" },
    { label: "Chờ bổ sung", status: 5 },
  ],
  leader: [{ label: "Chờ phê duyệt", status: 4, stepRole: "leader" }],
  clerk: [{ label: "Chờ phát hành kết quả", status: 4, stepRole: "clerk" }],
};

export function counterValue(counters: UnitCounters, spec: CounterSpec): number {
  if (spec.stepRole) return counters.by_status_and_role[`${spec.status}#${spec.stepRole}`] ?? 0;
  return counters.by_status[String(spec.status)] ?? 0;
}

export const PROCESSING_ROLES: Role[] = ["desk", "head", "appraiser", "leader", "clerk"];
