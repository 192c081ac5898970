/**
 * Product pictures drawn on request: a deterministic SVG per SKU and picture number, so the
 * shop needs no image files and no network. Colour comes from the category (a family of
 * hues) nudged by the SKU, the shape from the picture number, and the product's name is
 * written on it. Text is XML-escaped and nothing in it can run: no script, no handlers,
 * no external references.
 */

type Picture = { sku: string; name: string; category: string };

const W = 400;
const H = 300;
const LINE_CHARS = 22;
const MAX_LINES = 3;

/** The SVG document of picture `index` (1-based) of a product. */
export function productSvg(p: Picture, index: number): string {
  const hue = (fnv1a(p.category) % 360 + (fnv1a(p.sku) % 41) - 20 + 360) % 360;
  const bg = `hsl(${hue}, 60%, 92%)`;
  const fg = `hsl(${(hue + index * 25) % 360}, 55%, 42%)`;
  const title = escapeXml(`${p.name}, picture ${index}`);
  const lines = wrap(p.name, LINE_CHARS, MAX_LINES);
  const text = lines.map((line, i) => `<tspan x="${W / 2}" dy="${i === 0 ? 0 : 1.2}em">${escapeXml(line)}</tspan>`).join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<rect width="${W}" height="${H}" fill="${bg}"/>`,
    shape(index, fg),
    `<text x="${W / 2}" y="${H - 20 - (lines.length - 1) * 22}" text-anchor="middle" font-family="system-ui, sans-serif" font-size="18" fill="#1d2330">${text}</text>`,
    `</svg>`,
  ].join("");
}

/** One of four simple shapes, so a product's pictures differ from each other. */
function shape(index: number, fill: string): string {
  switch (index % 4) {
    case 1: return `<circle cx="200" cy="120" r="70" fill="${fill}"/>`;
    case 2: return `<rect x="120" y="50" width="160" height="140" rx="18" fill="${fill}"/>`;
    case 3: return `<polygon points="200,40 290,190 110,190" fill="${fill}"/>`;
    default: return `<polygon points="200,40 280,120 200,200 120,120" fill="${fill}"/>`;
  }
}

/** Words into at most `max` lines of about `width` characters; an ellipsis marks a cut. */
function wrap(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= max) return lines.map((l) => clip(l, width));
  return [...lines.slice(0, max - 1), clip(`${lines[max - 1]}…`, width)];
}

const clip = (line: string, width: number) => (line.length > width + 6 ? `${line.slice(0, width + 5)}…` : line);

/** Text safe inside XML content and attributes; control characters XML forbids are dropped. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** 32-bit FNV-1a: a small stable hash, the same in every runtime. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
