import "./print.css";

import { useState } from "react";

import { api, errorMessage } from "../api";
import { ErrorMessage, Loading } from "../components/Page";
import { useApp } from "../context";
import { formatDateTime } from "../format";
import { queryKeys, type Schema, useApiQuery } from "../query";

type Offer = Schema<"FormOffer">;
type Printed = { form: string; name: string; url: string };

/** The PDF a print route made: the browser downloads it through its five-minute link without leaving the page. */
export async function printToFile(path: string): Promise<Schema<"Link">> {
  const link = await api<Schema<"Link">>(path);
  window.location.assign(link.url);
  return link;
}

/**
 * FR-19 on the dossier page: the forms the dossier offers at its current step, and those it
 * offered at earlier steps (reprinted with the same content), each printed as the legal PDF. A
 * form the law does not put here is not offered (a dossier refused at intake has no receipt);
 * the ones not offered yet are listed with the reason.
 */
export function PrintPanel({ code }: { code: string }) {
  const { announce } = useApp();
  const path = `/v1/dossiers/${encodeURIComponent(code)}/forms`;
  const query = useApiQuery<Schema<"FormOffers">>(queryKeys.dossierPart(code, "forms"), path);
  const [busy, setBusy] = useState<string | null>(null);
  const [printed, setPrinted] = useState<Printed | null>(null);
  const [error, setError] = useState<string | null>(null);

  const print = (offer: Offer) => {
    setBusy(offer.form);
    setError(null);
    printToFile(`${path}/${encodeURIComponent(offer.form)}`)
      .then((file) => {
        setPrinted({ form: offer.form, name: file.name, url: file.url });
        announce(`Đã tạo “${offer.name}” (tệp PDF).`);
      })
      .catch((caught: unknown) => setError(errorMessage(caught)))
      .finally(() => setBusy(null));
  };

  const items = query.data?.items ?? [];
  const offered = items.filter((o) => o.offered);
  const later = items.filter((o) => !o.offered);
  return (
    <section aria-labelledby="dossier-print" className="card print-panel" aria-busy={query.isPending}>
      <h2 id="dossier-print">In biểu mẫu</h2>
      {query.error && <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>}
      {query.isPending && <Loading what="danh sách biểu mẫu" />}
      {error && <ErrorMessage>{error}</ErrorMessage>}
      {query.data && offered.length === 0 && <p>Hồ sơ chưa có biểu mẫu nào để in ở bước này.</p>}
      {offered.length > 0 && (
        <ul className="plain print-forms">
          {offered.map((offer) => (
            <li key={offer.form}>
              <button type="button" className="button-secondary" disabled={busy !== null} onClick={() => print(offer)}>
                In {offer.name}
              </button>
              <span className="muted">
                {offer.why}
                {offer.since && ` (từ ${formatDateTime(offer.since)})`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {busy && <Loading what="tệp PDF" />}
      {!busy && printed && (
        <p className="print-outcome">
          Đã tạo “{printed.name}”. Nếu tệp chưa tự tải xuống: <a href={printed.url}>tải tệp PDF</a> (liên kết có hiệu lực 5 phút).
        </p>
      )}
      {later.length > 0 && (
        <details>
          <summary>Biểu mẫu chưa in được ở bước này ({later.length})</summary>
          <ul className="plain">
            {later.map((offer) => (
              <li key={offer.form}>
                <strong>{offer.name}</strong>: {offer.why}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
