import { useMutation } from "@tanstack/react-query";
import { type FormEvent, Fragment, useEffect, useId, useRef, useState } from "react";

import { api, errorMessage } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { type Schema, useApiQuery } from "../query";
import { href } from "../router";
import { proseParts } from "./assistant";

type Answer = Schema<"Answer">;
type Fact = Schema<"Fact">;
type ProcedureSheet = Schema<"ProcedureSheet">;

export const QUESTION_MAX = 500;

const PROCEDURE_EXAMPLES = [
  "Đăng ký khai sinh cần giấy tờ gì?",
  "Lệ phí đăng ký thường trú bao nhiêu?",
  "Căn cứ pháp lý của đăng ký khai tử?",
];
const DOSSIER_EXAMPLES = ["Hồ sơ này còn thiếu gì?", "Bước tiếp theo là gì?", "Còn bao lâu nữa thì đến hạn?", "Các hồ sơ tương tự trước đây thế nào?"];

/** The answer's prose: each [n] a link to the n-th fact's source. */
function Prose({ text, facts }: { text: string; facts: Fact[] }) {
  return (
    <p className="assistant-prose">
      {proseParts(text, facts.length).map((part, i) => {
        if (part.kind === "text") return <Fragment key={i}>{part.text}</Fragment>;
        const fact = facts[part.n - 1];
        return (
          <a key={i} href={fact.link} className="citation">
            <span aria-hidden="true">{part.text}</span>
            <span className="visually-hidden">
              (nguồn {part.n}: {fact.source})
            </span>
          </a>
        );
      })}
    </p>
  );
}

/**
 * "Trợ lý ảo" (FR-22): questions about procedures — and, on a dossier's page, about that dossier —
 * answered from hoso's catalogue and the dossier's own data, every statement citing its source.
 */
