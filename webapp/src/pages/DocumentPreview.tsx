import { useEffect, useRef, useState } from "react";

import { ApiError, api, errorMessage } from "../api";
import { ErrorMessage, Loading } from "../components/Page";
import type { DocumentRef } from "../types";

// Documents are shown inside the page without loosening the page's content-security policy: the
// API gives the bytes (GET …/preview, PDF and PNG/JPEG up to 3 MB), images are drawn from a data:
// URL, PDF pages are rendered by pdf.js (loaded only when needed, its worker from this origin) into
// images, each with the page's text beside it for screen readers. Anything else, or anything
// bigger, is downloaded through the short-lived link (GET …/link).

export const PREVIEW_TYPES = ["application/pdf", "image/png", "image/jpeg"];
export const PREVIEW_MAX_BYTES = 3 * 1024 * 1024;
const MAX_PAGES = 5;

export function canPreview(document: DocumentRef): boolean {
  return PREVIEW_TYPES.includes(document.content_type) && document.size <= PREVIEW_MAX_BYTES;
}

interface PreviewAnswer {
  name: string;
  content_type: string;
  size: number;
  content_base64: string;
}

interface Link {
  url: string;
  expires_in: number;
  name: string;
}

export interface PageImage {
  src: string;
  text: string;
}

/** The browser downloads the file through its five-minute link (the page stays where it is). */
export async function downloadDocument(code: string, docId: string): Promise<void> {
  const link = await api<Link>(`/v1/dossiers/${encodeURIComponent(code)}/documents/${encodeURIComponent(docId)}/link`);
  window.location.assign(link.url);
}

function bytesOf(base64: string): Uint8Array {
  const raw = atob(base64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i += 1) out[i] = raw.charCodeAt(i);
  return out;
}

export async function pdfPages(data: Uint8Array): Promise<{ pages: PageImage[]; total: number }> {
  const [pdfjs, worker] = await Promise.all([import("pdfjs-dist"), import("pdfjs-dist/build/pdf.worker.min.mjs?url")]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  // No WebAssembly: the page's policy allows no wasm-unsafe-eval, and the JS decoders suffice here.
  const task = pdfjs.getDocument({ data, useWasm: false });
  const pdf = await task.promise;
  try {
    const pages: PageImage[] = [];
    for (let n = 1; n <= Math.min(pdf.numPages, MAX_PAGES); n += 1) {
      const page = await pdf.getPage(n);
      const viewport = page.getViewport({ scale: 1.5 });
      const canvas = document.createElement("canvas");
      canvas.width = Math.ceil(viewport.width);
      canvas.height = Math.ceil(viewport.height);
      await page.render({ canvas, viewport }).promise;
      const content = await page.getTextContent();
      const text = content.items
        .map((item) => ("str" in item ? item.str : ""))
        .join(" ")
        .replace(/\s+/g, " ")
        .trim();
      pages.push({ src: canvas.toDataURL("image/png"), text });
    }
    return { pages, total: pdf.numPages };
  } finally {
    void task.destroy();
  }
}

/** One document shown in the page, with its download fallback. */
export function DocumentPreview({ code, document, onClose }: { code: string; document: DocumentRef; onClose: () => void }) {
  const [pages, setPages] = useState<PageImage[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const titleId = `xem-truoc-${document.id}`;

  useEffect(() => {
    headingRef.current?.focus();
    let live = true;
    setPages(null);
    setError(null);
    const path = `/v1/dossiers/${encodeURIComponent(code)}/documents/${encodeURIComponent(document.id)}/preview`;
    api<PreviewAnswer>(path)
      .then(async (answer) => {
        if (answer.content_type === "application/pdf") {
          const rendered = await pdfPages(bytesOf(answer.content_base64));
          if (!live) return;
          setPages(rendered.pages);
          setTotal(rendered.total);
        } else if (live) {
          setPages([{ src: `data:${answer.content_type};base64,${answer.content_base64}`, text: "" }]);
          setTotal(1);
        }
      })
      .catch((caught: unknown) => {
        if (!live) return;
        setError(caught instanceof ApiError ? caught.message : "Không hiển thị được tệp này. Vui lòng tải tệp xuống để xem.");
      });
    return () => {
      live = false;
    };
  }, [code, document.id]);

  const download = () => {
    downloadDocument(code, document.id).catch((caught: unknown) => setError(errorMessage(caught)));
  };

  return (
    <section className="document-preview" aria-labelledby={titleId}>
      <h3 id={titleId} ref={headingRef} tabIndex={-1} className="focus-target">
        Xem trước: {document.name}
      </h3>
      <p className="actions">
        <button type="button" onClick={download}>
          Tải xuống
        </button>
        <button type="button" className="button-secondary" onClick={onClose}>
          Đóng xem trước
        </button>
      </p>
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {!pages && !error && <Loading what="bản xem trước" />}
      {pages && (
        <>
          {total > pages.length && (
            <p className="hint">
              Đang hiển thị {pages.length}/{total} trang đầu. Tải tệp xuống để xem toàn bộ.
            </p>
          )}
          <ol className="preview-pages">
            {pages.map((page, index) => (
              <li key={page.src.slice(-32) + String(index)}>
                <figure>
                  <img
                    src={page.src}
                    alt={total > 1 || document.content_type === "application/pdf" ? `Trang ${index + 1}/${total} của ${document.name}` : document.name}
                  />
                  {page.text && (
                    <figcaption>
                      <details>
                        <summary>Văn bản của trang {index + 1}</summary>
                        <p>{page.text}</p>
                      </details>
                    </figcaption>
                  )}
                </figure>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
