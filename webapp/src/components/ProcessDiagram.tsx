// A process (FR-9) drawn as a diagram: steps are nodes (name, role, DVCQG status, deadline),
// actions are arrows between them. Used where processes are defined (administration, with the
// validator's errors drawn on the step or transition they concern) and where a dossier is shown
// (the step it stands at highlighted, the steps it passed marked).
//
// The picture is an SVG with role="img" and a text summary; the same information — every step,
// every transition, every error — is in a table below it (in a <details>), which is the
// alternative for screen readers and for anyone who prefers reading to following arrows.
//
// Errors are keyed by where they are: "" for the whole process, "<step id>" for a step,
// "<step id>/<action id>" for a transition (see errorKey and groupErrors).

import type { ElkNode } from "elkjs/lib/elk-api";
import { type ReactNode, useEffect, useId, useState } from "react";

export interface DiagramDuration {
  value: number;
  unit: "working_days" | "working_hours" | "minutes" | "calendar_days" | string;
}

export interface DiagramAction {
  id: string;
  label: string;
  to_step: string;
  kind?: string;
  role?: string | null;
}

export interface DiagramStep {
  id: string;
  name: string;
  role: string;
  status: number;
  deadline?: DiagramDuration | null;
  actions: readonly DiagramAction[];
}

export interface DiagramProcess {
  code?: string;
  version?: number;
  name: string;
  steps: readonly DiagramStep[];
  start_step: string;
  direct_start_step?: string | null;
}

export interface ProcessDiagramProps {
  process: DiagramProcess;
  /** The step to highlight (where a dossier stands). */
  current?: string;
  /** Validator errors by location: "" process-wide, "<step>", "<step>/<action>". */
  errors?: Record<string, string[]>;
  /** Steps already passed (a dossier's trail), marked as such. */
  visited?: readonly string[];
  /** Heading of the figure; defaults to the process's name. */
  title?: string;
  /** Mouse shortcut: clicking a step calls this (the table offers the same with buttons). */
  onSelectStep?: (stepId: string) => void;
  /** The step being edited, outlined. */
  selected?: string;
  /** Whether the table alternative starts expanded. */
  tableOpen?: boolean;
}

export interface LocatedError {
  message: string;
  step_id?: string | null;
  action_id?: string | null;
}

export function errorKey(stepId?: string | null, actionId?: string | null): string {
  if (!stepId) return "";
  return actionId ? `${stepId}/${actionId}` : stepId;
}

/** The validator's answer (POST /v1/admin/processes/check) grouped by location. */
export function groupErrors(errors: readonly LocatedError[]): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const error of errors) {
    const key = errorKey(error.step_id, error.action_id);
    (grouped[key] ??= []).push(error.message);
  }
  return grouped;
}

export const ROLE_LABELS: Record<string, string> = {
  desk: "Cán bộ một cửa",
  head: "Trưởng phòng",
  appraiser: "Chuyên viên thẩm định",
  leader: "Lãnh đạo",
  clerk: "Văn thư",
  admin: "Quản trị hệ thống",
  province_admin: "Quản trị cấp tỉnh",
  operator: "Vận hành",
};

export const DIAGRAM_STATUS_LABELS: Record<number, string> = {
  1: "Mới đăng ký",
  2: "Được tiếp nhận",
  3: "Không được tiếp nhận",
  4: "Đang xử lý",
  5: "Yêu cầu bổ sung giấy tờ",
  6: "Yêu cầu thực hiện nghĩa vụ tài chính",
  7: "Công dân yêu cầu rút hồ sơ",
  8: "Dừng xử lý",
  9: "Đã xử lý xong",
  10: "Đã trả kết quả",
};

const TERMINAL_STATUSES = new Set([3, 7, 8, 10]);

const DURATION_UNITS: Record<string, string> = {
  working_days: "ngày làm việc",
  working_hours: "giờ làm việc",
  minutes: "phút làm việc",
  calendar_days: "ngày",
};

export function durationLabel(duration: DiagramDuration | null | undefined): string {
  if (!duration) return "Không tính thời hạn";
  return `${duration.value} ${DURATION_UNITS[duration.unit] ?? duration.unit}`;
}

