// Units (QCVN 102:2016 codes). A province's administrator edits only its province's units, under
// parents of its province; moving a unit to another province (or to/from the ministry) is the
// ministry administrator's act (the server checks both the stored unit and the one written).

import { type FormEvent, useEffect, useState } from "react";

import { api } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { PROVINCES, provinceName } from "../provinces";
import { href, navigate } from "../router";
import { ErrorSummary, Field, fieldError, type FormErrors, toFormErrors, type RolesSource, type UnitFull, useLoad } from "./common";

export function UnitsScreen({ rest, ministry }: { rest: string[]; ministry: boolean }) {
  const { me } = useApp();
  const list = useLoad<{ items: UnitFull[] }>("/v1/units");
  const own = me.profile.province_code;
  const items = (list.data?.items ?? []).filter((u) => ministry || u.province_code === own);
  const [first] = rest;
  const { reload } = list;
  // Back on the list after an edit: fetch it again.
  useEffect(() => {
    if (!first) reload();
  }, [first, reload]);
  if (list.error) return <ErrorMessage>{list.error}</ErrorMessage>;
  if (!list.data) return <Loading what="danh sách đơn vị" />;
  if (first) {
    const existing = first === "moi" ? null : (items.find((u) => u.code === first) ?? null);
    if (first !== "moi" && !existing) return <ErrorMessage>Không tìm thấy đơn vị trong phạm vi bạn quản lý.</ErrorMessage>;
    return <UnitEditor key={first} existing={existing} ministry={ministry} units={list.data.items} />;
  }
  return (
    <>
      <PageHeading title="Đơn vị">Đơn vị tiếp nhận, xử lý</PageHeading>
      <p>
        <a className="button-link" href={href(["quan-tri", "don-vi", "moi"])}>
          Thêm đơn vị
        </a>
      </p>
      <div className="table-scroll">
        <table>
          <caption>{items.length} đơn vị{ministry ? "" : ` của ${provinceName(own)}`}</caption>
          <thead>
            <tr>
              <th scope="col">Mã đơn vị</th>
              <th scope="col">Tên đơn vị</th>
              <th scope="col">Tỉnh</th>
              <th scope="col">Đơn vị cấp trên</th>
              <th scope="col">Thao tác</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => (
              <tr key={u.code}>
                <th scope="row">{u.code}</th>
                <td>{u.name}</td>
                <td>{provinceName(u.province_code)}</td>
                <td>{u.parent_code ?? "—"}</td>
                <td>
                  <a href={href(["quan-tri", "don-vi", u.code])}>
                    Sửa<span className="visually-hidden"> đơn vị {u.name}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function UnitEditor({ existing, ministry, units }: { existing: UnitFull | null; ministry: boolean; units: UnitFull[] }) {
  const { me, announce } = useApp();
  const [unit, setUnit] = useState<UnitFull>(existing ?? { code: "", name: "", province_code: ministry ? "" : me.profile.province_code, parent_code: null });
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const back = href(["quan-tri", "don-vi"]);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setErrors(null);
    try {
      await api(`/v1/admin/units/${encodeURIComponent(unit.code.trim())}`, { method: "PUT", body: { ...unit, code: unit.code.trim() } });
      announce(`Đã lưu đơn vị ${unit.name}.`, back);
      navigate(back);
    } catch (e) {
      setErrors(toFormErrors(e));
    }
  };
  return (
    <>
      <PageHeading title={existing ? `Sửa đơn vị ${existing.name}` : "Thêm đơn vị"}>{existing ? existing.name : "Thêm đơn vị"}</PageHeading>
      <p>
        <a href={back}>← Quay lại danh sách đơn vị</a>
      </p>
      <form onSubmit={save} noValidate>
        <ErrorSummary errors={errors} fieldIds={{ code: "u-code", name: "u-name" }} />
        <div className="grid">
          <Field id="u-code" label="Mã đơn vị (QCVN 102:2016)" required hint="Ví dụ: 000.00.13.H29" error={fieldError(errors, "code")}>
            {(aria) => <input type="text" {...aria} value={unit.code} readOnly={!!existing} onChange={(e) => setUnit({ ...unit, code: e.target.value })} />}
          </Field>
          <Field id="u-name" label="Tên đơn vị" required error={fieldError(errors, "name")}>
            {(aria) => <input type="text" {...aria} value={unit.name} onChange={(e) => setUnit({ ...unit, name: e.target.value })} />}
          </Field>
          <Field id="u-province" label="Tỉnh, thành phố" hint={ministry ? "Chọn “Cấp bộ” với đơn vị cấp bộ. Đổi tỉnh là chuyển đơn vị sang tỉnh khác." : "Đơn vị thuộc tỉnh của bạn."}>
            {(aria) => (
              <select {...aria} value={unit.province_code} disabled={!ministry} onChange={(e) => setUnit({ ...unit, province_code: e.target.value })}>
                <option value="">Cấp bộ</option>
                {Object.entries(PROVINCES).map(([code, name]) => (
                  <option key={code} value={code}>
                    {name} (mã {code})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="u-parent" label="Đơn vị cấp trên">
            {(aria) => (
              <select {...aria} value={unit.parent_code ?? ""} onChange={(e) => setUnit({ ...unit, parent_code: e.target.value || null })}>
                <option value="">Không có</option>
                {units.filter((u) => u.code !== unit.code && (ministry || u.province_code === me.profile.province_code)).map((u) => (
                  <option key={u.code} value={u.code}>
                    {u.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id="u-roles-source"
            label="Vai trò cán bộ của đơn vị"
            hint="Do quản trị hoso cấp, hoặc do Hệ thống điều phối gửi sang sau khi cán bộ đăng nhập (phiên bản mới hơn được áp dụng)."
          >
            {(aria) => (
              <select {...aria} value={unit.roles_source ?? "hoso"} onChange={(e) => setUnit({ ...unit, roles_source: e.target.value as RolesSource })}>
                <option value="hoso">Quản trị hoso cấp</option>
                <option value="coordinator">Hệ thống điều phối gửi sang</option>
              </select>
            )}
          </Field>
        </div>
        <div className="form-actions">
          <button type="submit">Lưu đơn vị</button>
        </div>
      </form>
    </>
  );
}
