import { useCallback, useEffect, useState } from "react";

import "../finding/finding.css";

import { api, errorMessage } from "../api";
import { useApp } from "../context";
import { formatDate, formatDateTime } from "../format";
import { holderLabel } from "../holder";
import { href } from "../router";
import { incidentOf, useIncidents } from "../specialised";
import { statusLabel } from "../statuses";
import type { Dossier, DossierPage } from "../types";
import { ErrorMessage, Loading } from "./Page";

export function isOverdue(dossier: Dossier, now: number = Date.now()): boolean {
  return Boolean(dossier.due_at && !dossier.finished_at && Date.parse(dossier.due_at) < now);
}

export function Deadline({ dossier }: { dossier: Dossier }) {
  if (!dossier.due_at) return <span>Chưa có</span>;
  if (isOverdue(dossier)) {
    return (
      <span className="overdue">
        {formatDateTime(dossier.due_at)} <strong>(quá hạn)</strong>
      </span>
    );
  }
  return <span>{formatDateTime(dossier.due_at)}</span>;
}

/** A step of a liên thông chain another ministry heads (SPEC §7.7): said in the list, with who heads it. */
function LienThongBadge({ dossier }: { dossier: Dossier }) {
  const origin = dossier.lien_thong_origin;
  if (!origin) return null;
  return <span className="badge">Liên thông từ {origin.head_agency}</span>;
}

const NARROW = "(max-width: 600px)";

/** Whether the screen is phone-width (below ~600 px): lists show cards, not a sideways-scrolling table. */
export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW).matches);
  useEffect(() => {
    const media = window.matchMedia(NARROW);
    const change = () => setNarrow(media.matches);
    media.addEventListener("change", change);
    return () => media.removeEventListener("change", change);
  }, []);
  return narrow;
}

/** One dossier as a card (phone width): the code as its heading, the table's columns as a list. */
/** A dossier waiting for a specialised software that is down (docs/specialised-outage.md). */
function OutageMark() {
  return <span className="badge badge-outage">Chờ phần mềm chuyên ngành</span>;
}

function DossierCard({ dossier, yourTurn, waiting }: { dossier: Dossier; yourTurn: boolean; waiting: boolean }) {
  return (
    <li className={`dossier-card${isOverdue(dossier) ? " row-overdue" : ""}`}>
      <h3>
        <a href={href(["ho-so", dossier.code])}>{dossier.code}</a>
        {yourTurn && <span className="badge badge-turn">Đến lượt bạn</span>}
        {waiting && <OutageMark />}
        <LienThongBadge dossier={dossier} />
      </h3>
      <dl>
        <dt>Thủ tục</dt>
        <dd>{dossier.procedure_name}</dd>
        <dt>Chủ hồ sơ</dt>
        <dd>{dossier.applicant.name}</dd>
        <dt>Tiếp nhận</dt>
        <dd>{formatDate(dossier.received_at ?? dossier.submitted_at)}</dd>
        <dt>Hạn trả</dt>
        <dd>
          <Deadline dossier={dossier} />
        </dd>
        <dt>Trạng thái</dt>
        <dd>{statusLabel(dossier.status)}</dd>
        {dossier.assignee_name && (
          <>
            <dt>Người xử lý</dt>
            <dd>{dossier.assignee_name}</dd>
          </>
        )}
      </dl>
    </li>
  );
}

/** A search whose criteria travel in a POST body: a personal number never rides in a URL. */
export interface PostedSearch {
  so_giay_to: string;
  criteria: Record<string, string>;
}

/**
 * A list of dossiers from one of the API's paginated lists (``{items, cursor}``): the first
 * page on load, "Xem thêm" for the next one. ``path`` is the API path with its query; with
 * ``posted`` the list is POSTed there instead, the cursor among its criteria.
 */
