import { describe, expect, it } from "vitest";

import { type DiagramProcess, errorKey, groupErrors, layoutProcess, NODE_H, NODE_W } from "../src/components/ProcessDiagram";

// The shape of chalicelib/domain/default_process.json (the standard process), trimmed to its graph.
const a = (id: string, to_step: string, label = id) => ({ id, label, to_step });
const standard: DiagramProcess = {
  name: "Quy trình chuẩn",
  start_step: "cho_tiep_nhan",
  direct_start_step: "chuyen_xu_ly",
  steps: [
    { id: "cho_tiep_nhan", name: "Chờ tiếp nhận", role: "desk", status: 1, actions: [a("tiep_nhan", "chuyen_xu_ly"), a("yeu_cau_chinh_sua", "cho_chinh_sua"), a("tu_choi_tiep_nhan", "khong_tiep_nhan"), a("rut_ho_so", "da_rut_ho_so")] },
    { id: "cho_chinh_sua", name: "Chờ chỉnh sửa", role: "desk", status: 5, actions: [a("tiep_nhan", "chuyen_xu_ly"), a("tu_choi_tiep_nhan", "khong_tiep_nhan"), a("rut_ho_so", "da_rut_ho_so")] },
    { id: "chuyen_xu_ly", name: "Chuyển xử lý", role: "desk", status: 2, actions: [a("chuyen_phong", "phan_cong"), a("rut_ho_so", "da_rut_ho_so")] },
    { id: "phan_cong", name: "Phân công", role: "head", status: 4, actions: [a("phan_cong", "tham_dinh"), a("rut_ho_so", "da_rut_ho_so")] },
    { id: "tham_dinh", name: "Thẩm định", role: "appraiser", status: 4, deadline: { value: 8, unit: "working_days" }, actions: [a("trinh", "duyet_phong"), a("de_xuat_tu_choi", "duyet_phong"), a("xin_y_kien", "cho_y_kien"), a("yeu_cau_bo_sung", "cho_bo_sung"), a("gia_han", "tham_dinh"), a("phan_cong_lai", "tham_dinh"), a("rut_ho_so", "da_rut_ho_so")] },
    { id: "cho_y_kien", name: "Chờ ý kiến", role: "appraiser", status: 4, actions: [a("ghi_y_kien", "tham_dinh"), a("rut_ho_so", "da_rut_ho_so")] },
    { id: "cho_bo_sung", name: "Chờ bổ sung", role: "desk", status: 5, actions: [a("nhan_bo_sung", "tham_dinh"), a("dung_xu_ly", "dung_xu_ly"), a("rut_ho_so", "da_rut_ho_so")] },
    { id: "duyet_phong", name: "Phòng duyệt", role: "head", status: 4, actions: [a("trinh_lanh_dao", "phe_duyet"), a("tra_lai", "tham_dinh"), a("rut_ho_so", "da_rut_ho_so")] },
    { id: "phe_duyet", name: "Lãnh đạo phê duyệt", role: "leader", status: 4, actions: [a("phe_duyet", "tra_ket_qua"), a("tra_lai_phong", "duyet_phong"), a("tu_choi", "dung_xu_ly"), a("rut_ho_so", "da_rut_ho_so")] },
    { id: "tra_ket_qua", name: "Trả kết quả", role: "desk", status: 9, actions: [a("tra_ket_qua", "da_tra_ket_qua")] },
    { id: "da_tra_ket_qua", name: "Đã trả kết quả", role: "desk", status: 10, actions: [] },
    { id: "khong_tiep_nhan", name: "Không tiếp nhận", role: "desk", status: 3, actions: [] },
    { id: "da_rut_ho_so", name: "Đã rút hồ sơ", role: "desk", status: 7, actions: [] },
    { id: "dung_xu_ly", name: "Dừng xử lý", role: "desk", status: 8, actions: [] },
  ],
};

describe("layoutProcess", () => {
  const layout = layoutProcess(standard);

  it("places every step once, without overlaps", () => {
    expect(layout.nodes.size).toBe(standard.steps.length);
    const boxes = [...layout.nodes.values()];
    for (const a of boxes) {
      for (const b of boxes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= NODE_W || Math.abs(a.y - b.y) >= NODE_H;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.x + NODE_W).toBeLessThanOrEqual(layout.width);
      expect(a.y + NODE_H).toBeLessThanOrEqual(layout.height);
    }
  });

  it("flows from the entry step down to the terminal steps on the last row", () => {
    const layerOf = (id: string) => layout.nodes.get(id)!.layer;
    expect(layerOf("cho_tiep_nhan")).toBe(0);
    expect(layerOf("tham_dinh")).toBeGreaterThan(layerOf("phan_cong"));
    expect(layerOf("phe_duyet")).toBeGreaterThan(layerOf("duyet_phong"));
    const last = Math.max(...[...layout.nodes.values()].map((n) => n.layer));
    for (const id of ["da_tra_ket_qua", "khong_tiep_nhan", "da_rut_ho_so", "dung_xu_ly"]) expect(layerOf(id)).toBe(last);
  });

  it("draws one arrow per pair of steps, loops as back or self edges", () => {
    const pairs = new Set(standard.steps.flatMap((s) => s.actions.map((a) => `${s.id}>${a.to_step}`)));
    expect(layout.edges).toHaveLength(pairs.size);
    const returnEdge = layout.edges.find((e) => e.from === "duyet_phong" && e.to === "tham_dinh")!;
    expect(returnEdge.kind).toBe("back");
    const extend = layout.edges.find((e) => e.from === "tham_dinh" && e.to === "tham_dinh")!;
    expect(extend.kind).toBe("self");
    expect(extend.actions.map((a) => a.id)).toEqual(["gia_han", "phan_cong_lai"]);
  });

  it("ignores actions to unknown steps instead of failing", () => {
    const broken: DiagramProcess = {
      name: "Hỏng",
      start_step: "a",
      steps: [{ id: "a", name: "A", role: "desk", status: 1, actions: [{ id: "x", label: "Đi", to_step: "khong_co" }] }],
    };
    const result = layoutProcess(broken);
    expect(result.nodes.size).toBe(1);
    expect(result.edges).toHaveLength(0);
  });
});

describe("groupErrors", () => {
  it("keys errors by process, step and transition", () => {
    const grouped = groupErrors([
      { message: "toàn bộ", step_id: null, action_id: null },
      { message: "bước", step_id: "a", action_id: null },
      { message: "thao tác", step_id: "a", action_id: "x" },
      { message: "thao tác 2", step_id: "a", action_id: "x" },
    ]);
    expect(grouped).toEqual({ "": ["toàn bộ"], a: ["bước"], [errorKey("a", "x")]: ["thao tác", "thao tác 2"] });
  });
});
