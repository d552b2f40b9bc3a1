import { describe, expect, it } from "vitest";

import defaultProcess from "../../chalicelib/domain/default_process.json";
import lienThongProcess from "../../chalicelib/flows/lien_thong_process.json";
import { type Box, type DiagramProcess, errorKey, groupErrors, type Layout, layoutProcess, NODE_H, NODE_W } from "../src/components/ProcessDiagram";

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

describe("layoutProcess", async () => {
  const layout = await layoutProcess(standard);

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

  it("ignores actions to unknown steps instead of failing", async () => {
    const broken: DiagramProcess = {
      name: "Hỏng",
      start_step: "a",
      steps: [{ id: "a", name: "A", role: "desk", status: 1, actions: [{ id: "x", label: "Đi", to_step: "khong_co" }] }],
    };
    const result = await layoutProcess(broken);
    expect(result.nodes.size).toBe(1);
    expect(result.edges).toHaveLength(0);
  });

  it("lays out a process being edited, with two steps of the same id for a while", async () => {
    const editing: DiagramProcess = {
      name: "Đang sửa",
      start_step: "a",
      steps: [
        { id: "a", name: "A", role: "desk", status: 1, actions: [{ id: "x", label: "Đi", to_step: "b" }, { id: "x", label: "Đi", to_step: "a" }] },
        { id: "b", name: "B", role: "desk", status: 10, actions: [] },
        { id: "b", name: "B mới", role: "desk", status: 4, actions: [{ id: "y", label: "Về", to_step: "a" }] },
      ],
    };
    const result = await layoutProcess(editing);
    expect([...result.nodes.keys()]).toEqual(["a", "b"]);
    expect(result.edges.map((e) => `${e.from}>${e.to}`)).toEqual(["a>b", "a>a", "b>a"]);
  });
});

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Every label drawn (arrows' and "▶ Bắt đầu") and every step, as named boxes. */
function boxes(layout: Layout): { labels: [string, Box][]; steps: [string, Box][] } {
  const labels: [string, Box][] = layout.edges.flatMap((e) => (e.label ? [[`nhãn ${e.key} “${e.label.text}”`, e.label] as [string, Box]] : []));
  for (const node of layout.nodes.values()) if (node.start) labels.push([`bắt đầu ${node.id}`, node.start]);
  const steps: [string, Box][] = [...layout.nodes.values()].map((n) => [`bước ${n.id}`, { x: n.x, y: n.y, width: NODE_W, height: NODE_H }]);
  return { labels, steps };
}

describe.each([
  ["the default process", defaultProcess as unknown as DiagramProcess],
  ["QT-LIEN-THONG", lienThongProcess as unknown as DiagramProcess],
])("the labels of %s", async (_name, process) => {
  const plain = await layoutProcess(process);
  // With every arrow in error its label grows ("⚠ … [n]"): the layout makes room for that too.
  let n = 0;
  const marked = await layoutProcess(process, (actions) => `⚠ ${actions.map((a) => a.label).join(" / ").slice(0, 25)}… [${++n}, ${n + 1}]`);

  it.each([
    ["as published", plain],
    ["with errors on every arrow", marked],
  ])("overlap no other label and no step %s", (_state, layout) => {
    const { labels, steps } = boxes(layout);
    expect(labels.length).toBeGreaterThan(5);
    for (const [i, [name, box]] of labels.entries()) {
      for (const [other, otherBox] of labels.slice(i + 1)) expect(overlap(box, otherBox), `${name} covers ${other}`).toBe(false);
      for (const [step, stepBox] of steps) expect(overlap(box, stepBox), `${name} covers ${step}`).toBe(false);
      expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height, `${name} inside`).toBe(true);
    }
  });

  it("shows a label on every arrow, once per action into the same step", () => {
    const shown = plain.edges.filter((e) => e.label).map((e) => `${e.to}|${e.label!.text}`);
    expect(new Set(shown).size).toBe(shown.length);
    const into = new Set(plain.edges.map((e) => `${e.to}|${e.actions.map((a) => a.label).join(" / ")}`));
    expect(shown.length).toBe(into.size);
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
