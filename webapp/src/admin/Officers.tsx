// Officers and their roles (FR-1). A VNeID login alone grants nothing: an officer acts only with
// the roles listed here, each in one unit. A province's administrator lists, adds and edits only
// the officers of their province, in their province's units, with processing roles — the API
// enforces it on the officer as stored and as written (403 FORBIDDEN_PROVINCE), the screen only
// offers what is allowed.
// A new officer is added by their personal number (số định danh cá nhân), which the administrator
// knows, not by their VNeID subject: the officer stays "Chờ đăng nhập lần đầu" (no access) until
// their first VNeID login binds the record to their account.

import { type FormEvent, useEffect, useState } from "react";

import { api, query } from "../api";
import { ErrorMessage, Loading, PageHeading } from "../components/Page";
import { useApp } from "../context";
import { fold } from "../fold";
import { provinceName } from "../provinces";
import { href, navigate } from "../router";
import type { OfficerProfile, RoleAssignment } from "../types";
import { ALL_ROLES, ASSIGNABLE_BY_PROVINCE, ErrorSummary, Field, fieldError, type FormErrors, type OfficerList, toFormErrors, useLoad } from "./common";

export function OfficersScreen({ rest, params, ministry }: { rest: string[]; params: URLSearchParams; ministry: boolean }) {
  const { me } = useApp();
  const ownProvince = me.profile.province_code;
  const province = ministry ? params.get("tinh") : ownProvince;
  const unit = params.get("don-vi");
  const listPath = `/v1/admin/officers${query({ province: province ?? undefined, unit: unit ?? undefined })}`;
  const list = useLoad<OfficerList>(listPath);
  const [first] = rest;
  const { reload } = list;
  // Back on the list after an edit: fetch it again.
  useEffect(() => {
    if (!first) reload();
  }, [first, reload]);
  if (first) {
    if (list.error) return <ErrorMessage>{list.error}</ErrorMessage>;
    if (!list.data) return <Loading what="cán bộ" />;
    const existing = first === "moi" ? null : (list.data.items.find((o) => o.sub === first) ?? null);
    if (first !== "moi" && !existing) return <ErrorMessage>Không tìm thấy cán bộ trong phạm vi bạn quản lý.</ErrorMessage>;
    return <OfficerEditor key={first} existing={existing} ministry={ministry} back={href(["quan-tri", "can-bo"], { tinh: province, "don-vi": unit })} />;
  }
  return <OfficerListView list={list.data} error={list.error} ministry={ministry} province={province} unit={unit} />;
}

