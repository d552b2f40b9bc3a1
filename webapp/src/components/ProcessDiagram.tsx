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

import { type ReactNode, useId } from "react";

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

// --- layout (pure) --------------------------------------------------------------------------

export const NODE_W = 236;
export const NODE_H = 76;
const GAP_X = 56;
const GAP_Y = 84;
const MARGIN = 24;
const BACK_LANE = 34;
const SKIP_LANE = 16;

export interface NodeBox {
  id: string;
  layer: number;
  x: number;
  y: number;
}

export interface EdgePath {
  key: string; // "<from>/<action>"
  from: string;
  to: string;
  actions: DiagramAction[];
  kind: "forward" | "back" | "self";
  d: string;
  labelX: number;
  labelY: number;
  /** False when another arrow with the same label into the same step already shows it. */
  labelled: boolean;
}

export interface Layout {
  nodes: Map<string, NodeBox>;
  edges: EdgePath[];
  width: number;
  height: number;
}

/**
 * Layered layout, top to bottom: steps reached from the entry steps get the layer of their
 * longest path over the forward edges (edges closing a loop — returns, supplements,
 * consultations — are drawn as back edges), terminal steps sit on the last row, and each
 * row is ordered by where its predecessors are.
 */
export function layoutProcess(process: DiagramProcess): Layout {
  const ids = process.steps.map((s) => s.id);
  const known = new Set(ids);
  const byId = new Map(process.steps.map((s) => [s.id, s]));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const step of process.steps) {
    for (const action of step.actions) {
      if (known.has(action.to_step)) out.get(step.id)!.push(action.to_step);
    }
  }
  const starts = [process.start_step, process.direct_start_step].filter((s): s is string => !!s && known.has(s));
  const roots = [...starts, ...ids.filter((id) => !starts.includes(id))];

  // Depth-first from the entry steps: an edge to a step still on the stack closes a loop.
  const back = new Set<string>();
  const state = new Map<string, 1 | 2>();
  const order: string[] = [];
  for (const root of roots) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const targets = out.get(top.id)!;
      if (top.next < targets.length) {
        const target = targets[top.next++];
        const seen = state.get(target);
        if (seen === 1) back.add(`${top.id}>${target}`);
        else if (seen === undefined) {
          state.set(target, 1);
          stack.push({ id: target, next: 0 });
        }
      } else {
        state.set(top.id, 2);
        order.push(top.id);
        stack.pop();
      }
    }
  }
  order.reverse(); // topological order of the forward edges

  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const id of order) {
    for (const target of out.get(id)!) {
      if (target === id || back.has(`${id}>${target}`)) continue;
      layer.set(target, Math.max(layer.get(target)!, layer.get(id)! + 1));
    }
  }
  const terminal = ids.filter((id) => {
    const step = byId.get(id)!;
    return step.actions.length === 0 || TERMINAL_STATUSES.has(step.status);
  });
  const nonTerminalMax = Math.max(0, ...ids.filter((id) => !terminal.includes(id)).map((id) => layer.get(id)!));
  for (const id of terminal) layer.set(id, Math.max(layer.get(id)!, nonTerminalMax + 1));

  const rows: string[][] = [];
  for (const id of ids) (rows[layer.get(id)!] ??= []).push(id);
  const compact = rows.filter((row) => row && row.length);
  compact.forEach((row, index) => row.forEach((id) => layer.set(id, index)));

  // Order each row by the mean position of its predecessors in the rows above.
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [from, targets] of out) for (const to of targets) if (from !== to) preds.get(to)!.push(from);
  const position = new Map<string, number>();
  compact.forEach((row, index) => {
    if (index > 0) {
      const weight = (id: string) => {
        const above = preds.get(id)!.filter((p) => layer.get(p)! < index && position.has(p));
        return above.length ? above.reduce((sum, p) => sum + position.get(p)!, 0) / above.length : Number.MAX_SAFE_INTEGER;
      };
      const weights = new Map(row.map((id) => [id, weight(id)]));
      row.sort((a, b) => weights.get(a)! - weights.get(b)!);
    }
    row.forEach((id, i) => position.set(id, i - (row.length - 1) / 2));
  });

  // Arrows skipping rows run down lanes on the left, one lane per target step (a bus).
  const skipTargets: string[] = [];
  for (const step of process.steps) {
    for (const action of step.actions) {
      if (known.has(action.to_step) && layer.get(action.to_step)! > layer.get(step.id)! + 1 && !skipTargets.includes(action.to_step)) {
        skipTargets.push(action.to_step);
      }
    }
  }
  const leftLanes = skipTargets.length ? (skipTargets.length + 1) * SKIP_LANE : 0;
  const widest = Math.max(1, ...compact.map((row) => row.length));
  const innerWidth = widest * NODE_W + (widest - 1) * GAP_X;
  const hasBack = process.steps.some((s) => s.actions.some((a) => known.has(a.to_step) && (a.to_step === s.id || back.has(`${s.id}>${a.to_step}`) || layer.get(a.to_step)! <= layer.get(s.id)!)));
  const width = leftLanes + innerWidth + 2 * MARGIN + (hasBack ? 4 * BACK_LANE : 0);
  const centre = leftLanes + MARGIN + innerWidth / 2;
  const nodes = new Map<string, NodeBox>();
  for (const id of ids) {
    nodes.set(id, {
      id,
      layer: layer.get(id)!,
      x: centre + position.get(id)! * (NODE_W + GAP_X) - NODE_W / 2,
      y: MARGIN + 18 + layer.get(id)! * (NODE_H + GAP_Y),
    });
  }
  const height = MARGIN * 2 + 18 + compact.length * NODE_H + Math.max(0, compact.length - 1) * GAP_Y;

  // One arrow per (from, to) pair, carrying every action between them.
  const groups = new Map<string, { from: string; to: string; actions: DiagramAction[] }>();
  for (const step of process.steps) {
    for (const action of step.actions) {
      if (!known.has(action.to_step)) continue;
      const key = `${step.id}>${action.to_step}`;
      if (!groups.has(key)) groups.set(key, { from: step.id, to: action.to_step, actions: [] });
      groups.get(key)!.actions.push(action);
    }
  }
  const outgoing = new Map<string, number>();
  const incoming = new Map<string, number>();
  const fanOut = new Map<string, number>();
  const fanIn = new Map<string, number>();
  for (const g of groups.values()) {
    fanOut.set(g.from, (fanOut.get(g.from) ?? 0) + 1);
    fanIn.set(g.to, (fanIn.get(g.to) ?? 0) + 1);
  }
  const edges: EdgePath[] = [];
  let backIndex = 0;
  for (const g of groups.values()) {
    const a = nodes.get(g.from)!;
    const b = nodes.get(g.to)!;
    const key = `${g.from}/${g.actions[0].id}`;
    const outN = fanOut.get(g.from)!;
    const inN = fanIn.get(g.to)!;
    const outI = outgoing.get(g.from) ?? 0;
    const inI = incoming.get(g.to) ?? 0;
    outgoing.set(g.from, outI + 1);
    incoming.set(g.to, inI + 1);
    const spread = (i: number, n: number) => (n <= 1 ? 0 : (i / (n - 1) - 0.5) * (NODE_W - 40));
    if (g.from === g.to) {
      const x = a.x + NODE_W;
      const y = a.y + NODE_H / 2;
      edges.push({ ...g, key, kind: "self", d: `M ${x} ${y - 14} C ${x + 46} ${y - 40}, ${x + 46} ${y + 40}, ${x} ${y + 14}`, labelX: x + 40, labelY: y, labelled: true });
    } else if (b.layer > a.layer + 1) {
      const laneIndex = skipTargets.indexOf(g.to);
      const lane = MARGIN + SKIP_LANE * (laneIndex + 1);
      // Down from the source into the gap below its row, left to the lane, down, right to the target.
      const x1 = a.x + 12 + (laneIndex % 4) * 7;
      const gap = a.y + NODE_H + 10 + (laneIndex % 4) * 7;
      const x2 = b.x + NODE_W / 2 + spread(inI, inN);
      const turn = b.y - 22 - (laneIndex % 3) * 8;
      edges.push({ ...g, key, kind: "forward", d: `M ${x1} ${a.y + NODE_H} V ${gap} H ${lane} V ${turn} H ${x2} V ${b.y}`, labelX: (lane + x2) / 2, labelY: turn, labelled: true });
    } else if (b.layer > a.layer) {
      const x1 = a.x + NODE_W / 2 + spread(outI, outN);
      const y1 = a.y + NODE_H;
      const x2 = b.x + NODE_W / 2 + spread(inI, inN);
      const y2 = b.y;
      const bend = Math.max(30, (y2 - y1) / 2);
      const stagger = outN > 1 ? ((outI % 3) - 1) * 15 : 0;
      edges.push({ ...g, key, kind: "forward", d: `M ${x1} ${y1} C ${x1} ${y1 + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`, labelX: (x1 + x2) / 2, labelY: (y1 + y2) / 2 + stagger, labelled: true });
    } else {
      // A loop back (or sideways): out of the source's right side, up a lane on the right, into the target's right side.
      const lane = MARGIN + innerWidth + BACK_LANE * (1 + (backIndex++ % 3));
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2 + 10;
      const x2 = b.x + NODE_W;
      const y2 = b.y + NODE_H / 2 - 10;
      edges.push({ ...g, key, kind: "back", d: `M ${x1} ${y1} C ${lane} ${y1}, ${lane} ${y2}, ${x2} ${y2}`, labelX: (x1 + lane) / 2 + (lane - x1) / 4, labelY: (y1 + y2) / 2, labelled: true });
    }
  }
  // The same action into the same step from many steps (e.g. a withdrawal): its label once, on the last arrow.
  const seenLabels = new Set<string>();
  for (const edge of [...edges].reverse()) {
    const text = `${edge.to}|${edge.actions.map((x) => x.label).join(" / ")}`;
    if (seenLabels.has(text)) edge.labelled = false;
    seenLabels.add(text);
  }
  return { nodes, edges, width, height };
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
  const layout = layoutProcess(process);
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
  const edgeNumbers = (edge: EdgePath) => edge.actions.flatMap((a) => numbersAt.get(errorKey(edge.from, a.id)) ?? []);
  // Errors on an action whose target step does not exist have no arrow: shown on the source step.
  const stepNumbers = (step: DiagramStep) => [
    ...(numbersAt.get(step.id) ?? []),
    ...step.actions.filter((a) => !layout.nodes.has(a.to_step)).flatMap((a) => numbersAt.get(errorKey(step.id, a.id)) ?? []),
  ];

  const heading = title ?? process.name;
  const currentName = current ? names.get(current) : undefined;
  const summary =
    `Sơ đồ quy trình “${process.name}”: ${process.steps.length} bước, ${layout.edges.length} mũi tên chuyển bước.` +
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
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          // Shrinks to the screen down to 70 % of its drawn size; narrower screens scroll.
          style={{ display: "block", margin: "0 auto", fontFamily: "inherit", width: "100%", minWidth: layout.width * 0.7, maxWidth: layout.width, height: "auto" }}
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
          {/* Arrows with errors are drawn last, so nothing hides them. */}
          {[...layout.edges].sort((a, b) => edgeNumbers(a).length - edgeNumbers(b).length).map((edge) => {
            const numbers = edgeNumbers(edge);
            const bad = numbers.length > 0;
            const label = edge.actions.map((a) => a.label).join(" / ");
            const text = `${bad ? "⚠ " : ""}${clip(label, 26)}${bad ? ` [${numbers.join(", ")}]` : ""}`;
            const textWidth = Math.min(230, text.length * 6.4 + 10);
            return (
              <g key={edge.key} data-edge={edge.key} data-error={bad ? "true" : undefined}>
                <title>{`${names.get(edge.from)} → ${names.get(edge.to)}: ${label}`}</title>
                <path
                  d={edge.d}
                  fill="none"
                  stroke={bad ? DANGER : LINE}
                  strokeWidth={bad ? 2.5 : 1.4}
                  strokeDasharray={bad ? "6 4" : edge.kind === "back" || edge.kind === "self" ? "4 3" : undefined}
                  markerEnd={`url(#${base}-${bad ? "arrow-error" : "arrow"})`}
                />
                {edge.labelled || bad ? (
                  <>
                <rect x={edge.labelX - textWidth / 2} y={edge.labelY - 9} width={textWidth} height={17} rx={3} fill="#ffffff" fillOpacity={0.92} stroke={bad ? DANGER : "none"} />
                <text x={edge.labelX} y={edge.labelY + 4} textAnchor="middle" fontSize={11} fill={bad ? DANGER : INK} fontWeight={bad ? 700 : 400}>
                  {text}
                </text>
                  </>
                ) : null}
              </g>
            );
          })}
          {process.steps.map((step) => {
            const box = layout.nodes.get(step.id)!;
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
                {isStart ? (
                  <text x={box.x} y={box.y - 6} fontSize={11} fill={MUTED}>
                    {step.id === process.start_step ? "▶ Bắt đầu (trực tuyến)" : "▶ Bắt đầu (trực tiếp)"}
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
                {onSelectStep && e.key && layout.nodes.has(e.key.split("/")[0]) ? (
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
