import { QueryClientProvider } from "@tanstack/react-query";
import { type MouseEvent, useCallback, useEffect, useMemo, useRef, useState } from "react";

import { AdminScreen, canAdminister } from "./admin/AdminScreen";
import { api, configureApi, errorMessage } from "./api";
import { beginLogin, completeLogin, currentSession, forgetSession, LoginError, logout, type Session } from "./auth";
import { IncidentBanner } from "./components/IncidentBanner";
import { NotificationBell } from "./components/NotificationBell";
import { ErrorMessage, Loading, PageHeading } from "./components/Page";
import { type AppConfig, loadConfig } from "./config";
import { AppContext, type AppState } from "./context";
import { deskLinkOf } from "./deskLink";
import { Dashboard } from "./pages/Dashboard";
import { ConsultationScreen } from "./pages/Consultations";
import { AssistantScreen } from "./pages/Assistant";
import { DeskLinkIntake } from "./pages/DeskLinkIntake";
import { DossierPage } from "./pages/DossierPage";
import { IntakeForm, ProcedurePicker } from "./pages/Intake";
import { canOperate, Operations } from "./pages/Operations";
import { canPrintRegisters, Registers } from "./pages/Registers";
import { Search } from "./pages/Search";
import { Assigned, Worklist } from "./pages/Worklist";
import { createQueryClient } from "./query";
import { canSeeReports, ReportsScreen } from "./reports/ReportsScreen";
import { href, type Route, useRoute } from "./router";
import { PROCESSING_ROLES } from "./statuses";
import type { Me, Role, Unit } from "./types";

const UNIT_KEY = "hoso.unit";
const OTHER_ACTORS: Record<string, string> = { system: "Hệ thống", dvcqg: "Cổng Dịch vụ công quốc gia" };

type Phase =
  | { kind: "starting" }
  | { kind: "broken"; message: string }
  | { kind: "login"; config: AppConfig; message: string | null }
  | { kind: "ready"; config: AppConfig; session: Session };

let loginReturn: Promise<Awaited<ReturnType<typeof completeLogin>>> | null = null;

/** Configuration, then the login return (if any), then either the login page or the app. */
export function Root() {
  const [phase, setPhase] = useState<Phase>({ kind: "starting" });
  const expiredRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    let config: AppConfig | null = null;
    loadConfig()
      .then(async (loaded) => {
        config = loaded;
        configureApi({
          base: loaded.api_base,
          token: () => currentSession()?.accessToken ?? null,
          onUnauthorized: () => expiredRef.current(),
        });
        loginReturn ??= completeLogin(loaded);
        const returned = await loginReturn;
        const session = returned?.session ?? currentSession();
        setPhase(session ? { kind: "ready", config: loaded, session } : { kind: "login", config: loaded, message: null });
      })
      .catch((error: unknown) => {
        if (config && error instanceof LoginError) setPhase({ kind: "login", config, message: error.message });
        else setPhase({ kind: "broken", message: errorMessage(error) });
      });
  }, []);

  const expired = useCallback(() => {
    forgetSession();
    setPhase((current) =>
      current.kind === "ready"
        ? { kind: "login", config: current.config, message: "Phiên đăng nhập đã hết hạn hoặc không còn hiệu lực. Vui lòng đăng nhập lại." }
        : current,
    );
  }, []);
  expiredRef.current = expired;

  if (phase.kind === "starting") {
    return (
      <main id="noi-dung" className="centered">
        <Loading what="ứng dụng" />
      </main>
    );
  }
  if (phase.kind === "broken") {
    return (
      <main id="noi-dung" className="centered">
        <PageHeading title="Không khởi động được ứng dụng">Không khởi động được ứng dụng</PageHeading>
        <ErrorMessage>{phase.message}</ErrorMessage>
      </main>
    );
  }
  if (phase.kind === "login") return <LoginPage config={phase.config} message={phase.message} />;
  return <SessionData key={phase.session.sub} config={phase.config} session={phase.session} />;
}

/** One cache of server answers per login: the next officer on this computer never sees the last one's. */
function SessionData({ config, session }: { config: AppConfig; session: Session }) {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      <Officer config={config} session={session} />
    </QueryClientProvider>
  );
}

