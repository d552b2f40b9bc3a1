import { errorMessage } from "../api";
import { ErrorMessage, Loading } from "../components/Page";
import { formatDateTime } from "../format";
import { queryKeys, useApiQuery } from "../query";
import { href } from "../router";
import type { Dossier } from "../types";

const REFRESH_MS = 60_000;

interface DvcqgRequests {
  withdrawals: Dossier[];
  supplemented: Dossier[];
}

/** What DVCQG sent that waits for the one-stop desk: citizens' withdrawal requests to confirm or
 * refuse, and supplements sent online to receive. */
export function DvcqgRequestsSection({ unit }: { unit: string }) {
  const query = useApiQuery<DvcqgRequests>(
    queryKeys.unit(unit, "dvcqg-requests"),
    `/v1/units/${encodeURIComponent(unit)}/dvcqg-requests`,
    { refetchInterval: REFRESH_MS },
  );
  const data = query.data;
  return (
    <section aria-labelledby="dvcqg-requests" className="counter-group">
      <h2 id="dvcqg-requests">Yêu cầu từ Cổng DVCQG</h2>
      {query.error && <ErrorMessage>{errorMessage(query.error)}</ErrorMessage>}
      {!data && !query.error && <Loading what="yêu cầu từ Cổng DVCQG" />}
      {data && (
        <>
          <h3 id="dvcqg-withdrawals">Yêu cầu rút hồ sơ chờ xác nhận ({data.withdrawals.length})</h3>
          {data.withdrawals.length === 0 ? (
            <p>Không có yêu cầu rút hồ sơ nào đang chờ.</p>
          ) : (
            <ul className="plain" aria-labelledby="dvcqg-withdrawals">
              {data.withdrawals.map((d) => {
                const request = d.withdrawal_requests?.find((r) => r.state === "pending");
                return (
                  <li key={d.code}>
                    <a href={href(["ho-so", d.code])}>{d.code}</a> — {d.applicant.name}
                    {request && ` · ${formatDateTime(request.requested_at)}: ${request.reason}`}
                  </li>
                );
              })}
            </ul>
          )}
          <h3 id="dvcqg-supplemented">Đã bổ sung trên Cổng DVCQG, chờ tiếp nhận ({data.supplemented.length})</h3>
          {data.supplemented.length === 0 ? (
            <p>Không có hồ sơ bổ sung trực tuyến nào đang chờ.</p>
          ) : (
            <ul className="plain" aria-labelledby="dvcqg-supplemented">
              {data.supplemented.map((d) => (
                <li key={d.code}>
                  <a href={href(["ho-so", d.code])}>{d.code}</a> — {d.applicant.name}
                  {d.supplements.at(-1)?.submitted_at && ` · ${formatDateTime(d.supplements.at(-1)?.submitted_at)}`}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
