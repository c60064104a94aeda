/**
 * The route template of an Express request: the mount templates of the routers it went through,
 * joined with the template of the route that answered (`/api/users/:userId` + `/orders/:orderId`).
 * Express keeps only the *matched* mount path (`req.baseUrl`, with real ids in it), so the mount
 * templates are found again by walking the app's router tree along `req.baseUrl`. Works on Express 4
 * (`app._router`, layers with `keys`/`params`) and 5 (`app.router`; router 2.3+ reports the pattern
 * from `layer.match`). A raw path segment is never returned: what cannot be resolved to a template is
 * spelled `(mount)`.
 */
export const routeTemplate = (route: unknown, baseUrl: unknown, app: unknown): string | undefined => {
  const path = patternText((route as { path?: unknown } | undefined)?.path)
  if (path === undefined) return undefined
  if (typeof baseUrl !== "string" || baseUrl === "" || baseUrl === "/") return path
  const mount = mountTemplate(app, baseUrl) ?? UNRESOLVED_MOUNT
  // `router.get("/")` under `/users` answers `/users`: no trailing slash from the inner "/".
  return path === "/" ? mount : mount + path
}

/** What an unresolvable mount path becomes (an app mounted in a way the walk cannot follow). */
export const UNRESOLVED_MOUNT = "(mount)"

/** Deepest router nesting followed. */
const MAX_DEPTH = 16

interface LayerLike {
  readonly route?: unknown
  readonly handle?: unknown
  readonly path?: unknown
  readonly params?: unknown
  readonly regexp?: unknown
  match?(path: string): unknown
}

interface AppLike {
  readonly parent?: unknown
  readonly _router?: { readonly stack?: unknown }
  readonly router?: { readonly stack?: unknown }
}

const patternText = (pattern: unknown): string | undefined => {
  if (typeof pattern === "string") return pattern
  if (pattern instanceof RegExp) return String(pattern)
  if (Array.isArray(pattern)) {
    const parts = pattern.map(patternText).filter((p) => p !== undefined)
    return parts.length === 0 ? undefined : parts.join("|")
  }
  return undefined
}

/** The router stack of an app: `_router` on Express 4 (where `app.router` throws), `router` on 5. */
const appStack = (app: unknown): ReadonlyArray<LayerLike> | undefined => {
  if (typeof app !== "function" && (typeof app !== "object" || app === null)) return undefined
  const a = app as AppLike
  const router = a._router ?? a.router
  return Array.isArray(router?.stack) ? (router.stack as ReadonlyArray<LayerLike>) : undefined
}

/** The stack of a router handle (`express.Router()` is a function with a `stack`). */
const routerStack = (handle: unknown): ReadonlyArray<LayerLike> | undefined => {
  if (typeof handle !== "function") return undefined
  const stack = (handle as { stack?: unknown }).stack
  return Array.isArray(stack) ? (stack as ReadonlyArray<LayerLike>) : undefined
}

/**
 * The template of `baseUrl`, or undefined when no chain of mounted routers matches all of it. `app` is
 * the app the request is in at the end (a sub-app when one answered); the walk starts at its top-most
 * parent, and steps into a mounted sub-app through that parent chain (Express wraps sub-apps in an
 * anonymous `mounted_app` function that hides them).
 */
const mountTemplate = (app: unknown, baseUrl: string): string | undefined => {
  const chain: Array<unknown> = []
  let top: unknown = app
  for (let i = 0; i < MAX_DEPTH && top !== undefined && top !== null; i++) {
    chain.push(top)
    top = (top as AppLike).parent
  }
  const root = chain[chain.length - 1]
  const stack = appStack(root)
  if (stack === undefined) return undefined
  try {
    return search(stack, root, baseUrl, chain, 0)
  } catch {
    return undefined // a layer whose matcher throws on this path: give up rather than guess
  }
}

