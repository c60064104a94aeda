import type { MonitorRule } from "./MonitorRule.js"
import {
  type DigestSource,
  evaluateRule,
  latestCompleteWindow,
  type RuleEvaluation,
} from "./RuleEvaluation.js"

/** Windows of history the monitors page shows per rule: two days of hours, two weeks of days. */
export const HISTORY_WINDOWS: Readonly<Record<MonitorRule["window"], number>> = { "1h": 48, "1d": 14 }

/**
 * The rules of `sketchlog serve --monitors`, evaluated for the pages: each rule's latest complete
 * window, and its history (when it fired). Evaluations are kept for `maxAgeMs` (new profiles of a
 * window show up after that), so pages and the datasets list do not repeat the work.
 */
export class MonitorBoard {
  readonly #cache = new Map<string, { readonly at: number; readonly result: Promise<RuleEvaluation> }>()

  constructor(
    readonly rules: ReadonlyArray<MonitorRule>,
    readonly source: DigestSource,
    readonly clock: () => number = Date.now,
    readonly maxAgeMs = 60_000,
  ) {}

  #evaluate(rule: MonitorRule, from: number, to: number): Promise<RuleEvaluation> {
    const key = `${rule.index}\u0000${from}`
    const now = Date.now()
    const known = this.#cache.get(key)
    if (known !== undefined && now - known.at < this.maxAgeMs) return known.result
    const result = evaluateRule(rule, { from, to }, this.source)
    result.catch(() => this.#cache.delete(key))
    this.#cache.set(key, { at: now, result })
    if (this.#cache.size > 5000) this.#cache.delete(this.#cache.keys().next().value as string)
    return result
  }

  /** Every rule (or those of `datasetId`) over its latest complete window. */
  current(datasetId?: string): Promise<RuleEvaluation[]> {
    const now = this.clock()
    return Promise.all(
      this.rules
        .filter((rule) => datasetId === undefined || rule.dataset === datasetId)
        .map((rule) => {
          const window = latestCompleteWindow(rule, now)
          return this.#evaluate(rule, window.from, window.to)
        }),
    )
  }

  /** The rule over its last `count` complete windows, oldest first. */
  async history(rule: MonitorRule, count = HISTORY_WINDOWS[rule.window]): Promise<RuleEvaluation[]> {
    const latest = latestCompleteWindow(rule, this.clock())
    const span = latest.to - latest.from
    const out: RuleEvaluation[] = []
    // One window at a time: a drift rule's reference reads many hours, and the catalog caches them.
    for (let i = count - 1; i >= 0; i--) {
      out.push(await this.#evaluate(rule, latest.from - i * span, latest.to - i * span))
    }
    return out
  }
}
