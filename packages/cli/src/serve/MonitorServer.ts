import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { resolveDriftOptions } from "@sketchlog/core/drift"
import { digestDrift } from "../catalog/DigestDrift.js"
import type { StoreCatalog } from "../catalog/StoreCatalog.js"
import { problemText } from "../catalog/StoreProblem.js"
import { RESOLUTION_MS, windowStart } from "../catalog/TimeWindow.js"
import { asset } from "../charts/ChartAssets.js"
import type { MonitorBoard } from "../monitor/MonitorBoard.js"
import { type PageQuery, PageQueryError, parsePageQuery } from "./PageQuery.js"
import { columnPage } from "./pages/ColumnPage.js"
import { datasetPage } from "./pages/DatasetPage.js"
import { datasetsPage } from "./pages/DatasetsPage.js"
import { loginPage, messagePage } from "./pages/MessagePages.js"
import { monitorsPage } from "./pages/MonitorsPage.js"
import { isLoopback, ServeAuth } from "./ServeAuth.js"
import { readForm, SECURITY_HEADERS, safeNext, segmentsOf } from "./ServeHttp.js"

/** Options of `startMonitorServer`. */
export interface MonitorServerOptions {
  readonly catalog: StoreCatalog
  readonly board?: MonitorBoard | undefined
  /** Default 127.0.0.1. Any other address needs `token`. */
  readonly host?: string | undefined
  /** Default 8080; 0 picks a free port. */
  readonly port?: number | undefined
  readonly token?: string | undefined
  /** The store as shown in pages (never with credentials). */
  readonly storeLabel: string
  /** Where problems are written (unreadable profiles, failed listings, request errors). */
  readonly log?: ((line: string) => void) | undefined
  /** Once listening, read what the datasets page shows in the background (default false). */
  readonly warm?: boolean | undefined
}

/** A running monitor server. */
export interface MonitorServer {
  readonly url: string
  readonly server: Server
  readonly close: () => Promise<void>
}

/** A server refused to start (off-loopback address without a token, port in use). */
export class MonitorServerError extends Error {
  readonly _tag = "MonitorServerError"
}

const DRIFT_OPTIONS = resolveDriftOptions()

/**
 * `sketchlog serve`'s HTTP server: read-only pages over a `StoreCatalog` (GET and HEAD only, plus the
 * login form's POST), fixed asset names only, security headers on every answer, a token on every
 * request when one is set (required off loopback). A request that fails is an error page and a line
 * in the log, never a crash.
 */