const search = (
  stack: ReadonlyArray<LayerLike>,
  owner: unknown,
  rest: string,
  chain: ReadonlyArray<unknown>,
  depth: number,
): string | undefined => {
  if (depth >= MAX_DEPTH) return undefined
  for (const layer of stack) {
    if (layer.route !== undefined || typeof layer.match !== "function") continue
    let inner = routerStack(layer.handle)
    let innerOwner = owner
    if (inner === undefined && isMountedApp(layer.handle)) {
      // A mounted sub-app: the one in the request's app chain whose parent is this app.
      const sub = chain.find((candidate) => (candidate as AppLike).parent === owner)
      inner = sub === undefined ? undefined : appStack(sub)
      innerOwner = sub
    }
    if (inner === undefined) continue
    const matched = matchLayer(layer, rest)
    if (matched === undefined) continue
    const after = rest.slice(matched.path.length)
    if (after === "" || after === "/") return matched.template
    const below = search(inner, innerOwner, after, chain, depth + 1)
    if (below !== undefined) return matched.template + below
  }
  return undefined
}

/** Express (4 and 5) wraps an app given to `app.use(path, subApp)` in a function of this name. */
const isMountedApp = (handle: unknown): boolean =>
  typeof handle === "function" && handle.name === "mounted_app"

interface LayerMatch {
  /** The part of the path the layer consumed. */
  readonly path: string
  /** Its template (`/users/:userId`), empty for a router mounted at `/`. */
  readonly template: string
}

const matchLayer = (layer: LayerLike, rest: string): LayerMatch | undefined => {
  const result = layer.match!(rest)
  if (result === false || result === undefined || result === null) return undefined
  if (typeof result === "object") {
    // router ≥ 2.3 (Express 5.2+): `{ path, pattern, params }`, the pattern as the app wrote it.
    const { path, pattern } = result as { path?: unknown; pattern?: unknown }
    if (typeof path !== "string" || !rest.startsWith(path)) return undefined
    const text = patternText(pattern)
    return { path, template: text === undefined || text === "/" ? "" : text }
  }
  // Express 4 and router < 2.3: `match` returns true and leaves the matched path and params on the
  // layer. The template is the matched path with each parameter's value put back as `:name`.
  const path = layer.path
  if (typeof path !== "string" || !rest.startsWith(path)) return undefined
  const template = parameterize(path, layer.params, layer.regexp instanceof RegExp ? layer.regexp : undefined)
  return template === undefined ? undefined : { path, template: template === "/" ? "" : template }
}

/**
 * `/users/42` with params `{ userId: "42" }` → `/users/:userId`. Each parameter replaces the first
 * remaining segment that decodes to its value; if one cannot be placed the template is unknown (never
 * the raw path). When the layer's regular expression is known (Express 4), every segment left as
 * literal text must occur in it, spelled as it occurs there: a segment matched by a user's `RegExp`
 * mount (`/^\/v\d+/` matching `/v2`), or in another case than the app wrote it, is client text and
 * makes the template unknown or takes the app's spelling.
 */
const parameterize = (path: string, params: unknown, regexp: RegExp | undefined): string | undefined => {
  const segments = path.split("/")
  const isParam = new Array<boolean>(segments.length).fill(false)
  if (typeof params === "object" && params !== null) {
    let from = 1
    for (const [name, value] of Object.entries(params)) {
      if (typeof value !== "string") return undefined
      let placed = false
      for (let i = from; i < segments.length; i++) {
        if (safeDecode(segments[i]!) === value) {
          segments[i] = `:${name}`
          isParam[i] = true
          from = i + 1
          placed = true
          break
        }
      }
      if (!placed) return undefined
    }
  }
  if (regexp !== undefined) {
    const source = regexp.source
    const folded = regexp.flags.includes("i") ? source.toLowerCase() : source
    for (let i = 1; i < segments.length; i++) {
      const segment = segments[i]!
      if (isParam[i] || segment === "") continue
      const escaped = segment.replace(/[.+*?=^!:${}()[\]|\\/]/g, "\\$&")
      const at = folded.indexOf(regexp.flags.includes("i") ? escaped.toLowerCase() : escaped)
      if (at === -1) return undefined
      segments[i] = source.slice(at, at + escaped.length).replace(/\\(.)/g, "$1")
    }
  }
  return segments.join("/")
}

const safeDecode = (segment: string): string => {
  if (!segment.includes("%")) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
