import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";

import { api, errorMessage } from "../api";
import { ErrorMessage } from "../components/Page";
import { formatDateTime } from "../format";
import { queryKeys, type Schema, useApiQuery } from "../query";

type Note = Schema<"Note">;

export const NOTE_MAX = 4000;

/** "Ghi chú riêng": the officer's own note on the dossier, which no other officer sees. */
export function NotePanel({ code }: { code: string }) {
  const key = queryKeys.dossierPart(code, "note");
  const path = `/v1/dossiers/${encodeURIComponent(code)}/note`;
  const stored = useApiQuery<Note>(key, path);
  const client = useQueryClient();
  const [text, setText] = useState("");
  const [status, setStatus] = useState("");
  const id = useId();
  const note = stored.data;

  useEffect(() => {
    if (note) setText(note.text);
  }, [note]);

  const save = useMutation({
    mutationFn: (value: string) => api<Note>(path, { method: "PUT", body: { text: value } }),
    onSuccess: (saved) => {
      client.setQueryData(key, saved);
      setStatus(saved.text ? `Đã lưu ghi chú lúc ${formatDateTime(saved.updated_at)}.` : "Đã xóa ghi chú.");
    },
    onError: () => setStatus(""),
  });

  const changed = note !== undefined && text.trim() !== note.text;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (save.isPending || !note || !changed) return;
    setStatus("");
    save.mutate(text.trim());
  };

  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>Ghi chú riêng</h2>
      <p className="hint" id={`${id}-hint`}>
        Chỉ bạn xem được ghi chú này; ghi chú không thuộc hồ sơ và không gửi cho ai.
      </p>
      {stored.isPending && <p className="loading">Đang tải ghi chú…</p>}
      {stored.error && <ErrorMessage>{errorMessage(stored.error)}</ErrorMessage>}
      <form onSubmit={submit} noValidate>
        <div className={`field${save.error ? " field-invalid" : ""}`}>
          <label htmlFor={`${id}-text`}>Ghi chú của tôi về hồ sơ {code}</label>
          <textarea
            id={`${id}-text`}
            rows={3}
            maxLength={NOTE_MAX}
            value={text}
            aria-invalid={save.error ? true : undefined}
            aria-describedby={`${id}-hint ${id}-count${save.error ? ` ${id}-error` : ""}`}
            onChange={(event) => setText(event.target.value)}
          />
          <p className="counter-text" id={`${id}-count`}>
            {text.length}/{NOTE_MAX} ký tự
            {note?.updated_at ? ` · lưu lần cuối ${formatDateTime(note.updated_at)}` : ""}
          </p>
          {save.error && (
            <p className="error" id={`${id}-error`}>
              <span aria-hidden="true">⚠ </span>
              {errorMessage(save.error)}
            </p>
          )}
        </div>
        <p className="actions">
          <button type="submit" aria-disabled={save.isPending || !changed || undefined}>
            {save.isPending ? "Đang lưu…" : "Lưu ghi chú"}
          </button>
        </p>
        <p aria-live="polite" className="hint note-status">
          {status}
        </p>
      </form>
    </section>
  );
}