// --- layout (elkjs) ---------------------------------------------------------------------------

export const NODE_W = 236;
export const NODE_H = 76;
const LABEL_H = 17;
const START_H = 16;
const MARGIN = 24;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface NodeBox {
  id: string;
  layer: number;
  x: number;
  y: number;
  /** "▶ Bắt đầu …" above an entry step, where the layout kept room for it. */
  start: Box | null;
}

export interface EdgePath {
  key: string; // "<from>/<action>"
  from: string;
  to: string;
  actions: DiagramAction[];
  kind: "forward" | "back" | "self";
  d: string;
  /** The label's box (its text centred in it), or null when the arrow carries no label. */
  label: (Box & { text: string }) | null;
}

export interface Layout {
  nodes: Map<string, NodeBox>;
  edges: EdgePath[];
  width: number;
  height: number;
}

/** How wide a label is drawn (11 px text, 6.4 px a character on average, 5 px padding each side). */
export function labelWidth(text: string): number {
  return Math.min(230, Math.ceil(text.length * 6.4 + 10));
}

export function startLabel(process: DiagramProcess, stepId: string): string | null {
  if (stepId === process.start_step) return "▶ Bắt đầu (trực tuyến)";
  if (stepId === process.direct_start_step) return "▶ Bắt đầu (trực tiếp)";
  return null;
}

interface ArrowGroup {
  key: string;
  from: string;
  to: string;
  actions: DiagramAction[];
  text: string | null;
}

/** One arrow per (from, to) pair, carrying every action between them; ``text`` is its label. */
export function arrowGroups(process: DiagramProcess, labelText: (actions: DiagramAction[], from: string) => string): ArrowGroup[] {
  const known = new Set(process.steps.map((s) => s.id));
  const groups = new Map<string, ArrowGroup>();
  for (const step of process.steps) {
    for (const action of step.actions) {
      if (!known.has(action.to_step)) continue;
      const pair = `${step.id}>${action.to_step}`;
      if (!groups.has(pair)) groups.set(pair, { key: `${step.id}/${action.id}`, from: step.id, to: action.to_step, actions: [], text: null });
      groups.get(pair)!.actions.push(action);
    }
  }
  const list = [...groups.values()];
  for (const g of list) g.text = labelText(g.actions, g.from);
  // The same label into the same step from many steps (e.g. a withdrawal): shown once, on the last arrow.
  const seen = new Set<string>();
  for (const g of [...list].reverse()) {
    const shown = `${g.to}|${g.text}`;
    if (seen.has(shown)) g.text = null;
    seen.add(shown);
  }
  return list;
}

const ELK_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "DOWN",
  "elk.edgeRouting": "ORTHOGONAL",
  "elk.padding": `[top=${MARGIN},left=${MARGIN},bottom=${MARGIN},right=${MARGIN}]`,
  "elk.spacing.nodeNode": "40",
  "elk.spacing.edgeEdge": "12",
  "elk.spacing.edgeNode": "16",
  "elk.spacing.edgeLabel": "4",
  "elk.spacing.labelLabel": "6",
  "elk.spacing.labelNode": "6",
  "elk.layered.spacing.nodeNodeBetweenLayers": "48",
  "elk.layered.spacing.edgeNodeBetweenLayers": "16",
  "elk.layered.spacing.edgeEdgeBetweenLayers": "10",
  "elk.layered.cycleBreaking.strategy": "DEPTH_FIRST", // loops found from the entry step, as an officer reads the flow
  "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX", // the narrowest of ELK's placements here
};

let elk: Promise<{ layout: (graph: ElkNode) => Promise<ElkNode> }> | null = null;

function engine() {
  // Loaded with the first diagram only: the layout engine is a large module.
  elk ??= import("elkjs/lib/elk.bundled.js").then(({ default: ELK }) => new ELK());
  return elk;
}

/**
 * Layered layout by ELK, top to bottom: loops (returns, supplements, consultations) are found
 * depth-first from the entry step and drawn against the flow, steps that end a dossier sit on
 * the last row, and every label has a place of its own (no label covers another or a step).
 */
