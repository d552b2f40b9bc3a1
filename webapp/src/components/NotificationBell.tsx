import "./notifications.css";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState } from "react";

import { api, errorMessage } from "../api";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import { queryKeys, type Schema, useApiQuery } from "../query";
import { href } from "../router";
import { ErrorMessage } from "./Page";
import { NotificationSettings } from "./NotificationSettings";

type Notification = Schema<"Notification">;
type NotificationPage = Schema<"NotificationPage">;

const POLL_MS = 60_000;
const LATEST = 10;
const COUNT_CAP = 100;

/** "3", or "99+" when the server stopped counting. */
export function countText(unread: number): string {
  return unread >= COUNT_CAP ? "99+" : String(unread);
}

export function unreadSentence(unread: number): string {
  if (unread === 0) return "Không có thông báo chưa đọc";
  return `${unread >= COUNT_CAP ? "Hơn 99" : unread} thông báo chưa đọc`;
}

/**
 * The header's bell (FR-20): the officer's unread count, refreshed every minute and announced
 * to screen readers when it changes; a panel with the latest reminders, each linking to its
 * dossier (opening one marks it read), "mark read" one by one or all, older ones page by page,
 * and where e-mail and SMS reminders go. Esc or a click outside closes the panel; the focus goes
 * back to the bell.
 */
