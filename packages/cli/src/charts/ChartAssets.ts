import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

/** A file the pages load: its bytes and content type. */
export interface Asset {
  readonly body: Buffer
  readonly type: string
}

const require = createRequire(import.meta.url)
/** `ui/` sits two levels above both `src/charts/` and `dist/charts/`. */
const ui = (name: string) => fileURLToPath(new URL(`../../ui/${name}`, import.meta.url))

const files: Readonly<Record<string, readonly [() => string, string]>> = {
  "uPlot.iife.min.js": [
    () => require.resolve("uplot/dist/uPlot.iife.min.js"),
    "text/javascript; charset=utf-8",
  ],
  "uPlot.min.css": [() => require.resolve("uplot/dist/uPlot.min.css"), "text/css; charset=utf-8"],
  "charts.js": [() => ui("charts.js"), "text/javascript; charset=utf-8"],
  "pages.js": [() => ui("pages.js"), "text/javascript; charset=utf-8"],
  "sketchlog.css": [() => ui("sketchlog.css"), "text/css; charset=utf-8"],
  "favicon.svg": [() => ui("favicon.svg"), "image/svg+xml"],
}

const loaded = new Map<string, Asset>()

/**
 * The asset called `name`, or undefined: only the fixed names above exist (uPlot from its installed
 * package, the rest from this package's `ui/`), so no request path is ever joined onto a folder.
 */
export const asset = (name: string): Asset | undefined => {
  if (!Object.hasOwn(files, name)) return undefined
  const known = loaded.get(name)
  if (known !== undefined) return known
  const [path, type] = files[name] as readonly [() => string, string]
  const entry = { body: readFileSync(path()), type }
  loaded.set(name, entry)
  return entry
}

/** The names of every asset. */
export const assetNames = (): ReadonlyArray<string> => Object.keys(files)

/** An asset's text (for inlining into the offline report). */
export const assetText = (name: string): string => {
  const found = asset(name)
  if (found === undefined) throw new Error(`no asset ${name}`)
  return found.body.toString("utf8")
}

/** A CSP source for an inline script or style: `'sha256-…'`. */
export const cspHash = (text: string): string =>
  `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`
