import { Effect } from "effect"
import { segmentText } from "../profile/index.js"
import { type ColumnRowsBuilder, type FieldSink, RowSink } from "./ColumnRowsBuilder.js"
import { HttpColumn } from "./HttpColumns.js"
import type { HttpExchange } from "./HttpExchange.js"
import { HttpOptionsError } from "./HttpOptionsError.js"
import type { HttpRow, HttpRowResult, HttpRowSkipped, HttpRowValue } from "./HttpRow.js"
import type { HttpRowOptions } from "./HttpRowOptions.js"
import { BodyWalk } from "./internal/bodyWalk.js"
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
import { FIXED, fixedValue } from "./internal/fixedColumns.js"
import { MessageSummary } from "./internal/messageSummary.js"
import { walkQuery } from "./internal/queryWalk.js"

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
const MAPPED: HttpColumnsMapped = Object.freeze({ _tag: "Mapped" })

const callbackFailed = (cause: unknown): HttpRowSkipped => ({
  _tag: "Skipped",
  reason: "callback-failed",
  cause,
})

/** Where a columnar mapping puts an exchange: the builder of its dataset, segment and time. */
export type ColumnRowsTarget = (
  datasetId: string | undefined,
  segment: ReadonlyArray<string>,
  timestamp: number,
) => ColumnRowsBuilder

/** A columnar mapping that placed the exchange in its builder. */
export interface HttpColumnsMapped {
  readonly _tag: "Mapped"
}

/**
 * @internal The mapper as core's HTTP profiler uses it: exchanges go straight into column buffers
 * (no row object), each in the builder its dataset, segment and second pick.
 */
export interface ColumnarHttpRowMapper extends HttpRowMapper {
  /** The segment columns, as the values given to `target` are ordered. */
  readonly segmentOn: ReadonlyArray<string>
  /** The columns every exchange writes, in the order a builder must be made with. */
  readonly fixedColumns: ReadonlyArray<string>
  /** Whether mapping hands exchanges to callbacks of the options (`ignore`, a `datasetId` function), which could keep them. */
  readonly handsOutExchanges: boolean
  /**
   * Maps `exchange` into the builder `target` gives for it; `datasetId` (when given) overrides the
   * `datasetId` option. The builder receives the same cells `map()` would put in the row, or nothing.
   */
  mapColumns(
    exchange: HttpExchange,
    target: ColumnRowsTarget,
    datasetId?: string | undefined,
  ): HttpColumnsMapped | HttpRowSkipped
}

class Mapper implements ColumnarHttpRowMapper {
  private readonly forest: FieldForest
  private readonly walker: BodyWalk
  private readonly request: MessageSummary
  private readonly response: MessageSummary
  private readonly rowSink = new RowSink()
  /** Positions (in FIXED) of the fixed columns kept; then the header presence columns. */
  private readonly keptFixed: ReadonlyArray<number>
  /** The columns a builder starts with: kept fixed columns, then the presence columns. */
  readonly fixedColumns: ReadonlyArray<string>
  readonly segmentOn: ReadonlyArray<string>
  readonly handsOutExchanges: boolean
  /** The fixed values of the exchange being mapped, in FIXED order (scratch). */
  private readonly values: Array<HttpRowValue> = new Array(FIXED.length).fill(null)
  private readonly segmentValues: Array<string>
  // The exchange as read (scratch: a mapper maps one exchange at a time, synchronously).
  private body: unknown = undefined
  private responseBody: unknown = undefined
  private query: unknown = undefined
  private route = ""

  constructor(private readonly options: CompiledOptions) {
    this.forest = new FieldForest(options.fields)
    this.walker = new BodyWalk(options.limits)
    const index = (headers: ReadonlyArray<WatchedHeader>) => new Map(headers.map((h, i) => [h.name, i]))
    this.request = new MessageSummary(index(options.requestHeaders), options.limits.maxBodyBytes)
    this.response = new MessageSummary(index(options.responseHeaders), options.limits.maxBodyBytes)
    const kept: Array<number> = []
    FIXED.forEach((key, i) => {
      if (options.keep[key]) kept.push(i)
    })
    this.keptFixed = kept
    this.fixedColumns = [
      ...kept.map((i) => HttpColumn[FIXED[i]!]),
      ...options.requestHeaders.map((h) => h.column),
      ...options.responseHeaders.map((h) => h.column),
    ]
    this.segmentOn = options.segmentOn
    this.handsOutExchanges = options.ignore !== undefined || typeof options.datasetId === "function"
    this.segmentValues = options.segmentOn.map(() => "")
  }

