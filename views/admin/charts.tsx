/**
 * Charts drawn on the server as SVG, no script: a column chart (a value per day or hour)
 * and a bar chart (a value per named row). Each is an image with a title and a
 * description for screen readers, and shows its figures as a table under "Figures" too.
 * The drawing is 360 units wide, the width of a phone, and scales up with its card, so
 * its words stay readable on either.
 */
import type { ComponentChildren } from "preact";

const W = 360;
const FONT = 12;

export type Point = {
  label: string; value: number; /** the value as people read it */ text: string; /** a class for the row's colour (bar charts) */ tone?: string;
};

type ChartProps = {
  id: string;
  title: string;
  /** one sentence that says what the chart shows, for screen readers */
  desc: string;
  points: Point[];
  /** the table's two column headings */
  columns: [string, string];
};

/** Nice upper bound of the axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function axisTop(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= max)!;
}

function Figure({ id, title, desc, columns, points, height, children }: ChartProps & { height: number; children: ComponentChildren }) {
  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} class="chart-svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{desc}</desc>
        {children}
      </svg>
      <details class="chart-table">
        <summary>Figures<span class="visually-hidden">: {title}</span></summary>
        <table class="admin-table">
          <thead><tr><th scope="col">{columns[0]}</th><th scope="col" class="num">{columns[1]}</th></tr></thead>
          <tbody>{points.map((p) => <tr><th scope="row">{p.label}</th><td class="num">{p.text}</td></tr>)}</tbody>
        </table>
      </details>
    </figure>
  );
}

/** Columns, one per point, left to right; every `labelEvery`-th point names its column below; `whole` axes mark whole numbers only. */
export function ColumnChart(props: ChartProps & { labelEvery: number; axis: (v: number) => string; whole?: boolean }) {
  const { points, labelEvery, axis, whole } = props;
  const H = 190;
  const [left, right, top, bottom] = [46, W - 8, 10, H - 24];
  const max = axisTop(Math.max(0, ...points.map((p) => p.value)));
  const step = (right - left) / Math.max(1, points.length);
  const y = (v: number) => bottom - (Math.max(0, v) / max) * (bottom - top);
  return (
    <Figure {...props} height={H}>
      {[0, max / 2, max].filter((v) => !whole || Number.isInteger(v)).map((v) => (
        <g class="grid">
          <line x1={left} x2={right} y1={y(v)} y2={y(v)} />
          <text x={left - 4} y={y(v) + FONT / 3} text-anchor="end" font-size={FONT}>{axis(v)}</text>
        </g>
      ))}
      {points.map((p, i) => (
        <g>
          <rect class="bar" x={left + i * step + step * 0.15} width={step * 0.7} y={y(p.value)} height={Math.max(0, bottom - y(p.value))}>
            <title>{`${p.label}: ${p.text}`}</title>
          </rect>
          {i % labelEvery === 0 && (
            <text x={left + i * step + step / 2} y={H - 6} text-anchor="middle" font-size={FONT} class="tick">{p.label}</text>
          )}
        </g>
      ))}
    </Figure>
  );
}

/** Horizontal bars, one row per point: its name above it, its figure after it, coloured by its tone. */
export function BarChart(props: ChartProps & { /** what the chart says when there are no rows */ empty: string }) {
  const { points, empty } = props;
  const ROW = 40;
  const font = FONT + 1;
  const H = Math.max(1, points.length) * ROW;
  const max = Math.max(1, ...points.map((p) => p.value));
  const span = W - 56;
  return (
    <Figure {...props} height={H}>
      {points.length === 0 && <text x={0} y={font + 4} font-size={font} class="tick">{empty}</text>}
      {points.map((p, i) => {
        const width = Math.max((Math.max(0, p.value) / max) * span, p.value > 0 ? 2 : 0);
        return (
          <g class={p.tone ? `row ${p.tone}` : "row"}>
            <text x={0} y={i * ROW + font} font-size={font}>{clip(p.label, 46)}</text>
            <rect class="bar" x={0} y={i * ROW + font + 5} width={width} height={ROW - font - 12}>
              <title>{`${p.label}: ${p.text}`}</title>
            </rect>
            <text x={width + 6} y={i * ROW + ROW - 11} font-size={font} class="value">{p.text}</text>
          </g>
        );
      })}
    </Figure>
  );
}

/** A label cut to `n` characters with an ellipsis (the table under the chart has it whole). */
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