function OfficerListView({ list, error, ministry, province, unit }: { list: OfficerList | null; error: string | null; ministry: boolean; province: string | null; unit: string | null }) {
  const { units, unitName, roleLabel, me } = useApp();
  const provinces = [...new Set(units.map((u) => u.province_code))].sort();
  const visibleUnits = units.filter((u) => (ministry ? province === null || u.province_code === province : u.province_code === me.profile.province_code));
  const [tinh, setTinh] = useState(province ?? "*");
  const [donVi, setDonVi] = useState(unit ?? "");
  const [search, setSearch] = useState("");
  const wanted = fold(search.trim());
  const shown = list ? list.items.filter((o) => !wanted || fold(`${o.name} ${o.title} ${o.department} ${o.sub}`).includes(wanted)) : [];
  const filter = (event: FormEvent) => {
    event.preventDefault();
    navigate(href(["quan-tri", "can-bo"], { tinh: ministry && tinh !== "*" ? tinh : null, "don-vi": donVi || null }));
  };
  return (
    <>
      <PageHeading title="Cán bộ và vai trò">Cán bộ và vai trò</PageHeading>
      <p className="lead">
        {ministry ? "Quản trị cấp bộ quản lý cán bộ của mọi tỉnh và của bộ." : `Bạn quản lý cán bộ của ${provinceName(me.profile.province_code)}; chỉ cấp được vai trò xử lý tại đơn vị của tỉnh mình.`}
      </p>
      <form className="inline-form search-form" onSubmit={filter} aria-label="Lọc danh sách cán bộ" style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem 1rem", alignItems: "end" }}>
        {ministry ? (
          <Field id="f-province" label="Tỉnh">
            {(aria) => (
              <select {...aria} value={tinh} onChange={(e) => setTinh(e.target.value)}>
                <option value="*">Tất cả</option>
                {provinces.map((p) => (
                  <option key={p} value={p}>
                    {provinceName(p)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        <Field id="f-unit" label="Đơn vị">
          {(aria) => (
            <select {...aria} value={donVi} onChange={(e) => setDonVi(e.target.value)}>
              <option value="">Tất cả đơn vị</option>
              {visibleUnits.map((u) => (
                <option key={u.code} value={u.code}>
                  {u.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="button-secondary">
          Lọc
        </button>
        <a className="button-link" href={href(["quan-tri", "can-bo", "moi"], { tinh: province, "don-vi": unit })}>
          Thêm cán bộ
        </a>
      </form>
      {error ? <ErrorMessage>{error}</ErrorMessage> : null}
      {!list && !error ? <Loading what="danh sách cán bộ" /> : null}
      {list ? (
        <Field id="f-search" label="Tìm cán bộ" hint="Theo họ tên, chức danh, phòng ban; gõ có dấu hoặc không dấu.">
          {(aria) => <input type="search" {...aria} value={search} onChange={(e) => setSearch(e.target.value)} />}
        </Field>
      ) : null}
      <p role="status" className="visually-hidden">
        {list && wanted ? `Tìm thấy ${shown.length} cán bộ.` : ""}
      </p>
      {list ? (
        <div className="table-scroll">
          <table>
            <caption>
              {wanted ? `${shown.length}/${list.items.length}` : list.items.length} cán bộ
              {list.province_code === null ? " (mọi tỉnh và cấp bộ)" : list.province_code ? ` của ${provinceName(list.province_code)}` : " cấp bộ"}
              {unit ? ` — ${unitName(unit)}` : ""}
            </caption>
            <thead>
              <tr>
                <th scope="col">Họ và tên</th>
                <th scope="col">Chức danh, phòng ban</th>
                <th scope="col">Vai trò tại đơn vị</th>
                <th scope="col">Trạng thái</th>
                <th scope="col">Thao tác</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((o) => (
                <tr key={o.sub} data-officer={o.sub}>
                  <th scope="row">
                    {o.name}
                    <span className="muted" style={{ display: "block", fontSize: "0.85em" }}>
                      {provinceName(o.province_code)}
                    </span>
                  </th>
                  <td>{[o.title, o.department].filter(Boolean).join(", ") || "—"}</td>
                  <td>
                    <ul style={{ margin: 0, paddingLeft: "1.1rem" }}>
                      {o.assignments.map((a, i) => (
                        <li key={i}>
                          {roleLabel(a.role)} — {unitName(a.unit_code)}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{o.pending ? "Chờ đăng nhập lần đầu" : o.active ? "Đang hoạt động" : "Đã khóa"}</td>
                  <td>
                    <a href={href(["quan-tri", "can-bo", o.sub], { tinh: list.province_code, "don-vi": unit })}>
                      Sửa<span className="visually-hidden"> cán bộ {o.name}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

function OfficerEditor({ existing, ministry, back }: { existing: OfficerProfile | null; ministry: boolean; back: string }) {
  const { units, roleLabel, me, announce } = useApp();
  const ownProvince = me.profile.province_code;
  const [officer, setOfficer] = useState<OfficerProfile>(
    existing ?? { sub: "", name: "", title: "", department: "", province_code: ministry ? "" : ownProvince, active: true, assignments: [] },
  );
  const [personalNumber, setPersonalNumber] = useState("");
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState(false);
  const roles = ministry ? ALL_ROLES : ASSIGNABLE_BY_PROVINCE;
  const unitChoices = units.filter((u) => ministry || u.province_code === ownProvince);
  const provinces = [...new Set(units.map((u) => u.province_code))].sort();
  // A province's administrator changes an officer only if every role the officer holds now is one
  // they could grant (the server checks the stored officer as well as the one written).
  const outside = !ministry && existing ? existing.assignments.filter((a) => !ASSIGNABLE_BY_PROVINCE.includes(a.role) || !unitChoices.some((u) => u.code === a.unit_code)) : [];
  const setAssignment = (index: number, a: RoleAssignment) => setOfficer({ ...officer, assignments: officer.assignments.map((x, i) => (i === index ? a : x)) });

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors(null);
    try {
      if (existing) {
        await api(`/v1/admin/officers/${encodeURIComponent(officer.sub)}`, { method: "PUT", body: officer });
        announce(`Đã lưu cán bộ ${officer.name}.`, back);
      } else {
        const { sub: _sub, pending: _pending, personal_number_key: _key, ...rest } = officer;
        await api("/v1/admin/officers", { method: "POST", body: { ...rest, personal_number: personalNumber.replace(/\s/g, "") } });
        announce(`Đã thêm cán bộ ${officer.name}: chờ cán bộ đăng nhập VNeID lần đầu.`, back);
      }
      navigate(back);
    } catch (e) {
      setErrors(toFormErrors(e));
    } finally {
      setBusy(false);
    }
  };

  const ids: Record<string, string> = { personal_number: "o-number", name: "o-name", province_code: "o-province" };
  officer.assignments.forEach((_, i) => {
    ids[`assignments.${i}.role`] = `o-role-${i}`;
    ids[`assignments[${i}].unit_code`] = `o-unit-${i}`;
    ids[`assignments.${i}.unit_code`] = `o-unit-${i}`;
  });

  return (
    <>
      <PageHeading title={existing ? `Sửa cán bộ ${existing.name}` : "Thêm cán bộ"}>{existing ? `Cán bộ ${existing.name}` : "Thêm cán bộ"}</PageHeading>
      <p>
        <a href={back}>← Quay lại danh sách cán bộ</a>
      </p>
      {outside.length ? (
        <p className="alert alert-info" role="note">
          Cán bộ này có vai trò do quản trị cấp bộ cấp hoặc ở đơn vị ngoài tỉnh của bạn ({outside.map((a) => `${roleLabel(a.role)} tại ${a.unit_code}`).join("; ")}): chỉ quản trị cấp bộ được sửa.
        </p>
      ) : null}
      <form onSubmit={save} noValidate>
        <ErrorSummary errors={errors} fieldIds={ids} />
        <fieldset className="group">
          <legend>Thông tin cán bộ</legend>
          <div className="grid">
            {existing ? (
              <p className="field">
                <strong>Tài khoản VNeID: </strong>
                {existing.pending ? "Chờ đăng nhập lần đầu (cán bộ chưa có quyền cho đến khi đăng nhập VNeID)" : "Đã gắn"}
              </p>
            ) : (
              <Field
                id="o-number"
                label="Số định danh cá nhân"
                required
                error={fieldError(errors, "personal_number")}
                hint="12 chữ số, trên căn cước của cán bộ. Tài khoản được gắn với VNeID của cán bộ khi cán bộ đăng nhập lần đầu."
              >
                {(aria) => <input type="text" inputMode="numeric" autoComplete="off" maxLength={14} {...aria} value={personalNumber} onChange={(e) => setPersonalNumber(e.target.value)} />}
              </Field>
            )}
            <Field id="o-name" label="Họ và tên" required error={fieldError(errors, "name")}>
              {(aria) => <input type="text" {...aria} value={officer.name} onChange={(e) => setOfficer({ ...officer, name: e.target.value })} />}
            </Field>
            <Field id="o-title" label="Chức danh">
              {(aria) => <input type="text" {...aria} value={officer.title} onChange={(e) => setOfficer({ ...officer, title: e.target.value })} />}
            </Field>
            <Field id="o-department" label="Phòng ban">
              {(aria) => <input type="text" {...aria} value={officer.department} onChange={(e) => setOfficer({ ...officer, department: e.target.value })} />}
            </Field>
            <Field id="o-province" label="Tỉnh quản lý tài khoản" error={fieldError(errors, "province_code")}>
              {(aria) => (
                <select {...aria} value={officer.province_code} disabled={!ministry} onChange={(e) => setOfficer({ ...officer, province_code: e.target.value })}>
                  {provinces.map((p) => (
                    <option key={p} value={p}>
                      {provinceName(p)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="field field-checkbox">
              <div className="choice">
                <input id="o-active" type="checkbox" checked={officer.active} onChange={(e) => setOfficer({ ...officer, active: e.target.checked })} />{" "}
                <label htmlFor="o-active">Tài khoản đang hoạt động</label>
              </div>
            </div>
          </div>
        </fieldset>
        <fieldset className="group">
          <legend>Vai trò tại đơn vị ({officer.assignments.length})</legend>
          {officer.assignments.length === 0 ? <p className="muted">Chưa có vai trò: cán bộ chưa làm được việc gì trên hệ thống.</p> : null}
          {officer.assignments.map((a, i) => (
            <div key={i} className="table-row" style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem 1rem", alignItems: "end" }}>
              <Field id={`o-role-${i}`} label={`Vai trò ${i + 1}`} required>
                {(aria) => (
                  <select {...aria} value={a.role} onChange={(e) => setAssignment(i, { ...a, role: e.target.value as RoleAssignment["role"] })}>
                    {(roles.includes(a.role) ? roles : [a.role, ...roles]).map((r) => (
                      <option key={r} value={r}>
                        {roleLabel(r)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field id={`o-unit-${i}`} label={`Đơn vị của vai trò ${i + 1}`} required error={fieldError(errors, `assignments[${i}].unit_code`)}>
                {(aria) => (
                  <select {...aria} value={a.unit_code} onChange={(e) => setAssignment(i, { ...a, unit_code: e.target.value })}>
                    {unitChoices.some((u) => u.code === a.unit_code) ? null : <option value={a.unit_code}>{a.unit_code}</option>}
                    {unitChoices.map((u) => (
                      <option key={u.code} value={u.code}>
                        {u.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <button type="button" className="button-secondary button-remove" onClick={() => setOfficer({ ...officer, assignments: officer.assignments.filter((_, j) => j !== i) })}>
                Xóa vai trò {i + 1}
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button-secondary"
            onClick={() => setOfficer({ ...officer, assignments: [...officer.assignments, { role: "desk", unit_code: unitChoices[0]?.code ?? "" }] })}
          >
            Thêm vai trò
          </button>
        </fieldset>
        <div className="form-actions">
          <button type="submit" disabled={busy || outside.length > 0}>
            Lưu cán bộ
          </button>
        </div>
      </form>
    </>
  );
}