  reset(): void {
    this.forest.clear()
  }

  map(exchange: HttpExchange): HttpRowResult {
    const o = this.options
    const refused = this.refusal(exchange)
    if (refused !== undefined) return refused
    let row: HttpRow
    let timestamp: number
    try {
      this.read(exchange)
      timestamp = timestampMs(exchange.timestamp, Date.now)
    } catch {
      return UNREADABLE
    }
    const sink = this.rowSink
    // A null-prototype object: no key can reach Object.prototype and nothing inherited shows up in a
    // `for…in`. Every fixed column is written (null when unknown) so each counts every request; the
    // fixed columns come first, and those the walks decide are written again after them.
    row = Object.create(null)
    sink.row = row
    const values = this.values
    const kept = this.keptFixed
    for (let i = 0; i < kept.length; i++) {
      const at = kept[i]!
      row[HttpColumn[FIXED[at]!]] = values[at]!
    }
    this.presence(row)
    this.walk(sink, this.forest.tree(this.route))
    for (let i = 0; i < kept.length; i++) {
      const at = kept[i]!
      if (at === 11 || at === 12 || at === 17 || at === 18 || at === 19 || at === 20)
        row[HttpColumn[FIXED[at]!]] = values[at]!
    }
    let datasetId: string | undefined
    if (typeof o.datasetId === "function") {
      const chosen = this.chooseDataset(exchange)
      if (typeof chosen === "object") return chosen
      datasetId = chosen
    } else {
      datasetId = o.datasetId
    }
    return { _tag: "Row", row, datasetId, segment: this.segment(row), timestamp }
  }

  mapColumns(
    exchange: HttpExchange,
    target: ColumnRowsTarget,
    datasetOverride?: string | undefined,
  ): HttpColumnsMapped | HttpRowSkipped {
    const o = this.options
    const refused = this.refusal(exchange)
    if (refused !== undefined) return refused
    let timestamp: number
    try {
      this.read(exchange)
      timestamp = timestampMs(exchange.timestamp, Date.now)
    } catch {
      return UNREADABLE
    }
    let datasetId: string | undefined
    if (typeof o.datasetId === "function") {
      const chosen = this.chooseDataset(exchange)
      if (typeof chosen === "object") return chosen
      datasetId = datasetOverride ?? chosen
    } else {
      datasetId = datasetOverride ?? o.datasetId
    }
    // Spelled as the segmented profile spells its keys, from the values the row would hold.
    const segment = this.segmentValues
    for (let i = 0; i < segment.length; i++)
      segment[i] = segmentText(fixedValue(this.values, this.segmentOn[i]!))
    const builder = target(datasetId, segment, timestamp)
    const tree = this.forest.tree(this.route)
    let fixedWritten = 0
    try {
      this.walk(builder, tree)
      const values = this.values
      const kept = this.keptFixed
      for (let i = 0; i < kept.length; i++) builder.fixed(fixedWritten++, values[kept[i]!]!)
      const request = this.request
      const response = this.response
      for (let i = 0; i < o.requestHeaders.length; i++)
        builder.fixed(fixedWritten++, request.scanned ? request.scan.present[i]! : null)
      for (let i = 0; i < o.responseHeaders.length; i++)
        builder.fixed(fixedWritten++, response.scanned ? response.scan.present[i]! : null)
    } catch {
      // Nothing here reads the exchange (it was read above) and the walks catch their own failures;
      // should anything still throw, the exchange leaves no cell behind.
      builder.abortRow(fixedWritten)
      return UNREADABLE
    }
    builder.endRow()
    return MAPPED
  }