export const startMonitorServer = async (options: MonitorServerOptions): Promise<MonitorServer> => {
  const host = options.host ?? "127.0.0.1"
  const token = options.token === "" ? undefined : options.token
  if (!isLoopback(host) && token === undefined) {
    throw new MonitorServerError(
      `listening on ${host} lets other machines read the profiles: give --token (or SKETCHLOG_SERVE_TOKEN), or keep the default 127.0.0.1`,
    )
  }
  const auth = new ServeAuth(token)
  const log = options.log ?? (() => undefined)
  const { catalog, board, storeLabel } = options

  const send = (
    response: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    extra: Record<string, string> = {},
  ) => {
    response.writeHead(status, {
      ...SECURITY_HEADERS,
      "content-type": type,
      "cache-control": "no-store",
      ...extra,
    })
    response.end(response.req.method === "HEAD" ? undefined : body)
  }
  const page = (response: ServerResponse, status: number, html: string) =>
    send(response, status, "text/html; charset=utf-8", html)
  const json = (response: ServerResponse, status: number, value: unknown) =>
    send(response, status, "application/json; charset=utf-8", JSON.stringify(value))

  const listingOrPage = async (response: ServerResponse) => {
    try {
      return await catalog.listing()
    } catch (error) {
      page(
        response,
        502,
        messagePage(
          storeLabel,
          "The store cannot be read",
          `Listing ${storeLabel} failed: ${problemText(error)}`,
        ),
      )
      return undefined
    }
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? "GET"
    const url = new URL(request.url ?? "/", "http://localhost")
    const parts = segmentsOf(url.pathname)
    if (parts === undefined)
      return page(response, 400, messagePage(storeLabel, "Bad request", "The address does not decode."))
    // Loopback without a token: only this machine's own names, so a web page elsewhere cannot
    // reach the monitor through a rebound DNS name.
    if (!auth.required) {
      const hostHeader = (request.headers.host ?? "").replace(/:\d+$/, "")
      if (hostHeader !== "" && !isLoopback(hostHeader)) {
        return send(
          response,
          403,
          "text/plain; charset=utf-8",
          "this monitor answers to localhost and 127.0.0.1 only\n",
        )
      }
    }
    if (parts[0] === "assets") {
      if (method !== "GET" && method !== "HEAD")
        return send(response, 405, "text/plain", "read-only\n", { allow: "GET, HEAD" })
      const found = parts.length === 2 ? asset(parts[1] as string) : undefined
      if (found === undefined) return send(response, 404, "text/plain; charset=utf-8", "no such asset\n")
      return send(response, 200, found.type, found.body, { "cache-control": "public, max-age=3600" })
    }
    if (parts[0] === "login" && parts.length === 1) {
      if (!auth.required) return send(response, 303, "text/plain", "", { location: "/" })
      if (method === "POST") {
        const form = await readForm(request)
        const next = safeNext(form?.get("next") ?? null)
        if (form !== undefined && auth.accepts(form.get("token") ?? "")) {
          return send(response, 303, "text/plain", "", { location: next, "set-cookie": auth.sessionCookie() })
        }
        log(`sign-in refused from ${request.socket.remoteAddress ?? "?"}`)
        return page(response, 401, loginPage(storeLabel, true, next))
      }
      if (method !== "GET" && method !== "HEAD")
        return send(response, 405, "text/plain", "read-only\n", { allow: "GET, HEAD, POST" })
      return page(response, 200, loginPage(storeLabel, false, safeNext(url.searchParams.get("next"))))
    }
    if (method !== "GET" && method !== "HEAD")
      return send(response, 405, "text/plain; charset=utf-8", "this monitor is read-only\n", {
        allow: "GET, HEAD",
      })
    if (!auth.allows(request)) {
      if (parts[0] === "api") {
        return json(response, 401, { error: "a bearer token is required" })
      }
      return send(response, 303, "text/plain", "", {
        location: `/login?next=${encodeURIComponent(url.pathname + url.search)}`,
      })
    }
    if (parts.length === 0) return datasets(response)
    if (parts[0] === "monitors" && parts.length === 1) return monitors(response)
    if (parts[0] === "datasets" && parts.length === 2)
      return dataset(response, parts[1] as string, url.searchParams)
    if (parts[0] === "datasets" && parts.length === 4 && parts[2] === "columns") {
      return column(response, parts[1] as string, parts[3] as string, url.searchParams)
    }
    if (parts[0] === "api" && parts[1] === "datasets" && parts.length === 2) return apiDatasets(response)
    if (parts[0] === "api" && parts[1] === "datasets" && parts.length === 5 && parts[3] === "columns") {
      return apiColumn(response, parts[2] as string, parts[4] as string, url.searchParams)
    }
    return page(response, 404, messagePage(storeLabel, "Not found", "There is no page at this address."))
  }

  const summaries = async () => {
    const listing = await catalog.listing()
    return Promise.all(
      [...listing.datasets.values()].map(async (listed) => {
        const to = windowStart(listed.latest, "hour") + RESOLUTION_MS.hour
        const [day, evaluations] = await Promise.all([
          catalog.series(listed.datasetId, { from: to - RESOLUTION_MS.day, to }, "hour"),
          board?.current(listed.datasetId) ?? Promise.resolve([]),
        ])
        return { listing: listed, day, evaluations }
      }),
    )
  }

  const datasets = async (response: ServerResponse) => {
    if ((await listingOrPage(response)) === undefined) return
    const list = await summaries()
    const problems = list.flatMap((s) => [...s.day.problems, ...s.evaluations.flatMap((e) => e.problems)])
    page(response, 200, datasetsPage(storeLabel, list, problems, Date.now()))
  }

  const apiDatasets = async (response: ServerResponse) => {
    const list = await summaries()
    json(response, 200, {
      datasets: list.map((s) => ({
        datasetId: s.listing.datasetId,
        latest: new Date(s.listing.latest).toISOString(),
        profiles: s.listing.profiles.length,
        segments: s.listing.segments,
        rowsPerHour: s.day.points.map((p) => ({ start: new Date(p.start).toISOString(), rows: p.rows })),
        firing: s.evaluations.filter((e) => e.status === "firing").map((e) => e.rule.name),
      })),
    })
  }

  const datasetQuery = async (response: ServerResponse, datasetId: string, params: URLSearchParams) => {
    const listing = await listingOrPage(response)
    if (listing === undefined) return undefined
    const listed = listing.datasets.get(datasetId)
    if (listed === undefined) {
      page(
        response,
        404,
        messagePage(storeLabel, "No such dataset", `The store has no profiles of dataset "${datasetId}".`),
      )
      return undefined
    }
    try {
      return { listed, query: parsePageQuery(params, listed.latest) }
    } catch (error) {
      if (!(error instanceof PageQueryError)) throw error
      page(response, 400, messagePage(storeLabel, "Bad time range", error.message))
      return undefined
    }
  }

  const dataset = async (response: ServerResponse, datasetId: string, params: URLSearchParams) => {
    const found = await datasetQuery(response, datasetId, params)
    if (found === undefined) return
    const { listed, query } = found
    const [series, target, reference, evaluations] = await Promise.all([
      catalog.series(datasetId, query.range, query.resolution, query.segment),
      catalog.digest(datasetId, query.range, query.segment),
      catalog.digest(datasetId, query.reference, query.segment),
      board?.current(datasetId) ?? Promise.resolve([]),
    ])
    const drift = new Map(
      [...target.digest.columns].map(([name, digest]) => [
        name,
        digestDrift(name, reference.digest.columns.get(name), digest, DRIFT_OPTIONS),
      ]),
    )
    // Each problem was logged once by the catalog when it happened; the page lists them all.
    const problems = [...series.problems, ...target.problems, ...reference.problems]
    page(
      response,
      200,
      datasetPage({
        storeUrl: storeLabel,
        listing: listed,
        query,
        series,
        drift,
        referenceRows: reference.digest.rows,
        evaluations,
        problems,
      }),
    )
  }

  const column = async (
    response: ServerResponse,
    datasetId: string,
    name: string,
    params: URLSearchParams,
  ) => {
    const found = await datasetQuery(response, datasetId, params)
    if (found === undefined) return
    const { listed, query } = found
    const series = await catalog.series(datasetId, query.range, query.resolution, query.segment)
    if (!series.points.some((p) => p.columns.has(name))) {
      return page(
        response,
        404,
        messagePage(
          storeLabel,
          "No such column",
          `Dataset "${datasetId}" has no column "${name}" in this range.`,
        ),
      )
    }
    const step = RESOLUTION_MS[query.resolution]
    const latestWithColumn = [...series.points].reverse().find((p) => p.columns.has(name))?.start
    const window = query.window !== undefined ? windowStart(query.window, query.resolution) : latestWithColumn
    const [target, reference] = await Promise.all([
      window === undefined
        ? undefined
        : catalog.digest(datasetId, { from: window, to: window + step }, query.segment),
      catalog.digest(datasetId, query.reference, query.segment),
    ])
    const windowDigest = target?.digest.columns.get(name)
    const referenceDigest = reference.digest.columns.get(name)
    page(
      response,
      200,
      columnPage({
        storeUrl: storeLabel,
        listing: listed,
        column: name,
        query,
        series,
        window,
        windowDigest,
        referenceDigest,
        drift:
          windowDigest === undefined
            ? undefined
            : digestDrift(name, referenceDigest, windowDigest, DRIFT_OPTIONS),
        problems: [...series.problems, ...(target?.problems ?? []), ...reference.problems],
      }),
    )
  }

  const apiColumn = async (
    response: ServerResponse,
    datasetId: string,
    name: string,
    params: URLSearchParams,
  ) => {
    const listing = await catalog.listing()
    const listed = listing.datasets.get(datasetId)
    if (listed === undefined) return json(response, 404, { error: `no dataset ${datasetId}` })
    let query: PageQuery
    try {
      query = parsePageQuery(params, listed.latest)
    } catch (error) {
      if (error instanceof PageQueryError) return json(response, 400, { error: error.message })
      throw error
    }
    const series = await catalog.series(datasetId, query.range, query.resolution, query.segment)
    json(response, 200, {
      datasetId,
      column: name,
      resolution: query.resolution,
      points: series.points.map((p) => {
        const c = p.columns.get(name)
        return {
          start: new Date(p.start).toISOString(),
          n: c?.n ?? 0,
          nulls: c?.nulls ?? 0,
          bands: c?.bands ?? null,
          cardinality: c?.cardinality ?? null,
          top: c?.top.map((t) => ({ value: t.value, est: t.est })) ?? [],
        }
      }),
      problems: series.problems,
    })
  }

  const monitors = async (response: ServerResponse) => {
    if (board === undefined) return page(response, 200, monitorsPage(storeLabel, undefined, []))
    if ((await listingOrPage(response)) === undefined) return
    const current = await board.current()
    const views = []
    for (const evaluation of current)
      views.push({ current: evaluation, history: await board.history(evaluation.rule) })
    const problems = views.flatMap((v) => [...v.current.problems, ...v.history.flatMap((h) => h.problems)])
    page(response, 200, monitorsPage(storeLabel, views, problems))
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message = problemText(error)
      log(`${request.method ?? "?"} ${(request.url ?? "").slice(0, 200)}: ${message}`)
      if (!response.headersSent) page(response, 500, messagePage(storeLabel, "Something went wrong", message))
      else response.destroy()
    })
  })
  server.on("clientError", (_error, socket) => socket.destroy())
  server.headersTimeout = 20_000
  server.requestTimeout = 120_000
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new MonitorServerError(
          error.code === "EADDRINUSE"
            ? `port ${options.port ?? 8080} on ${host} is in use: choose another with --port (0 picks a free one)`
            : `cannot listen on ${host}:${options.port ?? 8080}: ${error.message}`,
        ),
      ),
    )
    server.listen(options.port ?? 8080, host, () => resolve())
  })
  // A failed warm-up is shown by the page that needs the same reads, and logged by the catalog.
  if (options.warm === true) summaries().catch(() => undefined)
  const port = (server.address() as AddressInfo).port
  const shownHost = host.includes(":") ? `[${host}]` : host
  return {
    url: `http://${shownHost}:${port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
