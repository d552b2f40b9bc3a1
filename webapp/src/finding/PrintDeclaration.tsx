// "In tờ khai" at desk intake (issue 12 item 12): the procedure's legal declaration printed by
// the server from the eForm as typed so far (blank fields as dotted lines), opened as a PDF.

import { useMutation } from "@tanstack/react-query";

import { api, errorMessage } from "../api";
import { useApp } from "../context";
import type { Schema } from "../query";

type Link = Schema<"Link">;

export function PrintDeclaration({ procedure, declarant, data }: { procedure: string; declarant: string; data: () => Record<string, unknown> }) {
  const { unit, announce } = useApp();
  const print = useMutation<Link, Error>({
    mutationFn: () =>
      api<Link>("/v1/declarations", { method: "POST", body: { thu_tuc: procedure, don_vi: unit, nguoi_khai: declarant.trim(), du_lieu: data() } }),
    onSuccess: () => announce("Tờ khai đã sẵn sàng: bấm “Mở tờ khai (PDF)” để xem và in."),
  });
  return (
    <>
      <button type="button" className="button-secondary" aria-disabled={print.isPending || undefined} onClick={() => !print.isPending && print.mutate()}>
        {print.isPending ? "Đang tạo tờ khai…" : "In tờ khai"}
      </button>
      {print.data && (
        <a className="button-link" href={print.data.url} target="_blank" rel="noopener noreferrer">
          Mở tờ khai (PDF)
        </a>
      )}
      {print.error && (
        <span className="error" role="alert">
          Không in được tờ khai: {errorMessage(print.error)}
        </span>
      )}
    </>
  );
}