  /** `ignore` and sampling: an ignored or sampled-out exchange costs no row at all. */
  private refusal(exchange: HttpExchange): HttpRowSkipped | undefined {
    const o = this.options
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
    return undefined
  }

  /** The `datasetId` callback's choice, or why it cannot be used. */
  private chooseDataset(exchange: HttpExchange): string | undefined | HttpRowSkipped {
    const option = this.options.datasetId as (exchange: HttpExchange) => string | undefined
    try {
      const chosen = option(exchange)
      if (chosen !== undefined && !isDatasetId(chosen)) {
        return callbackFailed(
          new TypeError("datasetId(exchange) must return 1 to 256 characters or undefined"),
        )
      }
      return chosen
    } catch (cause) {
      return callbackFailed(cause)
    }
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

  /**
   * Reads everything the row needs from the exchange into scratch fields, before anything is
   * written: a getter that throws leaves no partial row or cells behind.
   */
  private read(exchange: HttpExchange): void {
    const status = statusCode(exchange.status)
    const route = routeName(exchange.route, status)
    const request = this.request
    const response = this.response
    const requestMessage = exchange.request
    const responseMessage = exchange.response
    request.read(requestMessage)
    response.read(responseMessage)
    this.body = request.plan === "walk" ? requestMessage!.body : undefined
    this.responseBody = response.plan === "walk" ? responseMessage!.body : undefined
    this.query = exchange.query
    this.route = route
    const v = this.values
    v[0] = methodName(exchange.method)
    v[1] = route
    v[2] = status
    v[3] = statusClass(status)
    v[4] = durationMs(exchange.durationMs)
    v[5] = exchange.aborted === true
    v[6] = errorName(exchange.error)
    v[7] = request.size
    v[8] = request.contentType
    v[9] = request.headerCount
    v[10] = request.headersSize
    v[11] = null
    v[12] = null
    v[13] = response.size
    v[14] = response.contentType
    v[15] = response.headerCount
    v[16] = response.headersSize
    v[17] = null
    v[18] = null
    v[19] = null
    v[20] = null
  }

  /** Walks the bodies and the query into `sink`, setting the fixed columns they decide. */
  private walk(sink: FieldSink, tree: FieldTree): void {
    const v = this.values
    const walker = this.walker
    const request = this.request
    const response = this.response
    if (request.plan === "walk") {
      walker.walk(sink, tree, tree.requestBody, this.body)
      v[11] = walker.fields
      v[12] = walker.truncated
    } else if (request.plan === "too-large") {
      v[11] = 0
      v[12] = true
    }
    if (response.plan === "walk") {
      walker.walk(sink, tree, tree.responseBody, this.responseBody)
      v[17] = walker.fields
      v[18] = walker.truncated
    } else if (response.plan === "too-large") {
      v[17] = 0
      v[18] = true
    }
    walkQuery(this.query, sink, tree, this.walker, this.options, this.values)
    // Scratch references are dropped, so the mapper keeps no body alive.
    this.body = undefined
    this.responseBody = undefined
    this.query = undefined
  }

  private presence(row: HttpRow): void {
    const o = this.options
    const request = this.request
    const response = this.response
    for (let i = 0; i < o.requestHeaders.length; i++) {
      row[o.requestHeaders[i]!.column] = request.scanned ? request.scan.present[i]! : null
    }
    for (let i = 0; i < o.responseHeaders.length; i++) {
      row[o.responseHeaders[i]!.column] = response.scanned ? response.scan.present[i]! : null
    }
  }
}

/**
 * A mapper for these options, validated up front. Throws `HttpOptionsError` naming the first bad
 * option (the Promise-world face; `makeHttpRowMapper` is the Effect one).
 */
export const createHttpRowMapper = (options?: HttpRowOptions): HttpRowMapper =>
  new Mapper(compileOptions(options))

/** @internal A mapper with the columnar path (core's HTTP profiler). */
export const createColumnarHttpRowMapper = (options?: HttpRowOptions): ColumnarHttpRowMapper =>
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
