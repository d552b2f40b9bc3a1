import { DossierList } from "../components/DossierList";
import { PageHeading } from "../components/Page";
import { useApp } from "../context";
import { href, navigate } from "../router";
import { STATUSES, statusLabel } from "../statuses";
import { BatchSign, canSignBatch } from "./BatchSign";

/** The unit's dossiers in one status, nearest deadline first. */
export function Worklist({ status }: { status: number }) {
  const { unit, roles } = useApp();
  const title = `Hồ sơ “${statusLabel(status)}”`;
  return (
    <>
      <PageHeading title={title}>{title}</PageHeading>
      <form className="inline-form" onSubmit={(event) => event.preventDefault()}>
        <label htmlFor="worklist-status">Trạng thái</label>
        <select id="worklist-status" value={status} onChange={(event) => navigate(href(["danh-sach", event.target.value]))}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}. {statusLabel(s)}
            </option>
          ))}
        </select>
      </form>
      {status === 4 && canSignBatch(roles) && <BatchSign />}
      <DossierList
        path={`/v1/units/${encodeURIComponent(unit)}/worklist?status=${status}`}
        caption={`Danh sách hồ sơ ở trạng thái ${statusLabel(status)}, hạn gần nhất trước`}
        emptyText="Không có hồ sơ nào ở trạng thái này."
      />
    </>
  );
}

export function Assigned() {
  return (
    <>
      <PageHeading title="Hồ sơ được giao cho tôi">Hồ sơ được giao cho tôi</PageHeading>
      <DossierList
        path="/v1/me/dossiers"
        caption="Hồ sơ được phân công cho tôi, hạn gần nhất trước"
        emptyText="Bạn chưa được phân công hồ sơ nào."
      />
    </>
  );
}