export async function layoutProcess(
  process: DiagramProcess,
  labelText: (actions: DiagramAction[], from: string) => string = (actions) => clip(actions.map((a) => a.label).join(" / "), 26),
): Promise<Layout> {
  const groups = arrowGroups(process, labelText);
  const hasOut = new Set(groups.filter((g) => g.from !== g.to).map((g) => g.from));
  const hasIn = new Set(groups.filter((g) => g.from !== g.to).map((g) => g.to));
  // ELK's own ids (n0, e0…): a process being edited may have two steps with the same id for a while.
  const unique = process.steps.filter((s, i) => process.steps.findIndex((t) => t.id === s.id) === i);
  const elkId = new Map(unique.map((s, i) => [s.id, `n${i}`]));
  const stepOf = new Map(unique.map((s, i) => [`n${i}`, s.id]));
  const graph: ElkNode = {
    id: "root",
    layoutOptions: ELK_OPTIONS,
    children: unique.map((step) => {
      const start = startLabel(process, step.id);
      const constraint = !hasOut.has(step.id) && (TERMINAL_STATUSES.has(step.status) || step.actions.length === 0) ? "LAST" : step.id === process.start_step && !hasIn.has(step.id) ? "FIRST" : "NONE";
      return {
        id: elkId.get(step.id)!,
        width: NODE_W,
        height: NODE_H,
        labels: start ? [{ text: start, width: labelWidth(start), height: START_H }] : [],
        layoutOptions: { "elk.layered.layering.layerConstraint": constraint, "elk.nodeLabels.placement": "OUTSIDE V_TOP H_LEFT" },
      };
    }),
    edges: groups.map((g, i) => ({
      id: `e${i}`,
      sources: [elkId.get(g.from)!],
      targets: [elkId.get(g.to)!],
      labels: g.text ? [{ text: g.text, width: labelWidth(g.text), height: LABEL_H, layoutOptions: { "elk.edgeLabels.placement": "CENTER" } }] : [],
    })),
  };
  const laid = await (await engine()).layout(graph);

  const nodes = new Map<string, NodeBox>();
  const tops = [...new Set((laid.children ?? []).map((n) => Math.round(n.y ?? 0)))].sort((a, b) => a - b);
  for (const n of laid.children ?? []) {
    const id = stepOf.get(n.id)!;
    const x = n.x ?? 0;
    const y = n.y ?? 0;
    const l = n.labels?.[0];
    nodes.set(id, {
      id,
      layer: tops.indexOf(Math.round(y)),
      x,
      y,
      start: l ? { x: x + (l.x ?? 0), y: y + (l.y ?? 0), width: l.width ?? 0, height: l.height ?? 0 } : null,
    });
  }
  const laidEdges = new Map((laid.edges ?? []).map((e) => [e.id, e]));
  const edges: EdgePath[] = groups.map((g, i) => {
    const e = laidEdges.get(`e${i}`)!;
    const d = (e.sections ?? [])
      .map((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint].map((p, i) => `${i ? "L" : "M"} ${p.x} ${p.y}`).join(" "))
      .join(" ");
    const l = e.labels?.[0];
    const a = nodes.get(g.from)!;
    const b = nodes.get(g.to)!;
    const kind = g.from === g.to ? "self" : b.layer <= a.layer ? "back" : "forward";
    return {
      key: g.key,
      from: g.from,
      to: g.to,
      actions: g.actions,
      kind,
      d,
      label: l && g.text ? { x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0, text: g.text } : null,
    };
  });
  return { nodes, edges, width: Math.ceil(laid.width ?? 0), height: Math.ceil(laid.height ?? 0) };
}

// --- drawing --------------------------------------------------------------------------------

const STATUS_FILL: Record<number, string> = {
  1: "#e8f1fa",
  2: "#e8f1fa",
  3: "#eceef1",
  4: "#ffffff",
  5: "#fff4d6",
  6: "#fff4d6",
  7: "#eceef1",
  8: "#eceef1",
  9: "#e7f4ea",
  10: "#e7f4ea",
};

