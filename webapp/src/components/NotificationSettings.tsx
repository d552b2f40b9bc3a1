import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useRef, useState } from "react";

import { api, ApiError, errorMessage } from "../api";
import { useApp } from "../context";
import { queryKeys, type Schema, useApiQuery } from "../query";
import { Dialog } from "./Dialog";

type Preferences = Schema<"Preferences">;
type FieldName = "email" | "phone";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MOBILE = /^(\+?84|0)(3|5|7|8|9)\d{8}$/;

/** What the browser can tell before asking the server (which has the last word). */
export function checkPreferences(email: string, phone: string): Partial<Record<FieldName, string>> {
  const problems: Partial<Record<FieldName, string>> = {};
  if (email.trim() && !EMAIL.test(email.trim())) problems.email = "Địa chỉ thư điện tử không hợp lệ.";
  if (phone.trim() && !MOBILE.test(phone.replace(/[\s.-]/g, ""))) {
    problems.phone = "Số điện thoại di động không hợp lệ (ví dụ 0912345678).";
  }
  return problems;
}

/** Where the officer's reminders go besides the bell: e-mail (a digest of new reminders) and
 * SMS (only when something is overdue). An empty field: that channel is off. */
export function NotificationSettings({ onClose }: { onClose: () => void }) {
  const { announce } = useApp();
  const client = useQueryClient();
  const key = queryKeys.me("notification-settings");
  const stored = useApiQuery<Preferences>(key, "/v1/me/notification-settings");
  const [email, setEmail] = useState("");
  const [phone, setPhone] = useState("");
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const loaded = stored.data;

  useEffect(() => {
    if (!loaded) return;
    setEmail(loaded.email ?? "");
    setPhone(loaded.phone ?? "");
  }, [loaded]);

  const focusFirst = (found: Partial<Record<FieldName, string>>) => {
    const first = (["email", "phone"] as FieldName[]).find((f) => found[f]);
    if (first) formRef.current?.querySelector<HTMLElement>(`#notify-${first}`)?.focus();
  };

  const save = useMutation({
    mutationFn: (body: { email: string | null; phone: string | null }) =>
      api<Preferences>("/v1/me/notification-settings", { method: "PUT", body }),
    onSuccess: (saved) => {
      client.setQueryData(key, saved);
      const channels = [saved.email && `thư điện tử ${saved.email}`, saved.phone && `SMS ${saved.phone}`].filter(Boolean);
      announce(
        channels.length
          ? `Đã lưu cài đặt nhận thông báo: ${channels.join(", ")}.`
          : "Đã lưu cài đặt: chỉ nhận thông báo trong ứng dụng.",
      );
      onClose();
    },
    onError: (caught) => {
      if (caught instanceof ApiError && caught.fieldErrors.length) {
        const mapped: Partial<Record<FieldName, string>> = {};
        for (const e of caught.fieldErrors) if (e.field === "email" || e.field === "phone") mapped[e.field] = e.message;
        setErrors(mapped);
        focusFirst(mapped);
      }
      setGeneral(errorMessage(caught));
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending || !loaded) return;
    const problems = checkPreferences(email, phone);
    setErrors(problems);
    setGeneral(null);
    if (Object.keys(problems).length) {
      focusFirst(problems);
      return;
    }
    save.mutate({ email: email.trim() || null, phone: phone.trim() || null });
  };

  const field = (name: FieldName, label: string, hint: string, value: string, set: (v: string) => void) => (
    <div className={`field${errors[name] ? " field-invalid" : ""}`}>
      <label htmlFor={`notify-${name}`}>{label}</label>
      <p className="hint" id={`notify-${name}-hint`}>
        {hint}
      </p>
      <input
        id={`notify-${name}`}
        type={name === "email" ? "email" : "tel"}
        autoComplete={name === "email" ? "email" : "tel"}
        inputMode={name === "email" ? "email" : "tel"}
        maxLength={name === "email" ? 254 : 20}
        value={value}
        aria-invalid={errors[name] ? true : undefined}
        aria-describedby={[`notify-${name}-hint`, errors[name] ? `notify-${name}-error` : ""].filter(Boolean).join(" ")}
        onChange={(event) => set(event.target.value)}
      />
      {errors[name] && (
        <p className="error" id={`notify-${name}-error`}>
          <span aria-hidden="true">⚠ </span>
          {errors[name]}
        </p>
      )}
    </div>
  );

  return (
    <Dialog title="Cài đặt nhận thông báo" onClose={onClose} describedBy="notify-help">
      <form ref={formRef} onSubmit={submit} noValidate>
        <p id="notify-help" className="hint">
          Thông báo nhắc việc luôn hiện ở biểu tượng chuông. Để trống một ô nếu không muốn nhận qua kênh đó.
        </p>
        {stored.isPending && <p className="loading">Đang tải cài đặt…</p>}
        {(general || stored.error) && (
          <div className="alert alert-error" role="alert">
            <span className="alert-icon" aria-hidden="true">
              ⚠
            </span>
            <strong>{general ?? errorMessage(stored.error)}</strong>
          </div>
        )}
        {field("email", "Thư điện tử", "Nhận thư tổng hợp các nhắc việc mới (hồ sơ mới, sắp đến hạn, quá hạn).", email, setEmail)}
        {field("phone", "Số điện thoại di động", "Nhận SMS khi có hồ sơ hoặc bước xử lý đã quá hạn.", phone, setPhone)}
        <div className="dialog-actions">
          <button type="submit" aria-disabled={save.isPending || !loaded || undefined}>
            {save.isPending ? "Đang lưu…" : "Lưu cài đặt"}
          </button>
          <button type="button" className="button-secondary" onClick={onClose}>
            Hủy
          </button>
        </div>
      </form>
    </Dialog>
  );
}
