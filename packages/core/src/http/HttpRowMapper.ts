import { Effect } from "effect"
import { segmentText } from "../profile/index.js"
import { HttpColumn } from "./HttpColumns.js"
import type { HttpExchange } from "./HttpExchange.js"
import { HttpOptionsError } from "./HttpOptionsError.js"
import type { HttpRow, HttpRowResult, HttpRowSkipped } from "./HttpRow.js"
import type { HttpRowOptions } from "./HttpRowOptions.js"
import { BodyWalk } from "./internal/bodyWalk.js"
import { boundedString } from "./internal/boundedString.js"
import {
  type CompiledOptions,
  compileOptions,
  isDatasetId,
  type WatchedHeader,
} from "./internal/compileOptions.js"
import {
  durationMs,
  errorName,
  methodName,
  routeName,
  statusClass,
  statusCode,
  timestampMs,
} from "./internal/exchangeIdentity.js"
import { FieldForest, type FieldTree } from "./internal/fieldTree.js"
import { MessageSummary } from "./internal/messageSummary.js"

/**
 * Turns finished HTTP exchanges into bounded, redacted rows. One mapper per adapter instance: it learns
 * the field paths of each route (so familiar bodies map fast) within a fixed budget. Mapping never
 * throws, whatever the exchange holds; it is synchronous and does not retain the exchange.
 */
export interface HttpRowMapper {
  /** The row for an exchange, or why there is none. */
  map(exchange: HttpExchange): HttpRowResult
  /** Forgets the learned field paths, giving every route its full column budget again. */
  reset(): void
}

const IGNORED: HttpRowSkipped = Object.freeze({ _tag: "Skipped", reason: "ignored" })
const SAMPLED_OUT: HttpRowSkipped = Object.freeze({ _tag: "Skipped", reason: "sampled-out" })
const UNREADABLE: HttpRowSkipped = Object.freeze({ _tag: "Skipped", reason: "unreadable-exchange" })
const NO_SEGMENT: Readonly<Record<string, string>> = Object.freeze(Object.create(null))

const callbackFailed = (cause: unknown): HttpRowSkipped => ({
  _tag: "Skipped",
  reason: "callback-failed",
  cause,
})

class Mapper implements HttpRowMapper {
  private readonly forest: FieldForest
  private readonly walker: BodyWalk
  private readonly request: MessageSummary
  private readonly response: MessageSummary
  /** Fixed columns that `exclude` removes (deleted after the row is built; rare, so not optimised). */
  private readonly excludedFixed: ReadonlyArray<string>

  constructor(private readonly options: CompiledOptions) {
    this.forest = new FieldForest(options.fields)
    this.walker = new BodyWalk(options.limits)
    const index = (headers: ReadonlyArray<WatchedHeader>) => new Map(headers.map((h, i) => [h.name, i]))
    this.request = new MessageSummary(index(options.requestHeaders), options.limits.maxBodyBytes)
    this.response = new MessageSummary(index(options.responseHeaders), options.limits.maxBodyBytes)
    this.excludedFixed = (Object.keys(HttpColumn) as Array<keyof typeof HttpColumn>)
      .filter((key) => !options.keep[key])
      .map((key) => HttpColumn[key])
  }

  reset(): void {
    this.forest.clear()
  }

  map(exchange: HttpExchange): HttpRowResult {
    const o = this.options
    // Cheap refusals first: an ignored or sampled-out exchange costs no row at all.
    if (o.ignore !== undefined) {
      try {
        if (o.ignore(exchange)) return IGNORED
      } catch (cause) {
        return callbackFailed(cause)
      }
    }
    if (o.sampleRate < 1) {
      let draw: number
      try {
        draw = o.random()
      } catch (cause) {
        return callbackFailed(cause)
      }
      if (!(draw < o.sampleRate)) return SAMPLED_OUT
    }
    let row: HttpRow
    let timestamp: number
    try {
      row = this.row(exchange)
      timestamp = timestampMs(exchange.timestamp, Date.now)
    } catch {
      return UNREADABLE
    }
    let datasetId: string | undefined
    if (typeof o.datasetId === "function") {
      try {
        const chosen = o.datasetId(exchange)
        if (chosen !== undefined && !isDatasetId(chosen)) {
          return callbackFailed(
            new TypeError("datasetId(exchange) must return 1 to 256 characters or undefined"),
          )
        }
        datasetId = chosen
      } catch (cause) {
        return callbackFailed(cause)
      }
    } else {
      datasetId = o.datasetId
    }
    return { _tag: "Row", row, datasetId, segment: this.segment(row), timestamp }
  }

  private segment(row: HttpRow): Readonly<Record<string, string>> {
    const columns = this.options.segmentOn
    if (columns.length === 0) return NO_SEGMENT
    const segment: Record<string, string> = Object.create(null)
    for (let i = 0; i < columns.length; i++) {
      // Spelled as the segmented profile spells its keys (Python's str(): "None", "True", "404"), so
      // this key and the profile's segment agree.
      segment[columns[i]!] = segmentText(row[columns[i]!])
    }
    return segment
  }

