/**
 * What a screen reader and a keyboard need from a page, checked in the browser on the page
 * as rendered (computed styles, real focus): each finding is a sentence naming the element.
 *
 * - structure: a language, a title, one h1, unique ids, references to ids that exist
 * - names: every control, link and picture has one (a <label>, its text, alt)
 * - contrast: text against what is painted behind it, WCAG AA (4.5:1, 3:1 for large text)
 * - focus: Tab starts at "Skip to content", follows the document order (no positive
 *   tabindex), never lands on something invisible, and always shows where it is
 */
import type { Page } from "playwright-core";

/** Problems with structure, names and contrast on the page as it is now. */
export function auditPage(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const describe = (el: Element) => {
      const text = (el.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}${el.className ? `.${String(el.className).replace(/\s+/g, ".")}` : ""}> "${text}"`;
    };
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 1 && r.height > 1 && s.visibility !== "hidden" && s.display !== "none";
    };

    // structure
    if (!document.documentElement.lang) problems.push("<html> has no lang");
    if (!document.title.trim()) problems.push("the page has no title");
    const h1s = document.querySelectorAll("h1").length;
    if (h1s !== 1) problems.push(`${h1s} h1 elements, expected one`);
    const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
    for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) problems.push(`id "${id}" is used twice`);
    for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby], label[for], [aria-controls]")) {
      const refs = ["aria-describedby", "aria-labelledby", "for", "aria-controls"].flatMap((a) => (el.getAttribute(a) ?? "").split(/\s+/));
      for (const ref of refs.filter(Boolean)) if (!document.getElementById(ref)) problems.push(`${describe(el)} refers to missing id "${ref}"`);
    }
    for (const el of document.querySelectorAll("[tabindex]")) {
      if (Number(el.getAttribute("tabindex")) > 0) problems.push(`${describe(el)} has a positive tabindex`);
    }

    // names
    const labelledBy = (el: Element) => (el.getAttribute("aria-labelledby") ?? "").split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? "").join("");
    const nameOf = (el: Element): string => {
      const aria = el.getAttribute("aria-label")?.trim() || labelledBy(el);
      if (aria) return aria;
      if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) {
        return [...(el.labels ?? [])].map((l) => l.textContent?.trim() ?? "").join(" ").trim();
      }
      const alts = [...el.querySelectorAll("img")].map((img) => img.alt).join(" ");
      return `${el.textContent ?? ""} ${alts}`.trim();
    };
    const controls = document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary");
    for (const el of controls) if (!nameOf(el)) problems.push(`${describe(el)} has no accessible name`);
    for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) problems.push(`${describe(img)} has no alt`);

    // contrast of every visible run of text against the colours painted behind it
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba => {
      const m = css.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 0];
      return [m[0] ?? 0, m[1] ?? 0, m[2] ?? 0, m[3] ?? 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3] + bottom[3] * (1 - top[3]);
      const mix = (i: number) => (a === 0 ? 0 : (top[i]! * top[3] + bottom[i]! * bottom[3] * (1 - top[3])) / a);
      return [mix(0), mix(1), mix(2), a];
    };
    const backdrop = (el: Element | null): Rgba => {
      if (!el) return [255, 255, 255, 1]; // the canvas
      return over(parse(getComputedStyle(el).backgroundColor), backdrop(el.parentElement));
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const ratio = (a: Rgba, b: Rgba) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    for (const el of document.body.querySelectorAll("*")) {
      const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      if (!hasText || !visible(el) || el.closest(".visually-hidden, svg, option")) continue;
      const s = getComputedStyle(el);
      const bg = backdrop(el);
      const fg = over(parse(s.color), bg);
      const size = parseFloat(s.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
      const need = large ? 3 : 4.5;
      const got = ratio(fg, bg);
      if (got < need) problems.push(`${describe(el)}: contrast ${got.toFixed(2)}:1, needs ${need}:1 (${s.color} on ${s.backgroundColor})`);
    }
    return problems;
  });
}

/**
 * Tab through the page from its start. Problems: the first stop is not the skip link, a
 * stop comes before the previous one in the document, a stop is invisible or shows no
 * focus ring. Returns them with the stops' names, in order.
 */
export async function auditFocus(page: Page, maxStops = 80): Promise<{ problems: string[]; stops: string[] }> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.getSelection()?.removeAllRanges();
  });
  const problems: string[] = [];
  const stops: string[] = [];
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate((index) => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const w = window as unknown as { __focusTrail?: Element[] };
      const trail = (w.__focusTrail = index === 0 ? [] : (w.__focusTrail ?? []));
      const previous = trail.at(-1);
      if (trail.length > 0 && trail[0] === el) return null; // wrapped round to the first stop: the end
      trail.push(el);
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      const text = (el.getAttribute("aria-label") ?? el.textContent ?? (el as HTMLInputElement).value ?? "").trim().replace(/\s+/g, " ");
      const name = `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ""}> "${text.slice(0, 40)}"`;
      return {
        name,
        backwards: previous !== undefined && previous !== el && !(previous.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING),
        repeated: previous === el,
        invisible: r.width < 2 || r.height < 2 || s.visibility === "hidden",
        ring: (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== "none",
        first: index === 0 ? text : null,
      };
    }, i);
    if (!stop) break; // focus left the document's controls, or came round again: the end
    if (stop.repeated) break;
    stops.push(stop.name);
    if (stop.first !== null && stop.first !== "Skip to content") problems.push(`the first Tab stop is ${stop.name}, not the skip link`);
    if (stop.backwards) problems.push(`${stop.name} comes earlier in the document than the stop before it`);
    if (stop.invisible) problems.push(`${stop.name} takes focus but cannot be seen`);
    if (!stop.ring) problems.push(`${stop.name} shows no focus ring`);
  }
  return { problems, stops };
}

/** Horizontal scrolling on this page (a document wider than the window), as a problem, or none. */
export async function auditWidth(page: Page): Promise<string[]> {
  const size = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  return size.scroll > size.inner ? [`the page is ${size.scroll} px wide in a ${size.inner} px window`] : [];
}