export function AssistantPanel({ dossierCode }: { dossierCode?: string }) {
  const id = useId();
  const [question, setQuestion] = useState("");
  const [problem, setProblem] = useState("");
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const ask = useMutation({
    mutationFn: (text: string) =>
      api<Answer>("/v1/assistant/questions", { method: "POST", body: { question: text, ...(dossierCode ? { dossier_code: dossierCode } : {}) } }),
  });
  const answer = ask.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = question.trim();
    if (text.length < 2) {
      setProblem("Vui lòng nhập câu hỏi (ít nhất 2 ký tự).");
      inputRef.current?.focus();
      return;
    }
    setProblem("");
    if (!ask.isPending) ask.mutate(text);
  };
  const examples = dossierCode ? DOSSIER_EXAMPLES : PROCEDURE_EXAMPLES;
  const invalid = Boolean(problem);

  return (
    <section aria-labelledby={`${id}-title`} className="card assistant">
      <h2 id={`${id}-title`}>Trợ lý ảo</h2>
      <p className="hint" id={`${id}-hint`}>
        {dossierCode
          ? `Hỏi về thủ tục (giấy tờ, phí, thời hạn, căn cứ pháp lý, quy trình) hoặc về hồ sơ ${dossierCode} (còn thiếu gì, bước tiếp theo, còn bao lâu, hồ sơ tương tự).`
          : "Hỏi về thủ tục: giấy tờ cần nộp, phí, lệ phí, thời hạn, căn cứ pháp lý, các bước xử lý."}{" "}
        Câu trả lời chỉ dựa trên danh mục thủ tục và dữ liệu của hồ sơ, có dẫn nguồn.
      </p>
      <form onSubmit={submit} noValidate>
        <div className={`field${invalid ? " field-invalid" : ""}`}>
          <label htmlFor={`${id}-q`}>
            Câu hỏi<span className="required" aria-hidden="true"> *</span>
          </label>
          <textarea
            id={`${id}-q`}
            ref={inputRef}
            rows={2}
            maxLength={QUESTION_MAX}
            value={question}
            required
            aria-invalid={invalid || undefined}
            aria-describedby={`${id}-hint ${id}-count${invalid ? ` ${id}-error` : ""}`}
            onChange={(event) => setQuestion(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey) submit(event);
            }}
          />
          <p className="counter-text" id={`${id}-count`}>
            {question.length}/{QUESTION_MAX} ký tự · Enter để hỏi, Shift+Enter xuống dòng
          </p>
          {invalid && (
            <p className="error" id={`${id}-error`}>
              <span aria-hidden="true">⚠ </span>
              {problem}
            </p>
          )}
        </div>
        <p className="actions">
          <button type="submit" aria-disabled={ask.isPending || undefined}>
            {ask.isPending ? "Đang tìm câu trả lời…" : "Hỏi trợ lý"}
          </button>
        </p>
        <p className="hint">Gợi ý:</p>
        <ul className="assistant-examples">
          {examples.map((example) => (
            <li key={example}>
              <button type="button" className="button-secondary" onClick={() => setQuestion(example)}>
                {example}
              </button>
            </li>
          ))}
        </ul>
      </form>
      <div aria-live="polite">
        {ask.error && <ErrorMessage>{errorMessage(ask.error)}</ErrorMessage>}
        {answer && (
          <div className="assistant-answer">
            <h3>Trả lời{answer.procedure_name ? ` — ${answer.procedure_name}` : ""}</h3>
            {answer.notice && <p className="hint assistant-notice">{answer.notice}</p>}
            <Prose text={answer.text} facts={answer.facts} />
            {answer.facts.length > 0 && (
              <>
                <p className="hint">
                  {answer.mode === "llm"
                    ? "Diễn đạt bởi dịch vụ ngôn ngữ; đã đối chiếu: không có yêu cầu, số liệu nào ngoài các nguồn dưới đây."
                    : "Dựng trực tiếp từ các nguồn dưới đây."}
                </p>
                <h4>Nguồn</h4>
                <ol className="assistant-sources">
                  {answer.facts.map((fact) => (
                    <li key={fact.id}>
                      {fact.text}{" "}
                      <a href={fact.link}>
                        {fact.source}
                      </a>
                    </li>
                  ))}
                </ol>
              </>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

/** Every catalogue fact of a procedure: where the assistant's citations lead; ``entry`` is highlighted. */
function ProcedureSheetView({ code, entry }: { code: string; entry: string }) {
  const sheet = useApiQuery<ProcedureSheet>(["assistant", "procedure", code], `/v1/assistant/procedures/${encodeURIComponent(code)}`);
  const marked = useRef<HTMLLIElement>(null);
  useEffect(() => {
    marked.current?.focus();
  }, [sheet.data, entry]);
  if (sheet.isPending) return <Loading what="danh mục thủ tục" />;
  if (sheet.error) return <ErrorMessage>{errorMessage(sheet.error)}</ErrorMessage>;
  const data = sheet.data;
  return (
    <>
      <PageHeading title={`Thủ tục ${data.code}`}>
        Thủ tục {data.code} — {data.name}
      </PageHeading>
      <p>
        <a href={href(["tro-ly"])}>← Trợ lý ảo</a>
      </p>
      <section className="card" aria-label="Dữ kiện danh mục của thủ tục">
        <ul className="plain assistant-sheet">
          {data.facts.map((fact) => {
            const own = fact.id.slice(fact.id.indexOf("/") + 1);
            const current = own === entry;
            return (
              <li
                key={fact.id}
                id={`muc-${own}`}
                ref={current ? marked : undefined}
                tabIndex={current ? -1 : undefined}
                className={current ? "assistant-cited" : undefined}
                aria-current={current ? "true" : undefined}
              >
                {fact.text} <span className="muted">({fact.source})</span>
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}

export function AssistantScreen({ path, params }: { path: string[]; params: URLSearchParams }) {
  if (path[0] === "thu-tuc" && path[1]) return <ProcedureSheetView code={path[1]} entry={params.get("muc") ?? ""} />;
  return (
    <>
      <PageHeading title="Trợ lý ảo">Trợ lý ảo</PageHeading>
      <AssistantPanel />
    </>
  );
}