  private row(exchange: HttpExchange): HttpRow {
    const status = statusCode(exchange.status)
    const route = routeName(exchange.route, status)
    const request = this.request
    const response = this.response
    request.read(exchange.request)
    response.read(exchange.response)
    // A null-prototype object: no key can reach Object.prototype and nothing inherited shows up in a
    // `for…in`. Every fixed column is written (null when unknown) so each counts every request; they
    // are written with literal keys, which the engine resolves once per call site.
    const row: HttpRow = Object.create(null)
    row["http.method"] = methodName(exchange.method)
    row["http.route"] = route
    row["http.status"] = status
    row["http.status_class"] = statusClass(status)
    row["http.duration_ms"] = durationMs(exchange.durationMs)
    row["http.aborted"] = exchange.aborted === true
    row["http.error"] = errorName(exchange.error)
    row["http.request.size"] = request.size
    row["http.request.content_type"] = request.contentType
    row["http.request.header_count"] = request.headerCount
    row["http.request.headers_size"] = request.headersSize
    row["http.request.body_fields"] = null
    row["http.request.body_truncated"] = null
    row["http.response.size"] = response.size
    row["http.response.content_type"] = response.contentType
    row["http.response.header_count"] = response.headerCount
    row["http.response.headers_size"] = response.headersSize
    row["http.response.body_fields"] = null
    row["http.response.body_truncated"] = null
    row["http.query.key_count"] = null
    row["http.query.keys"] = null
    const o = this.options
    for (let i = 0; i < o.requestHeaders.length; i++) {
      row[o.requestHeaders[i]!.column] = request.scanned ? request.scan.present[i]! : null
    }
    for (let i = 0; i < o.responseHeaders.length; i++) {
      row[o.responseHeaders[i]!.column] = response.scanned ? response.scan.present[i]! : null
    }
    const tree = this.forest.tree(route)
    const walker = this.walker
    if (request.plan === "walk") {
      walker.walk(row, tree, tree.requestBody, exchange.request!.body)
      row["http.request.body_fields"] = walker.fields
      row["http.request.body_truncated"] = walker.truncated
    } else if (request.plan === "too-large") {
      row["http.request.body_fields"] = 0
      row["http.request.body_truncated"] = true
    }
    if (response.plan === "walk") {
      walker.walk(row, tree, tree.responseBody, exchange.response!.body)
      row["http.response.body_fields"] = walker.fields
      row["http.response.body_truncated"] = walker.truncated
    } else if (response.plan === "too-large") {
      row["http.response.body_fields"] = 0
      row["http.response.body_truncated"] = true
    }
    this.query(row, exchange.query, tree)
    for (let i = 0; i < this.excludedFixed.length; i++) delete row[this.excludedFixed[i]!]
    return row
  }

  private query(row: HttpRow, query: unknown, tree: FieldTree): void {
    if (typeof query !== "object" || query === null) return
    let params: URLSearchParams | undefined
    let keys: ReadonlyArray<string>
    try {
      params = query instanceof URLSearchParams ? query : undefined
      keys = params !== undefined ? [...new Set(params.keys())] : Object.keys(query)
    } catch {
      return // a query object that cannot be enumerated (a hostile proxy) counts as unknown
    }
    row[HttpColumn.queryKeyCount] = keys.length
    const shown: Array<string> = []
    // Bounded like a body walk: a query object with a million keys is looked at only so far.
    const end = Math.min(keys.length, this.options.limits.maxFields)
    for (let i = 0; i < end; i++) {
      const node = tree.child(tree.query, keys[i]!)
      if (node !== undefined && !node.skip) shown.push(keys[i]!)
    }
    row[HttpColumn.queryKeys] =
      shown.length === 0 ? null : boundedString(shown.sort().join(","), this.options.limits.maxStringLength)
    if (this.options.queryValues) {
      if (params !== undefined) this.walker.walkParams(row, tree, tree.query, params)
      else this.walker.walk(row, tree, tree.query, query)
    }
  }
}

/**
 * A mapper for these options, validated up front. Throws `HttpOptionsError` naming the first bad
 * option (the Promise-world face; `makeHttpRowMapper` is the Effect one).
 */
export const createHttpRowMapper = (options?: HttpRowOptions): HttpRowMapper =>
  new Mapper(compileOptions(options))

/** A mapper for these options, or an `HttpOptionsError` naming the first bad option. */
export const makeHttpRowMapper = (options?: HttpRowOptions): Effect.Effect<HttpRowMapper, HttpOptionsError> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(createHttpRowMapper(options))
    } catch (error) {
      return error instanceof HttpOptionsError ? Effect.fail(error) : Effect.die(error)
    }
  })

const mappers = new WeakMap<HttpRowOptions, HttpRowMapper>()
let defaultMapper: HttpRowMapper | undefined

/**
 * Maps one exchange with a mapper kept per options object, for callers that hold options rather than
 * a mapper. Reuse the same options object: each new one compiles (and validates) again. Throws
 * `HttpOptionsError` for bad options; never throws for any exchange.
 */
export const toRow = (exchange: HttpExchange, options?: HttpRowOptions): HttpRowResult => {
  let mapper: HttpRowMapper | undefined
  if (options === undefined) {
    mapper = defaultMapper ??= createHttpRowMapper()
  } else {
    mapper = mappers.get(options)
    if (mapper === undefined) {
      mapper = createHttpRowMapper(options)
      mappers.set(options, mapper)
    }
  }
  return mapper.map(exchange)
}
