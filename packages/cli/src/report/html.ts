/**
 * HTML built from tagged templates that escape every interpolated value: text from a profile (column
 * names, frequent values, tags, a title) can only ever become text, never markup. Markup made by
 * this module's own templates is carried as `SafeHtml` and inserted as is.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
}

/** Text escaped for use in element content and quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)

/** What may be interpolated: text and numbers (escaped), fragments, lists of them, or nothing. */
export type HtmlValue = SafeHtml | string | number | null | undefined | false | ReadonlyArray<HtmlValue>

const render = (value: HtmlValue): string => {
  if (value === null || value === undefined || value === false) return ""
  if (value instanceof SafeHtml) return value.value
  if (Array.isArray(value)) return value.map(render).join("")
  return escapeHtml(String(value))
}

/** `html\`<td>${name}</td>\``: escapes `name` unless it is already `SafeHtml`. */
export const html = (strings: TemplateStringsArray, ...values: ReadonlyArray<HtmlValue>): SafeHtml => {
  let out = strings[0] ?? ""
  for (let i = 0; i < values.length; i++) out += render(values[i] as HtmlValue) + (strings[i + 1] ?? "")
  return new SafeHtml(out)
}

/** Marks markup this module produced itself (CSS, numbers formatted for SVG) as safe. Never pass profile text. */
export const trusted = (markup: string): SafeHtml => new SafeHtml(markup)

/** A number for an SVG attribute: finite, at most 2 decimals. */
export const svgNumber = (value: number): string =>
  Number.isFinite(value) ? String(Math.round(value * 100) / 100) : "0"