const INK = "#1b1b1b";
const MUTED = "#4f5560";
const LINE = "#5d6670";
const DANGER = "#a4000f";
const CURRENT = "#0b4f8a";

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function safeId(raw: string): string {
  return raw.replace(/[^A-Za-z0-9_-]/g, "");
}

export function ProcessDiagram({ process, current, errors = {}, visited = [], title, onSelectStep, selected, tableOpen = false }: ProcessDiagramProps) {
  const base = `pd${safeId(useId())}`;
  const names = new Map(process.steps.map((s) => [s.id, s.name]));
  const passed = new Set(visited);

  // Every error gets a number, drawn on the diagram where it is and listed under it.
  const numbered: { n: number; key: string; where: string; message: string }[] = [];
  const numbersAt = new Map<string, number[]>();
  const where = (key: string): string => {
    if (!key) return "Toàn quy trình";
    const [stepId, actionId] = key.split("/");
    const step = process.steps.find((s) => s.id === stepId);
    if (!actionId) return `Bước “${step?.name ?? stepId}”`;
    const action = step?.actions.find((a) => a.id === actionId);
    return `Thao tác “${action?.label ?? actionId}” của bước “${step?.name ?? stepId}”`;
  };
  const keys = Object.keys(errors).sort((a, b) => (a === "" ? -1 : b === "" ? 1 : 0));
  for (const key of keys) {
    for (const message of errors[key] ?? []) {
      const n = numbered.length + 1;
      numbered.push({ n, key, where: where(key), message });
      numbersAt.set(key, [...(numbersAt.get(key) ?? []), n]);
    }
  }
  const actionNumbers = (from: string, actions: readonly DiagramAction[]) => actions.flatMap((a) => numbersAt.get(errorKey(from, a.id)) ?? []);
  // Errors on an action whose target step does not exist have no arrow: shown on the source step.
  const stepNumbers = (step: DiagramStep) => [
    ...(numbersAt.get(step.id) ?? []),
    ...actionNumbers(step.id, step.actions.filter((a) => !names.has(a.to_step))),
  ];
  const labelOf = (actions: DiagramAction[], from: string) => {
    const numbers = actionNumbers(from, actions);
    const label = clip(actions.map((a) => a.label).join(" / "), 26);
    return numbers.length ? `⚠ ${label} [${numbers.join(", ")}]` : label;
  };

  // The layout is computed anew only when what it depends on changes (not, say, a deadline).
  const shape = JSON.stringify([
    process.start_step,
    process.direct_start_step,
    process.steps.map((s) => [s.id, s.status, s.actions.map((a) => [a.id, a.to_step, labelOf([a], s.id)])]),
  ]);
  const [layout, setLayout] = useState<Layout | null>(null);
  const [layoutFailed, setLayoutFailed] = useState(false);
  useEffect(() => {
    let live = true;
    layoutProcess(process, labelOf).then(
      (laid) => {
        if (!live) return;
        setLayout(laid);
        setLayoutFailed(false);
      },
      () => {
        if (live) setLayoutFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [shape]); // everything the layout reads is in shape
  // Until the layout engine answers (it loads with the first diagram), the picture says so.
  const size = layout ?? { width: 480, height: 64 };
  const edgeCount = new Set(process.steps.flatMap((s) => s.actions.filter((a) => names.has(a.to_step)).map((a) => `${s.id}>${a.to_step}`))).size;

  const heading = title ?? process.name;
  const currentName = current ? names.get(current) : undefined;
  const summary =
    `Sơ đồ quy trình “${process.name}”: ${process.steps.length} bước, ${edgeCount} mũi tên chuyển bước.` +
    (currentName ? ` Hồ sơ đang ở bước “${currentName}”.` : "") +
    (numbered.length ? ` Có ${numbered.length} lỗi, đánh số trên sơ đồ và liệt kê bên dưới.` : "") +
    " Chi tiết từng bước ở bảng bên dưới sơ đồ.";

  return (
    <figure className="process-diagram" aria-labelledby={`${base}-cap`} style={{ margin: "0.5rem 0 1rem" }}>
      <figcaption id={`${base}-cap`} style={{ fontWeight: 600 }}>
        {heading}
        {process.version ? <span style={{ fontWeight: 400, color: MUTED }}> — phiên bản {process.version}</span> : null}
      </figcaption>
      <Legend current={!!current} visited={visited.length > 0} />
      {/* Focusable so that keyboard users can scroll a diagram wider than the screen. */}
      <div
        tabIndex={0}
        role="region"
        aria-label={`${heading}: sơ đồ, cuộn ngang bằng phím mũi tên nếu cần`}
        style={{ overflowX: "auto", border: "1px solid #8a939e", borderRadius: 4, background: "#fafbfc" }}
      >
        <svg
          role="img"
          aria-labelledby={`${base}-title`}
          aria-describedby={`${base}-desc`}
          width={size.width}
          height={size.height}
          viewBox={`0 0 ${size.width} ${size.height}`}
          // Shrinks to the screen down to 70 % of its drawn size; narrower screens scroll.
          style={{ display: "block", margin: "0 auto", fontFamily: "inherit", width: "100%", minWidth: layout ? size.width * 0.7 : undefined, maxWidth: size.width, height: "auto" }}
        >
          <title id={`${base}-title`}>{`Sơ đồ quy trình ${process.name}`}</title>
          <desc id={`${base}-desc`}>{summary}</desc>
          <defs>
            {[
              ["arrow", LINE],
              ["arrow-error", DANGER],
            ].map(([id, colour]) => (
              <marker key={id} id={`${base}-${id}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" fill={colour} />
              </marker>
            ))}
          </defs>
          {layout ? null : (
            <text x={16} y={size.height / 2 + 5} fontSize={14} fill={MUTED}>
              {layoutFailed ? "Không vẽ được sơ đồ; quy trình có đủ ở dạng bảng bên dưới." : "Đang vẽ sơ đồ…"}
            </text>
          )}
          {/* Arrows with errors are drawn last, so nothing hides them. */}
          {(layout?.edges ?? []).sort((a, b) => actionNumbers(a.from, a.actions).length - actionNumbers(b.from, b.actions).length).map((edge) => {
            const bad = actionNumbers(edge.from, edge.actions).length > 0;
            const label = edge.label;
            return (
              <g key={edge.key} data-edge={edge.key} data-error={bad ? "true" : undefined}>
                <title>{`${names.get(edge.from)} → ${names.get(edge.to)}: ${edge.actions.map((a) => a.label).join(" / ")}`}</title>
                <path
                  d={edge.d}
                  fill="none"
                  stroke={bad ? DANGER : LINE}
                  strokeWidth={bad ? 2.5 : 1.4}
                  strokeDasharray={bad ? "6 4" : edge.kind === "back" || edge.kind === "self" ? "4 3" : undefined}
                  markerEnd={`url(#${base}-${bad ? "arrow-error" : "arrow"})`}
                />
                {label ? (
                  <>
                    <rect x={label.x} y={label.y} width={label.width} height={label.height} rx={3} fill="#ffffff" fillOpacity={0.92} stroke={bad ? DANGER : "none"} />
                    <text x={label.x + label.width / 2} y={label.y + 13} textAnchor="middle" fontSize={11} fill={bad ? DANGER : INK} fontWeight={bad ? 700 : 400}>
                      {label.text}
                    </text>
                  </>
                ) : null}
              </g>
            );
          })}
          {process.steps.map((step) => {
            const box = layout?.nodes.get(step.id);
            if (!box) return null; // a step just added: drawn when its layout is ready
            const numbers = stepNumbers(step);
            const bad = numbers.length > 0;
            const isCurrent = step.id === current;
            const isStart = step.id === process.start_step || step.id === process.direct_start_step;
            const stroke = bad ? DANGER : isCurrent ? CURRENT : selected === step.id ? "#1b1b1b" : LINE;
            return (
              <g
                key={step.id}
                data-step={step.id}
                data-current={isCurrent ? "true" : undefined}
                data-error={bad ? "true" : undefined}
                onClick={onSelectStep ? () => onSelectStep(step.id) : undefined}
                style={onSelectStep ? { cursor: "pointer" } : undefined}
              >
                <title>{`${step.name} — ${DIAGRAM_STATUS_LABELS[step.status] ?? step.status}`}</title>
                {isStart && box.start ? (
                  <text x={box.start.x} y={box.start.y + 12} fontSize={11} fill={MUTED}>
                    {startLabel(process, step.id)}
                  </text>
                ) : null}
                <rect
                  x={box.x}
                  y={box.y}
                  width={NODE_W}
                  height={NODE_H}
                  rx={TERMINAL_STATUSES.has(step.status) ? NODE_H / 2 : 6}
                  fill={isCurrent ? "#dbe9f7" : (STATUS_FILL[step.status] ?? "#ffffff")}
                  stroke={stroke}
                  strokeWidth={bad || isCurrent || selected === step.id ? 3 : 1.4}
                  strokeDasharray={bad ? "7 3" : undefined}
                />
                <text x={box.x + NODE_W / 2} y={box.y + 19} textAnchor="middle" fontSize={13} fontWeight={700} fill={INK}>
                  {clip(`${passed.has(step.id) && !isCurrent ? "✓ " : ""}${step.name}`, 30)}
                </text>
                <text x={box.x + NODE_W / 2} y={box.y + 36} textAnchor="middle" fontSize={11} fill={INK}>
                  {clip(`${step.status} · ${DIAGRAM_STATUS_LABELS[step.status] ?? ""}`, 38)}
                </text>
                <text x={box.x + NODE_W / 2} y={box.y + 52} textAnchor="middle" fontSize={11} fill={MUTED}>
                  {clip(`${ROLE_LABELS[step.role] ?? step.role} · ${step.deadline ? durationLabel(step.deadline) : "không tính giờ"}`, 40)}
                </text>
                {isCurrent ? (
                  <text x={box.x + NODE_W / 2} y={box.y + 68} textAnchor="middle" fontSize={11} fontWeight={700} fill={CURRENT}>
                    ● Hồ sơ đang ở bước này
                  </text>
                ) : bad ? (
                  <text x={box.x + NODE_W / 2} y={box.y + 68} textAnchor="middle" fontSize={11} fontWeight={700} fill={DANGER}>
                    {`⚠ Lỗi ${numbers.join(", ")}`}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      </div>
      {numbered.length ? (
        <div className="alert alert-error" style={{ display: "block" }}>
          <p style={{ margin: 0 }}>
            <strong>Quy trình có {numbered.length} lỗi cần sửa:</strong>
          </p>
          <ol className="process-errors" style={{ margin: "0.25rem 0 0", paddingLeft: "1.5rem" }}>
            {numbered.map((e) => (
              <li key={e.n} value={e.n} data-error-key={e.key}>
                <strong>{e.where}:</strong> {e.message}
                {onSelectStep && e.key && names.has(e.key.split("/")[0]) ? (
                  <>
                    {" "}
                    <button type="button" className="button-link" onClick={() => onSelectStep(e.key.split("/")[0])}>
                      Sửa lỗi {e.n}
                    </button>
                  </>
                ) : null}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      <details open={tableOpen} style={{ marginTop: "0.5rem" }}>
        <summary>Xem quy trình dạng bảng (các bước, thao tác chuyển bước và lỗi)</summary>
        <StepsTable process={process} current={current} passed={passed} numbersAt={numbersAt} errors={errors} onSelectStep={onSelectStep} />
      </details>
    </figure>
  );
}

function Legend({ current, visited }: { current: boolean; visited: boolean }) {
  const item = (swatch: ReactNode, label: string) => (
    <li style={{ display: "inline-flex", alignItems: "center", gap: "0.3rem", marginRight: "1rem" }}>
      <svg width="22" height="12" aria-hidden="true" focusable="false">
        {swatch}
      </svg>
      {label}
    </li>
  );
  return (
    <ul aria-label="Chú giải sơ đồ" style={{ listStyle: "none", padding: 0, margin: "0.25rem 0", fontSize: "0.875rem", color: MUTED }}>
      {item(<line x1="0" y1="6" x2="22" y2="6" stroke={LINE} strokeWidth="1.5" />, "Chuyển bước")}
      {item(<line x1="0" y1="6" x2="22" y2="6" stroke={LINE} strokeWidth="1.5" strokeDasharray="4 3" />, "Quay lại / lặp")}
      {item(<line x1="0" y1="6" x2="22" y2="6" stroke={DANGER} strokeWidth="2.5" strokeDasharray="6 4" />, "Có lỗi")}
      {item(<rect x="1" y="1" width="20" height="10" rx="5" fill="#eceef1" stroke={LINE} />, "Bước kết thúc")}
      {current ? item(<rect x="1" y="1" width="20" height="10" fill="#dbe9f7" stroke={CURRENT} strokeWidth="2" />, "Bước hiện tại") : null}
      {visited ? item(<text x="4" y="10" fontSize="11" fill={INK}>✓</text>, "Đã qua") : null}
    </ul>
  );
}

interface StepsTableProps {
  process: DiagramProcess;
  current?: string;
  passed: Set<string>;
  numbersAt: Map<string, number[]>;
  errors: Record<string, string[]>;
  onSelectStep?: (stepId: string) => void;
}

function StepsTable({ process, current, passed, numbersAt, errors, onSelectStep }: StepsTableProps) {
  const names = new Map(process.steps.map((s) => [s.id, s.name]));
  const problems = (key: string) =>
    (errors[key] ?? []).map((message, i) => (
      <span key={i} style={{ display: "block", color: DANGER, fontWeight: 700 }}>
        ⚠ Lỗi {numbersAt.get(key)?.[i]}: {message}
      </span>
    ));
  return (
    <div className="table-scroll">
      <table>
        <caption>Các bước của quy trình “{process.name}”</caption>
        <thead>
          <tr>
            <th scope="col">Bước</th>
            <th scope="col">Trạng thái DVCQG</th>
            <th scope="col">Vai trò xử lý</th>
            <th scope="col">Thời hạn</th>
            <th scope="col">Thao tác (chuyển tới bước)</th>
          </tr>
        </thead>
        <tbody>
          {process.steps.map((step) => (
            <tr key={step.id} aria-current={step.id === current ? "step" : undefined} style={step.id === current ? { background: "#dbe9f7" } : undefined}>
              <th scope="row">
                {onSelectStep ? (
                  <button type="button" className="button-link" onClick={() => onSelectStep(step.id)}>
                    {step.name}
                  </button>
                ) : (
                  step.name
                )}
                <span style={{ display: "block", color: MUTED, fontSize: "0.85em" }}>mã: {step.id}</span>
                {step.id === process.start_step ? <span style={{ display: "block" }}>Bắt đầu (hồ sơ trực tuyến)</span> : null}
                {step.id === process.direct_start_step ? <span style={{ display: "block" }}>Bắt đầu (hồ sơ trực tiếp)</span> : null}
                {step.id === current ? <strong style={{ display: "block" }}>Hồ sơ đang ở bước này</strong> : null}
                {passed.has(step.id) && step.id !== current ? <span style={{ display: "block" }}>✓ Đã qua</span> : null}
                {problems(step.id)}
              </th>
              <td>
                {step.status} — {DIAGRAM_STATUS_LABELS[step.status] ?? ""}
              </td>
              <td>{ROLE_LABELS[step.role] ?? step.role}</td>
              <td>{durationLabel(step.deadline)}</td>
              <td>
                {step.actions.length ? (
                  <ul style={{ margin: 0, paddingLeft: "1.1rem" }}>
                    {step.actions.map((action) => (
                      <li key={action.id}>
                        {action.label} → {names.get(action.to_step) ?? `(bước không tồn tại: ${action.to_step})`}
                        {problems(errorKey(step.id, action.id))}
                      </li>
                    ))}
                  </ul>
                ) : (
                  "Bước kết thúc"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
