// An accessible horizontal bar chart (SVG): the picture is named and summarised for screen
// readers (role="img", <title>, <desc>), every series has a legend entry with its own texture as
// well as colour (WCAG 1.4.1), values are written on the bars, and the same numbers are offered
// as a data table right under it (the table alternative of WCAG 1.1.1).

import { formatNumber } from "./model";

export interface Series {
  key: string;
  label: string;
  color: string;
  texture?: "solid" | "hatch" | "dots";
}

export interface Category {
  key: string;
  label: string;
}

interface ChartProps {
  id: string;
  title: string;
  summary: string;
  categories: Category[];
  series: Series[];
  value: (category: Category, series: Series) => number;
  stacked?: boolean;
  categoryHeader: string;
}

const WIDTH = 640;
const LABEL_WIDTH = 180;
const BAR_AREA = WIDTH - LABEL_WIDTH - 56;
const BAR = 14;
const GAP = 12;

function short(text: string, max = 27): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function fill(chartId: string, s: Series): string {
  return s.texture && s.texture !== "solid" ? `url(#${chartId}-${s.key})` : s.color;
}

export function BarChart({ id, title, summary, categories, series, value, stacked = false, categoryHeader }: ChartProps) {
  const totals = categories.map((c) => series.reduce((sum, s) => sum + value(c, s), 0));
  const max = Math.max(1, ...(stacked ? totals : categories.flatMap((c) => series.map((s) => value(c, s)))));
  const rowHeight = stacked ? BAR + GAP : series.length * (BAR + 2) + GAP;
  const height = Math.max(rowHeight * categories.length + 8, 40);
  const scale = (n: number) => (n / max) * BAR_AREA;

  return (
    <figure className="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-labelledby={`${id}-svg-title ${id}-svg-desc`}
        preserveAspectRatio="xMinYMin meet"
        className="chart-svg"
      >
        <title id={`${id}-svg-title`}>{title}</title>
        <desc id={`${id}-svg-desc`}>{summary}</desc>
        <defs>
          {series
            .filter((s) => s.texture === "hatch")
            .map((s) => (
              <pattern key={s.key} id={`${id}-${s.key}`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="6" height="6" fill={s.color} />
                <line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" strokeWidth="2" />
              </pattern>
            ))}
          {series
            .filter((s) => s.texture === "dots")
            .map((s) => (
              <pattern key={s.key} id={`${id}-${s.key}`} width="5" height="5" patternUnits="userSpaceOnUse">
                <rect width="5" height="5" fill={s.color} />
                <circle cx="2.5" cy="2.5" r="1.1" fill="#ffffff" />
              </pattern>
            ))}
        </defs>
        {categories.map((category, row) => {
          const top = row * rowHeight + 4;
          let x = LABEL_WIDTH;
          return (
            <g key={category.key}>
              <text x={LABEL_WIDTH - 8} y={top + (stacked ? BAR : rowHeight - GAP) / 2 + 4} textAnchor="end" className="chart-label">
                {short(category.label)}
              </text>
              {series.map((s, index) => {
                const n = value(category, s);
                const width = scale(n);
                if (stacked) {
                  const rect = <rect key={s.key} x={x} y={top} width={width} height={BAR} fill={fill(id, s)} stroke="#1b1b1b" strokeWidth={n ? 0.5 : 0} />;
                  x += width;
                  return rect;
                }
                const y = top + index * (BAR + 2);
                return (
                  <g key={s.key}>
                    <rect x={LABEL_WIDTH} y={y} width={width} height={BAR} fill={fill(id, s)} stroke="#1b1b1b" strokeWidth={n ? 0.5 : 0} />
                    <text x={LABEL_WIDTH + width + 4} y={y + BAR - 3} className="chart-value">
                      {formatNumber(n)}
                    </text>
                  </g>
                );
              })}
              {stacked && (
                <text x={x + 4} y={top + BAR - 3} className="chart-value">
                  {formatNumber(totals[row])}
                </text>
              )}
            </g>
          );
        })}
        <line x1={LABEL_WIDTH} y1="0" x2={LABEL_WIDTH} y2={height} stroke="#4f5560" strokeWidth="1" />
      </svg>
      <ul className="chart-legend" aria-label={`Chú giải: ${title}`}>
        {series.map((s) => (
          <li key={s.key}>
            <svg width="16" height="16" aria-hidden="true" focusable="false">
              <rect width="16" height="16" fill={s.color} stroke="#1b1b1b" strokeWidth="0.5" />
              {s.texture === "hatch" && <path d="M0 16 L16 0 M-4 4 L4 -4 M12 20 L20 12" stroke="#ffffff" strokeWidth="2" />}
              {s.texture === "dots" && <circle cx="8" cy="8" r="2" fill="#ffffff" />}
            </svg>
            {s.label}
          </li>
        ))}
      </ul>
      <details className="chart-data">
        <summary>Xem số liệu dạng bảng: {title}</summary>
        <div className="table-scroll">
          <table>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">{categoryHeader}</th>
                {series.map((s) => (
                  <th key={s.key} scope="col" className="report-num">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {categories.map((c) => (
                <tr key={c.key}>
                  <th scope="row">{c.label}</th>
                  {series.map((s) => (
                    <td key={s.key} className="report-num">
                      {formatNumber(value(c, s))}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
