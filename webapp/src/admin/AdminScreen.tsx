// Administration (FR-1…4, 7, 9): procedures, processes with their diagram, officers and roles,
// units, the working-day calendar, integration clients. The ministry's administrator sees every
// section; a province's administrator manages the officers and units of their province, proposes its
// locally specific processes and reads
// processes and the calendar.

import { PageHeading } from "../components/Page";
import { useApp } from "../context";
import { provinceName } from "../provinces";
import { href } from "../router";
import type { Role } from "../types";
import { CalendarScreen } from "./Calendar";
import { ClientsScreen } from "./Clients";
import { IntegrityScreen } from "./Integrity";
import { KiosksScreen } from "./Kiosks";
import { MigrationScreen } from "./Migration";
import { OfficersScreen } from "./Officers";
import { PersonalDataAccessScreen } from "./PersonalDataAccess";
import { ProceduresScreen } from "./Procedures";
import { ProcessesScreen } from "./Processes";
import { ResultTemplatesScreen } from "./ResultTemplates";
import { StatusChartScreen } from "./StatusChart";
import { UnitsScreen } from "./Units";
import { VariantsScreen } from "./Variants";

export function canAdminister(roles: Role[]): boolean {
  return roles.includes("admin") || roles.includes("province_admin");
}

interface Section {
  slug: string;
  label: string;
  description: string;
  ministryOnly: boolean;
}

const SECTIONS: Section[] = [
  { slug: "thu-tuc", label: "Thủ tục hành chính", description: "Giấy tờ phải nộp, phí và lệ phí, thời hạn giải quyết, quy trình áp dụng.", ministryOnly: true },
  { slug: "quy-trinh", label: "Quy trình và sơ đồ", description: "Thiết kế quy trình trên sơ đồ, kiểm tra lỗi và ban hành phiên bản mới.", ministryOnly: false },
  { slug: "quy-trinh-dia-phuong", label: "Quy trình riêng của địa phương", description: "Tỉnh đề xuất quy trình riêng cho một thủ tục (bước, thời hạn, trường bổ sung vào biểu mẫu); cấp bộ so sánh với quy trình chuẩn, phê duyệt hoặc từ chối.", ministryOnly: false },
  { slug: "luu-do-trang-thai", label: "Lưu đồ trạng thái", description: "Trạng thái nào được chuyển sang trạng thái nào, trạng thái kết thúc, phải ghi lý do, tạm dừng hay tính thời hạn: soạn và ban hành phiên bản mới.", ministryOnly: false },
  { slug: "mau-ket-qua", label: "Mẫu kết quả", description: "Mẫu văn bản kết quả giải quyết của từng thủ tục: soạn và ban hành phiên bản mới.", ministryOnly: false },
  { slug: "can-bo", label: "Cán bộ và vai trò", description: "Tài khoản cán bộ (đăng nhập VNeID) và vai trò tại từng đơn vị.", ministryOnly: false },
  { slug: "don-vi", label: "Đơn vị", description: "Đơn vị tiếp nhận, xử lý hồ sơ theo mã QCVN 102:2016.", ministryOnly: false },
  { slug: "lich", label: "Lịch làm việc", description: "Ngày nghỉ lễ theo luật, ngày nghỉ bổ sung và ngày làm bù.", ministryOnly: false },
  { slug: "truy-cap-du-lieu", label: "Truy cập dữ liệu cá nhân", description: "Ai đã tra cứu CSDL dân cư, xem kho dữ liệu điện tử của một người (trả lời yêu cầu của chủ thể dữ liệu).", ministryOnly: false },
  { slug: "toan-ven", label: "Toàn vẹn", description: "Kiểm tra một ngày đã neo: chuỗi băm của hồ sơ và nhật ký truy cập dữ liệu cá nhân, dấu thời gian RFC 3161, biên bản để in.", ministryOnly: false },
  { slug: "ki-ot", label: "Ki-ốt tự phục vụ", description: "Đăng ký, thu hồi ki-ốt của đơn vị: tra cứu hồ sơ, in lại giấy tiếp nhận, tờ khai khai trước.", ministryOnly: false },
  { slug: "chuyen-doi-du-lieu", label: "Chuyển đổi dữ liệu", description: "Chuyển hồ sơ từ hệ thống một cửa cấp tỉnh: kiểm tra, chạy thử, nhập, đối soát; chuyển tiếp nhận của đơn vị sang hoso.", ministryOnly: false },
  { slug: "tich-hop", label: "Hệ thống tích hợp", description: "Phần mềm chuyên ngành, cơ quan liên thông: phạm vi thủ tục và khóa truy cập.", ministryOnly: true },
];