export function DossierList({ path, caption, emptyText, posted }: { path: string; caption: string; emptyText: string; posted?: PostedSearch }) {
  const { roles, roleLabel } = useApp();
  const narrow = useNarrow();
  const yourTurn = (dossier: Dossier) => (roles as string[]).includes(dossier.step_role) && dossier.status !== 10;
  const incidents = useIncidents();
  const waiting = (dossier: Dossier) => incidentOf(incidents, dossier.code) !== undefined;
  const postedJson = posted ? JSON.stringify(posted) : null; // compared by value, not by identity
  const [items, setItems] = useState<Dossier[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (after: string | null, signal?: AbortSignal) => {
      setLoading(true);
      setError(null);
      try {
        const join = path.includes("?") ? "&" : "?";
        const search = postedJson ? (JSON.parse(postedJson) as PostedSearch) : null;
        const page = search
          ? await api<DossierPage>(path, {
              method: "POST",
              body: { ...search, criteria: after ? { ...search.criteria, cursor: after } : search.criteria },
              signal,
            })
          : await api<DossierPage>(after ? `${path}${join}cursor=${encodeURIComponent(after)}` : path, { signal });
        setItems((previous) => (after ? [...previous, ...page.items] : page.items));
        setCursor(page.cursor);
      } catch (caught) {
        if (caught instanceof DOMException && caught.name === "AbortError") return;
        setError(errorMessage(caught));
      } finally {
        if (!signal?.aborted) setLoading(false);
      }
    },
    [path, postedJson],
  );

  useEffect(() => {
    const controller = new AbortController();
    setItems([]);
    setCursor(null);
    void load(null, controller.signal);
    return () => controller.abort();
  }, [load]);

  return (
    <div className="dossier-list">
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {items.length > 0 && narrow && (
        <ul className="dossier-cards" aria-label={caption}>
          {items.map((dossier) => (
            <DossierCard key={dossier.code} dossier={dossier} yourTurn={yourTurn(dossier)} waiting={waiting(dossier)} />
          ))}
        </ul>
      )}
      {items.length > 0 && !narrow && (
        <div className="table-scroll" role="region" aria-label={caption} tabIndex={0}>
          <table>
            <caption>{caption}</caption>
            <thead>
              <tr>
                <th scope="col">Mã hồ sơ</th>
                <th scope="col">Thủ tục</th>
                <th scope="col">Chủ hồ sơ</th>
                <th scope="col">Ngày tiếp nhận</th>
                <th scope="col">Hạn trả kết quả</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Người xử lý</th>
              </tr>
            </thead>
            <tbody>
              {items.map((dossier) => (
                <tr key={dossier.code} className={isOverdue(dossier) ? "row-overdue" : undefined}>
                  <th scope="row">
                    <a href={href(["ho-so", dossier.code])}>{dossier.code}</a>
                    {yourTurn(dossier) && <span className="badge badge-turn">Đến lượt bạn</span>}
                    {waiting(dossier) && <OutageMark />}
                    <LienThongBadge dossier={dossier} />
                  </th>
                  <td>{dossier.procedure_name}</td>
                  <td>{dossier.applicant.name}</td>
                  <td>{formatDate(dossier.received_at ?? dossier.submitted_at)}</td>
                  <td>
                    <Deadline dossier={dossier} />
                  </td>
                  <td>{statusLabel(dossier.status)}</td>
                  <td>{holderLabel(dossier, roleLabel)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loading && <Loading what="danh sách hồ sơ" />}
      {!loading && !error && items.length === 0 && !cursor && <p className="empty">{emptyText}</p>}
      {!loading && !error && items.length === 0 && cursor && (
        <p className="empty">Chưa thấy hồ sơ phù hợp trong phần hồ sơ đã xét; bấm “Tìm tiếp” để xét tiếp.</p>
      )}
      {!loading && cursor && (
        <p>
          <button type="button" className="button-secondary" onClick={() => void load(cursor)}>
            {items.length === 0 ? "Tìm tiếp" : "Xem thêm hồ sơ"}
          </button>
        </p>
      )}
      {!loading && items.length > 0 && (
        <p className="count" role="status">
          Đang hiển thị {items.length} hồ sơ{cursor ? " (còn nữa)" : ""}.
        </p>
      )}
    </div>
  );
}