export function NotificationBell() {
  const { me } = useApp();
  const myUnits = new Set(me.profile.assignments.map((a) => a.unit_code));
  // A reminder of a consultation sent to one of my units opens the unit's "Xin ý kiến" list on the
  // dashboard: the dossier itself is not the consulted unit's to open.
  const consulted = (n: Notification) => n.kind.startsWith("consultation_") && myUnits.has(n.unit_code);
  const [open, setOpen] = useState(false);
  const [settings, setSettings] = useState(false);
  const [older, setOlder] = useState<Notification[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [announcement, setAnnouncement] = useState("");
  const [error, setError] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const lastCount = useRef<number | null>(null);
  const settingsRef = useRef(false);
  settingsRef.current = settings;
  const panelId = useId();
  const client = useQueryClient();
  const key = queryKeys.me("notifications");
  const latest = useApiQuery<NotificationPage>(key, `/v1/me/notifications?limit=${LATEST}`, { refetchInterval: POLL_MS });
  const unread = latest.data?.unread ?? 0;

  useEffect(() => {
    if (!latest.data) return;
    if (lastCount.current !== null && lastCount.current !== latest.data.unread) setAnnouncement(unreadSentence(latest.data.unread));
    lastCount.current = latest.data.unread;
  }, [latest.data]);

  useEffect(() => {
    if (!open) return undefined;
    headingRef.current?.focus();
    const outside = (event: MouseEvent) => {
      // the settings dialog lives inside the bell too: using it keeps the panel open
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    // Esc closes the panel wherever the focus is (a "mark read" button that just went away
    // leaves it on the page); the settings dialog handles its own Esc first.
    const escape = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "Escape" || settingsRef.current) return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener("mousedown", outside);
    document.addEventListener("keydown", escape);
    return () => {
      document.removeEventListener("mousedown", outside);
      document.removeEventListener("keydown", escape);
    };
  }, [open]);

  const refresh = () => client.invalidateQueries({ queryKey: key });
  const markOne = useMutation({
    mutationFn: (id: string) => api<Notification>(`/v1/me/notifications/${encodeURIComponent(id)}/read`, { method: "POST" }),
    onSuccess: (read) => {
      setOlder((items) => items.map((n) => (n.id === read.id ? read : n)));
      setError(null);
      return refresh();
    },
    onError: (caught) => setError(errorMessage(caught)),
  });
  const markAll = useMutation({
    mutationFn: () => api<Schema<"ReadAllOut">>("/v1/me/notifications/read-all", { method: "POST" }),
    onSuccess: () => {
      const now = new Date().toISOString();
      setOlder((items) => items.map((n) => (n.read_at ? n : { ...n, read_at: now })));
      setError(null);
      return refresh();
    },
    onError: (caught) => setError(errorMessage(caught)),
  });

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  const loadOlder = () => {
    const from = cursor === undefined ? latest.data?.cursor : cursor;
    if (!from) return;
    api<NotificationPage>(`/v1/me/notifications?limit=${LATEST}&cursor=${encodeURIComponent(from)}`)
      .then((page) => {
        setOlder((items) => [...items, ...page.items]);
        setCursor(page.cursor ?? null);
      })
      .catch((caught: unknown) => setError(errorMessage(caught)));
  };
  const toggle = () => {
    if (open) {
      setOpen(false);
      return;
    }
    setOlder([]);
    setCursor(undefined);
    setError(null);
    setOpen(true);
    void refresh();
  };

  const items = [...(latest.data?.items ?? []), ...older];
  const more = cursor === undefined ? latest.data?.cursor : cursor;

  return (
    <div className="bell" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="button-secondary bell-button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={toggle}
      >
        <svg className="bell-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
          />
        </svg>{" "}
        Thông báo{" "}
        {unread > 0 ? (
          <span className="bell-count">
            {countText(unread)}
            <span className="visually-hidden"> chưa đọc</span>
          </span>
        ) : (
          <span className="visually-hidden">(không có thông báo chưa đọc)</span>
        )}
      </button>
      {/* a live region without the status role: pages keep one status message of their own */}
      <span className="visually-hidden bell-announcement" aria-live="polite">
        {announcement}
      </span>
      <div
        id={panelId}
        className="bell-panel"
        hidden={!open}
        role="region"
        aria-labelledby={`${panelId}-title`}
      >
        <div className="bell-panel-head">
          <h2 id={`${panelId}-title`} ref={headingRef} tabIndex={-1} className="focus-target">
            Thông báo nhắc việc
          </h2>
          <p className="muted">{unreadSentence(unread)}.</p>
        </div>
        {error && <ErrorMessage>{error}</ErrorMessage>}
        {latest.error && <ErrorMessage>{errorMessage(latest.error)}</ErrorMessage>}
        {latest.isPending && <p className="loading">Đang tải thông báo…</p>}
        {latest.data && items.length === 0 && <p className="empty">Chưa có thông báo nào.</p>}
        {items.length > 0 && (
          <ul className="bell-list">
            {items.map((n) => (
              <li key={n.id} className={n.read_at ? "bell-item" : "bell-item bell-unread"}>
                <p className="bell-title">
                  {!n.read_at && <span className="badge badge-turn">Mới</span>} <strong>{n.title}</strong>
                </p>
                <p>{n.message}</p>
                <p className="bell-meta">
                  <span className="muted">{formatDateTime(n.created_at)}</span>{" "}
                  <a
                    id={`${panelId}-open-${n.id}`}
                    href={consulted(n) ? href([]) : href(["ho-so", n.dossier_code])}
                    onClick={() => {
                      if (!n.read_at) markOne.mutate(n.id);
                      setOpen(false);
                    }}
                  >
                    {consulted(n) ? "Mở danh sách xin ý kiến" : `Mở hồ sơ ${n.dossier_code}`}
                  </a>
                  {!n.read_at && (
                    <button
                      type="button"
                      className="button-link"
                      disabled={markOne.isPending}
                      onClick={() =>
                        // the button goes once read: the focus moves to the reminder's link
                        markOne.mutate(n.id, { onSuccess: () => document.getElementById(`${panelId}-open-${n.id}`)?.focus() })
                      }
                      aria-label={`Đánh dấu đã đọc: ${n.title}, hồ sơ ${n.dossier_code}`}
                    >
                      Đánh dấu đã đọc
                    </button>
                  )}
                </p>
              </li>
            ))}
          </ul>
        )}
        <p className="bell-actions">
          {more && (
            <button type="button" className="button-secondary" onClick={loadOlder}>
              Xem thông báo cũ hơn
            </button>
          )}
          {unread > 0 && (
            <button type="button" disabled={markAll.isPending} onClick={() => markAll.mutate()}>
              Đánh dấu tất cả đã đọc
            </button>
          )}
          <button type="button" className="button-secondary" onClick={() => setSettings(true)}>
            Cài đặt nhận thông báo
          </button>
          <button type="button" className="button-secondary" onClick={close}>
            Đóng
          </button>
        </p>
      </div>
      {settings && <NotificationSettings onClose={() => setSettings(false)} />}
    </div>
  );
}