export function AdminScreen({ path, params }: { path: string[]; params: URLSearchParams }) {
  const { me } = useApp();
  const allRoles = new Set(me.profile.assignments.map((a) => a.role));
  const ministry = allRoles.has("admin");
  const sections = SECTIONS.filter((s) => ministry || !s.ministryOnly);
  const [section, ...rest] = path;
  const current = sections.find((s) => s.slug === section);

  return (
    <div className="admin">
      <nav aria-label="Các mục quản trị" className="admin-nav">
        <ul style={{ display: "flex", flexWrap: "wrap", gap: "0.25rem 1rem", listStyle: "none", padding: 0, margin: "0 0 0.75rem" }}>
          <li>
            <a href={href(["quan-tri"])} aria-current={!current ? "page" : undefined} style={!current ? { fontWeight: 700 } : undefined}>
              Tổng quan
            </a>
          </li>
          {sections.map((s) => (
            <li key={s.slug}>
              <a href={href(["quan-tri", s.slug])} aria-current={current?.slug === s.slug ? "page" : undefined} style={current?.slug === s.slug ? { fontWeight: 700 } : undefined}>
                {s.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {current ? <SectionScreen slug={current.slug} rest={rest} params={params} ministry={ministry} /> : <Overview sections={sections} ministry={ministry} province={me.profile.province_code} unknown={section} />}
    </div>
  );
}

function SectionScreen({ slug, rest, params, ministry }: { slug: string; rest: string[]; params: URLSearchParams; ministry: boolean }) {
  switch (slug) {
    case "thu-tuc":
      return <ProceduresScreen rest={rest} />;
    case "quy-trinh":
      return <ProcessesScreen rest={rest} params={params} ministry={ministry} />;
    case "quy-trinh-dia-phuong":
      return <VariantsScreen rest={rest} ministry={ministry} />;
    case "luu-do-trang-thai":
      return <StatusChartScreen ministry={ministry} />;
    case "mau-ket-qua":
      return <ResultTemplatesScreen ministry={ministry} />;
    case "can-bo":
      return <OfficersScreen rest={rest} params={params} ministry={ministry} />;
    case "don-vi":
      return <UnitsScreen rest={rest} ministry={ministry} />;
    case "lich":
      return <CalendarScreen params={params} ministry={ministry} />;
    case "truy-cap-du-lieu":
      return <PersonalDataAccessScreen />;
    case "toan-ven":
      return <IntegrityScreen />;
    case "ki-ot":
      return <KiosksScreen ministry={ministry} />;
    case "chuyen-doi-du-lieu":
      return <MigrationScreen ministry={ministry} />;
    default:
      return <ClientsScreen />;
  }
}

function Overview({ sections, ministry, province, unknown }: { sections: Section[]; ministry: boolean; province: string; unknown?: string }) {
  return (
    <>
      <PageHeading title="Quản trị">Quản trị hệ thống</PageHeading>
      {unknown ? (
        <p className="alert alert-info" role="status">
          Không có mục quản trị “{unknown}”. Vui lòng chọn một mục dưới đây.
        </p>
      ) : null}
      <p className="lead">
        {ministry
          ? "Bạn là quản trị cấp bộ: quản lý danh mục, quy trình và tài khoản trên toàn hệ thống."
          : `Bạn là quản trị cấp tỉnh (${provinceName(province)}): quản lý cán bộ và đơn vị của tỉnh mình, đề xuất quy trình riêng của tỉnh để cấp bộ phê duyệt.`}
      </p>
      <ul className="procedure-list">
        {sections.map((s) => (
          <li key={s.slug}>
            <a href={href(["quan-tri", s.slug])}>{s.label}</a>
            <p className="muted" style={{ margin: "0.1rem 0 0.5rem" }}>
              {s.description}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