function LoginPage({ config, message }: { config: AppConfig; message: string | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(message);
  const start = () => {
    setBusy(true);
    setError(null);
    beginLogin(config, window.location.hash).catch((caught: unknown) => {
      setBusy(false);
      setError(errorMessage(caught));
    });
  };
  return (
    <div className="login-page">
      <header className="site-header">
        <p className="brand">
          <span className="brand-name">hoso</span> Hệ thống thông tin giải quyết thủ tục hành chính
        </p>
      </header>
      <main id="noi-dung" className="login-main">
        <PageHeading title="Đăng nhập">Đăng nhập dành cho cán bộ</PageHeading>
        <p>Cán bộ đăng nhập bằng tài khoản định danh điện tử VNeID. Quyền xử lý hồ sơ do đơn vị phân công trong hệ thống.</p>
        {error && <ErrorMessage>{error}</ErrorMessage>}
        <p>
          <button type="button" className="button-large" onClick={start} aria-disabled={busy || undefined}>
            {busy ? "Đang chuyển đến VNeID…" : "Đăng nhập bằng VNeID"}
          </button>
        </p>
      </main>
    </div>
  );
}

function Officer({ config, session }: { config: AppConfig; session: Session }) {
  const [me, setMe] = useState<Me | null>(null);
  const [units, setUnits] = useState<Unit[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [unit, setUnitState] = useState<string>("");
  const [flash, setFlash] = useState<{ text: string; hash: string } | null>(null);
  const route = useRoute();
  const mainRef = useRef<HTMLElement>(null);

  useEffect(() => {
    Promise.all([api<Me>("/v1/me"), api<{ items: Unit[] }>("/v1/units")])
      .then(([profile, unitList]) => {
        setMe(profile);
        setUnits(unitList.items);
        const mine = [...new Set(profile.profile.assignments.map((a) => a.unit_code))];
        const saved = sessionStorage.getItem(UNIT_KEY);
        const processing = mine.find((code) =>
          profile.profile.assignments.some((a) => a.unit_code === code && PROCESSING_ROLES.includes(a.role)),
        );
        setUnitState(saved && mine.includes(saved) ? saved : (processing ?? mine[0] ?? ""));
      })
      .catch((caught: unknown) => setError(errorMessage(caught)));
  }, []);

  useEffect(() => {
    setFlash((current) => (current && current.hash !== window.location.hash ? null : current));
  }, [route]);

  const announce = useCallback((text: string, forHash?: string) => {
    setFlash({ text, hash: forHash ?? window.location.hash });
  }, []);

  const state: AppState | null = useMemo(() => {
    if (!me) return null;
    const roles = [...new Set(me.profile.assignments.filter((a) => a.unit_code === unit).map((a) => a.role))] as Role[];
    return {
      config,
      session,
      me,
      units,
      unit,
      roles,
      setUnit: (code: string, home = true) => {
        sessionStorage.setItem(UNIT_KEY, code);
        setUnitState(code);
        if (home) window.location.hash = "#/";
      },
      announce,
      unitName: (code: string) => units.find((u) => u.code === code)?.name ?? code,
      roleLabel: (role: string) => me.role_labels[role] ?? OTHER_ACTORS[role] ?? role,
    };
  }, [announce, config, me, session, unit, units]);

  if (error || !state) {
    return (
      <main id="noi-dung" className="centered">
        {error ? (
          <>
            <PageHeading title="Không tải được thông tin cán bộ">Không tải được thông tin cán bộ</PageHeading>
            <ErrorMessage>{error}</ErrorMessage>
            <p>
              <button type="button" onClick={() => void logout(config)}>
                Đăng xuất
              </button>
            </p>
          </>
        ) : (
          <Loading what="thông tin cán bộ" />
        )}
      </main>
    );
  }

  const skip = (event: MouseEvent) => {
    event.preventDefault();
    mainRef.current?.focus();
  };
  const myUnits = [...new Set(state.me.profile.assignments.map((a) => a.unit_code))];
  const isDesk = state.roles.includes("desk");
  const processing = state.roles.some((r) => PROCESSING_ROLES.includes(r));
  const reports = canSeeReports(state.roles);
  const admin = canAdminister(state.roles);
  const ops = canOperate(state.roles);
  const section = route.path[0] ?? "";
  const nav: { to: string; label: string; active: boolean; show: boolean }[] = [
    { to: href([]), label: "Việc cần làm", active: section === "" || section === "danh-sach", show: processing },
    { to: href(["cua-toi"]), label: "Hồ sơ được giao", active: section === "cua-toi", show: processing },
    { to: href(["tim-kiem"]), label: "Tìm kiếm", active: section === "tim-kiem", show: processing },
    { to: href(["tiep-nhan"]), label: "Tiếp nhận hồ sơ", active: section === "tiep-nhan", show: isDesk },
    { to: href(["tro-ly"]), label: "Trợ lý ảo", active: section === "tro-ly", show: processing },
    { to: href(["so-bieu-mau"]), label: "Sổ, phiếu của đơn vị", active: section === "so-bieu-mau", show: canPrintRegisters(state.roles) },
    { to: href(["bao-cao"]), label: "Báo cáo, thống kê", active: section === "bao-cao", show: reports },
    { to: href(["quan-tri"]), label: "Quản trị", active: section === "quan-tri", show: admin },
    {
      to: href(["van-hanh"]),
      label: "Vận hành",
      active: section === "van-hanh" || (section === "" && !processing && !admin && !reports),
      show: ops,
    },
  ];

  return (
    <AppContext.Provider value={state}>
      <a className="skip-link" href="#noi-dung" onClick={skip}>
        Bỏ qua đến nội dung chính
      </a>
      <header className="site-header">
        <p className="brand">
          <a href={href([])} className="brand-name">
            hoso
          </a>{" "}
          <span className="brand-text">Giải quyết thủ tục hành chính</span>
        </p>
        <div className="user-box">
          <p className="user-name">
            {state.me.profile.name}
            <span className="muted"> — {state.roles.map(state.roleLabel).join(", ") || "chưa có vai trò"}</span>
          </p>
          {myUnits.length > 1 ? (
            <p>
              <label htmlFor="unit-switch">Đơn vị làm việc</label>{" "}
              <select id="unit-switch" value={unit} onChange={(event) => state.setUnit(event.target.value)}>
                {myUnits.map((code) => (
                  <option key={code} value={code}>
                    {state.unitName(code)}
                  </option>
                ))}
              </select>
            </p>
          ) : (
            <p className="muted">{state.unitName(unit)}</p>
          )}
          <NotificationBell />
          <p>
            <button type="button" className="button-secondary" onClick={() => void logout(config)}>
              Đăng xuất
            </button>
          </p>
        </div>
      </header>
      <nav aria-label="Chức năng chính" className="main-nav">
        <ul>
          {nav
            .filter((item) => item.show)
            .map((item) => (
              <li key={item.to}>
                <a href={item.to} aria-current={item.active ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
        </ul>
      </nav>
      <main id="noi-dung" ref={mainRef} tabIndex={-1}>
        <div role="status" className={flash ? "flash" : "flash flash-empty"}>
          {flash?.text}
        </div>
        {processing && <IncidentBanner />}
        <Screen route={route} processing={processing} isDesk={isDesk} reports={reports} admin={admin} ops={ops} />
      </main>
      <footer className="site-footer">
        <p>hoso — Hệ thống thông tin giải quyết thủ tục hành chính cấp bộ. Giờ Việt Nam (GMT+7).</p>
      </footer>
    </AppContext.Provider>
  );
}

interface ScreenProps {
  route: Route;
  processing: boolean;
  isDesk: boolean;
  reports: boolean;
  admin: boolean;
  ops: boolean;
}

function Screen({ route, processing, isDesk, reports, admin, ops }: ScreenProps) {
  const [first, second, third] = route.path;
  // The coordinator's deep link (SPEC §7.7) names its unit: it is checked before the current unit's roles.
  const deskLink = deskLinkOf(route);
  if (deskLink) return <DeskLinkIntake link={deskLink} />;
  if (first === "van-hanh" && ops) return <Operations />;
  if (first === "quan-tri" && admin) return <AdminScreen path={route.path.slice(1)} params={route.params} />;
  if (first === "bao-cao" && reports) return <ReportsScreen path={route.path.slice(1)} params={route.params} />;
  if (!processing && !first && admin) return <AdminScreen path={[]} params={route.params} />;
  if (!processing && !first && reports) return <ReportsScreen path={[]} params={route.params} />;
  if (!processing && !first && ops) return <Operations />;
  if (!processing) {
    return (
      <>
        <PageHeading title="Chưa có vai trò xử lý">Chưa có vai trò xử lý hồ sơ</PageHeading>
        <p>Tài khoản của bạn chưa được phân vai trò xử lý hồ sơ tại đơn vị này. Vui lòng liên hệ quản trị hệ thống của đơn vị.</p>
      </>
    );
  }
  if (!first) return <Dashboard />;
  if (first === "danh-sach" && second && /^\d+$/.test(second)) return <Worklist status={Number(second)} />;
  if (first === "cua-toi" && !second) return <Assigned />;
  if (first === "tim-kiem" && !second) return <Search params={route.params} />;
  if (first === "ho-so" && second && !third) return <DossierPage code={second} />;
  if (first === "xin-y-kien" && second && third) return <ConsultationScreen code={second} id={third} />;
  if (first === "tiep-nhan" && isDesk) return second ? <IntakeForm procedureCode={second} /> : <ProcedurePicker />;
  if (first === "so-bieu-mau" && !second) return <Registers />;
  if (first === "tro-ly") return <AssistantScreen path={route.path.slice(1)} params={route.params} />;
  return (
    <>
      <PageHeading title="Không tìm thấy trang">Không tìm thấy trang</PageHeading>
      <p>
        Địa chỉ này không có trong ứng dụng. <a href={href([])}>Về trang Việc cần làm</a>.
      </p>
    </>
  );
}
