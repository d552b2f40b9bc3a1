// Result templates (FR-5, FR-18; issue 17 item 6): the template a procedure's results are drawn up
// from, as administered, versioned data. The ministry's administrator edits a copy of the version in
// force (title, legal bases, the lines and where each takes its value, closing, signer) and
// publishes it as the next version; the server checks it first (every line's source exists).

import { useEffect, useState } from "react";

import { api } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { formatDateTime } from "../format";
import type { Schema } from "../query";
import { ErrorSummary, Field, fieldError, type FormErrors, type ProcedureFull, Success, toFormErrors, useLoad } from "./common";

type Current = Schema<"CurrentTemplate">;
type Template = Schema<"ResultTemplate">;

const TEXT_FIELDS: [keyof Template, string][] = [
  ["title", "Tiêu đề"],
  ["document_name", "Tên giấy tờ kết quả"],
  ["symbol", "Ký hiệu"],
  ["intro", "Câu mở đầu ({agency}: tên cơ quan)"],
  ["signer_title", "Chức danh người ký"],
];

export function ResultTemplatesScreen({ ministry }: { ministry: boolean }) {
  const procedures = useLoad<{ items: ProcedureFull[] }>("/v1/procedures");
  const [code, setCode] = useState("");
  const current = useLoad<Current>(code ? `/v1/admin/result-templates/${encodeURIComponent(code)}` : null);
  const [draft, setDraft] = useState<Template | null>(null);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setDraft(current.data ? (JSON.parse(JSON.stringify(current.data.template)) as Template) : null);
  }, [current.data]);

  const publish = async () => {
    if (!draft || !current.data) return;
    setBusy(true);
    setErrors(null);
    try {
      const published = await api<Schema<"PublishedTemplate">>(`/v1/admin/result-templates/${encodeURIComponent(code)}`, {
        method: "POST",
        body: { version: current.data.version + 1, template: draft },
      });
      const message = `Đã ban hành mẫu kết quả phiên bản ${published.version}.`;
      setDone(message); // a live region of its own (role=status)
      current.reload();
    } catch (e) {
      setErrors(toFormErrors(e));
    } finally {
      setBusy(false);
    }
  };

  const lines = draft?.lines ?? [];
  const setLine = (index: number, changed: { label?: string; source?: string }) => draft && setDraft({ ...draft, lines: lines.map((l, i) => (i === index ? { ...l, ...changed } : l)) });
  const listText = (items: string[] | undefined) => (items ?? []).join("\n");
  const toList = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);

  return (
    <>
      <PageHeading title="Mẫu kết quả">Mẫu kết quả giải quyết</PageHeading>
      <p className="lead">Mỗi phiên bản đã ban hành không thay đổi; kết quả được soạn theo phiên bản mới nhất (phiên bản 0: mẫu có sẵn của hệ thống).</p>
      {procedures.error ? <ErrorMessage>{procedures.error}</ErrorMessage> : null}
      <div className="form-grid">
        <Field id="template-procedure" label="Thủ tục">
          {(aria) => (
            <select {...aria} value={code} onChange={(e) => setCode(e.target.value)}>
              <option value="">— Chọn thủ tục —</option>
              {(procedures.data?.items ?? []).map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} — {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {code && !draft ? <Loading what="mẫu kết quả" /> : null}
      {current.error ? <ErrorMessage>{current.error}</ErrorMessage> : null}
      {draft && current.data ? (
        <>
          <p>
            Phiên bản đang áp dụng: <strong>{current.data.version}</strong>
            {current.data.versions.length
              ? ` — đã ban hành: ${current.data.versions.map((v) => `phiên bản ${v.version} (${formatDateTime(v.published_at)})`).join(", ")}`
              : " (mẫu có sẵn)"}
          </p>
          {done ? <Success>{done}</Success> : null}
          <ErrorSummary errors={errors} />
          <fieldset disabled={!ministry}>
            <legend>Nội dung mẫu</legend>
            <div className="form-grid">
              {TEXT_FIELDS.map(([key, label]) => (
                <Field key={key} id={`template-${key}`} label={label} error={fieldError(errors, `template.${key}`)} wide={key === "intro"}>
                  {(aria) => <input {...aria} value={String(draft[key] ?? "")} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />}
                </Field>
              ))}
              <Field id="template-legal" label="Căn cứ (mỗi dòng một căn cứ)" wide>
                {(aria) => <textarea {...aria} rows={3} value={listText(draft.legal_bases)} onChange={(e) => setDraft({ ...draft, legal_bases: toList(e.target.value) })} />}
              </Field>
              <Field id="template-closing" label="Đoạn kết (mỗi dòng một đoạn)" wide>
                {(aria) => <textarea {...aria} rows={2} value={listText(draft.closing)} onChange={(e) => setDraft({ ...draft, closing: toList(e.target.value) })} />}
              </Field>
            </div>
            <div className="table-scroll">
              <table>
                <caption>Các dòng thông tin</caption>
                <thead>
                  <tr>
                    <th scope="col">Dòng</th>
                    <th scope="col">Nhãn</th>
                    <th scope="col">Nguồn dữ liệu</th>
                    <th scope="col">Thao tác</th>
                  </tr>
                </thead>
                <tbody>
                  {lines.map((line, i) => (
                    <tr key={i}>
                      <th scope="row">{i + 1}</th>
                      <td>
                        <label className="visually-hidden" htmlFor={`line-label-${i}`}>
                          Nhãn dòng {i + 1}
                        </label>
                        <input id={`line-label-${i}`} value={line.label} aria-invalid={fieldError(errors, `template.lines[${i}].label`) ? true : undefined} onChange={(e) => setLine(i, { label: e.target.value })} />
                      </td>
                      <td>
                        <label className="visually-hidden" htmlFor={`line-source-${i}`}>
                          Nguồn dữ liệu dòng {i + 1}
                        </label>
                        <input id={`line-source-${i}`} value={line.source} aria-invalid={fieldError(errors, `template.lines[${i}].source`) ? true : undefined} onChange={(e) => setLine(i, { source: e.target.value })} />
                      </td>
                      <td>
                        <button type="button" onClick={() => setDraft({ ...draft, lines: lines.filter((_, j) => j !== i) })}>
                          Xóa dòng {i + 1}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p>
              <button type="button" onClick={() => setDraft({ ...draft, lines: [...lines, { label: "", source: "dossier.code" }] })}>
                Thêm dòng
              </button>
            </p>
          </fieldset>
          {ministry ? (
            <p>
              <button type="button" className="primary" disabled={busy} onClick={() => void publish()}>
                Ban hành phiên bản {current.data.version + 1}
              </button>
            </p>
          ) : null}
        </>
      ) : null}
    </>
  );
}
