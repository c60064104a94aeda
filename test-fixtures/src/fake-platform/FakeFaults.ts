import { uniforms } from "../samples/SeededSamples.js"
import type { FaultAction, FaultMatch, FaultRoute, FaultScope } from "./types.js"

interface FaultRule {
  readonly action: FaultAction
  readonly match: FaultMatch
  remaining: number
  readonly fraction: number | undefined
}

/**
 * Fault injection on demand. Rules are checked in the order they were added; the first one that
 * matches a request (and, for fractional rules, wins its draw) is applied and its count goes down.
 */
export class FakeFaults {
  private rules: FaultRule[] = []
  private downUntil = 0
  private tokenEpochValue = 0
  private deniedAuthorizations = 0
  private readonly random: () => number

  /** @internal */
  constructor(seed: number) {
    // Seeded, so fractional faults hit the same requests on every run.
    this.random = uniforms(seed)
  }

  /** Adds a rule: `action` on the requests `scope` selects. */
  inject(action: FaultAction, scope: FaultScope = {}): this {
    this.rules.push({
      action,
      match: scope.match ?? "any",
      remaining: scope.times ?? Number.POSITIVE_INFINITY,
      fraction: scope.fraction,
    })
    return this
  }

  /** Answers the next `times` matching requests with `status` (e.g. 503). */
  failNext(times: number, status: number, match: FaultMatch = "any"): this {
    return this.inject({ type: "status", status }, { times, match })
  }

  /** Answers `fraction` (0..1) of matching requests with `status`, until cleared. */
  failFraction(fraction: number, status: number, match: FaultMatch = "any"): this {
    return this.inject({ type: "status", status }, { fraction, match })
  }

  /** Answers the next `times` matching requests with 429 and `Retry-After: retryAfter` (seconds or a date). */
  rateLimit(times: number, retryAfter: string | number, match: FaultMatch = "any"): this {
    return this.inject({ type: "status", status: 429, retryAfter }, { times, match })
  }

  /** Delays matching requests by `ms` (the next `times` of them, or all until cleared). */
  delay(ms: number, scope: FaultScope = {}): this {
    return this.inject({ type: "delay", ms }, scope)
  }

  /** Never answers the next `times` matching requests. */
  hang(times: number, match: FaultMatch = "any"): this {
    return this.inject({ type: "hang" }, { times, match })
  }

  /** Destroys the connection of the next `times` matching requests (the client sees a reset). */
  dropConnection(times: number, match: FaultMatch = "any"): this {
    return this.inject({ type: "drop" }, { times, match })
  }

  /** Closes every new connection at once, for `forMs` milliseconds or until `up()`. */
  down(forMs: number = Number.POSITIVE_INFINITY): this {
    this.downUntil = Date.now() + forMs
    return this
  }

  /** Ends a `down()` period early. */
  up(): this {
    this.downUntil = 0
    return this
  }

  /** Every access token issued so far is treated as expired (401) from now on. */
  expireTokens(): this {
    this.tokenEpochValue += 1
    return this
  }

  /** The next `times` authorization requests are denied (`error=access_denied` on the redirect). */
  denyAuthorization(times = 1): this {
    this.deniedAuthorizations += times
    return this
  }

  /** Removes every rule and ends every condition. */
  clear(): this {
    this.rules = []
    this.downUntil = 0
    this.deniedAuthorizations = 0
    return this
  }

  /** @internal Whether new connections are refused right now. */
  isDown(): boolean {
    return Date.now() < this.downUntil
  }

  /** @internal Tokens issued in an earlier epoch than this one were expired by `expireTokens()`. */
  tokenEpoch(): number {
    return this.tokenEpochValue
  }

  /** @internal Consumes one authorization denial, if any is pending. */
  takeAuthorizationDenial(): boolean {
    if (this.deniedAuthorizations <= 0) return false
    this.deniedAuthorizations -= 1
    return true
  }

  /** @internal The action to apply to a request, consuming one use of the rule that supplies it. */
  take(request: { method: string; path: string; route: FaultRoute }): FaultAction | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0 || !matches(rule.match, request)) continue
      if (rule.fraction !== undefined && this.random() >= rule.fraction) continue
      rule.remaining -= 1
      return rule.action
    }
    return undefined
  }
}

const matches = (match: FaultMatch, request: { method: string; path: string; route: FaultRoute }): boolean =>
  typeof match === "function" ? match(request) : match === "any" || match === request.route
