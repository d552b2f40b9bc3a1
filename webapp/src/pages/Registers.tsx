import "./print.css";

import { type FormEvent, useState } from "react";

import { errorMessage } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import type { Role } from "../types";
import { printToFile } from "./PrintPanel";

/** Who keeps the unit's registers: the one-stop desk, the heads of department and the clerks. */
export function canPrintRegisters(roles: Role[]): boolean {
  return roles.some((r) => r === "desk" || r === "head" || r === "clerk");
}

type Kind = "month" | "quarter";

/** The first and last day (YYYY-MM-DD) of a month (1–12) or a quarter (1–4) of ``year``. */
export function periodDays(year: number, kind: Kind, index: number): { from: string; to: string } {
  const firstMonth = kind === "month" ? index : (index - 1) * 3 + 1;
  const lastMonth = kind === "month" ? index : firstMonth + 2;
  const lastDay = new Date(Date.UTC(year, lastMonth, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, "0");
  return { from: `${year}-${pad(firstMonth)}-01`, to: `${year}-${pad(lastMonth)}-${pad(lastDay)}` };
}

interface Register {
  form: string;
  title: string;
  what: string;
  quarters: boolean;
}

const REGISTERS: Register[] = [
  {
    form: "so-theo-doi",
    title: "Sổ theo dõi hồ sơ",
    what: "Mẫu số 06: các hồ sơ đơn vị tiếp nhận trong tháng, thời điểm chuyển, nhận kết quả và trả kết quả (in khổ ngang).",
    quarters: false,
  },
  {
    form: "danh-gia-dinh-ky",
    title: "Phiếu đánh giá định kỳ việc giải quyết thủ tục hành chính",
    what: "Số hồ sơ tiếp nhận, giải quyết trước hạn, đúng hạn, quá hạn, đang giải quyết, từ chối — theo từng thủ tục.",
    quarters: true,
  },
];

function RegisterCard({ register, unit }: { register: Register; unit: string }) {
  const { announce } = useApp();
  const today = new Date();
  const [year, setYear] = useState(today.getFullYear());
  const [kind, setKind] = useState<Kind>("month");
  const [index, setIndex] = useState(today.getMonth() + 1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [printed, setPrinted] = useState<{ name: string; url: string } | null>(null);
  const id = `so-${register.form}`;
  const years = [0, 1, 2, 3, 4].map((back) => today.getFullYear() - back);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const { from, to } = periodDays(year, kind, index);
    setBusy(true);
    setError(null);
    printToFile(`/v1/units/${encodeURIComponent(unit)}/forms/${register.form}?from=${from}&to=${to}`)
      .then((link) => {
        setPrinted({ name: link.name, url: link.url });
        announce(`Đã tạo “${register.title}” (tệp PDF).`);
      })
      .catch((caught: unknown) => setError(errorMessage(caught)))
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>{register.title}</h2>
      <p className="hint">{register.what}</p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      <form className="register-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-year`}>Năm</label>
          <select id={`${id}-year`} value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {years.map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </div>
        {register.quarters && (
          <div className="field">
            <label htmlFor={`${id}-kind`}>Kỳ</label>
            <select
              id={`${id}-kind`}
              value={kind}
              onChange={(e) => {
                const next = e.target.value as Kind;
                setKind(next);
                setIndex(next === "month" ? today.getMonth() + 1 : Math.floor(today.getMonth() / 3) + 1);
              }}
            >
              <option value="month">Tháng</option>
              <option value="quarter">Quý</option>
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-index`}>{kind === "month" ? "Tháng" : "Quý"}</label>
          <select id={`${id}-index`} value={index} onChange={(e) => setIndex(Number(e.target.value))}>
            {(kind === "month" ? [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] : [1, 2, 3, 4]).map((n) => (
              <option key={n} value={n}>
                {kind === "month" ? `Tháng ${n}` : `Quý ${["I", "II", "III", "IV"][n - 1]}`}
              </option>
            ))}
          </select>
        </div>
        <p className="actions">
          <button type="submit" disabled={busy}>
            In {register.title.charAt(0).toLowerCase() + register.title.slice(1)}
          </button>
        </p>
      </form>
      {busy && <Loading what="tệp PDF" />}
      {!busy && printed && (
        <p className="print-outcome">
          Đã tạo “{printed.name}”. Nếu tệp chưa tự tải xuống: <a href={printed.url}>tải tệp PDF</a> (liên kết có hiệu lực 5 phút).
        </p>
      )}
    </section>
  );
}

/** FR-19: the unit's registers over a period, printed as the legal PDF forms. */
export function Registers() {
  const { unit, unitName } = useApp();
  return (
    <>
      <PageHeading title="Sổ, phiếu của đơn vị">Sổ, phiếu của đơn vị</PageHeading>
      <p className="lead">{unitName(unit)}</p>
      {REGISTERS.map((register) => (
        <RegisterCard key={`${unit}-${register.form}`} register={register} unit={unit} />
      ))}
    </>
  );
}
