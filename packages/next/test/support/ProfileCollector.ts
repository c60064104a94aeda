import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type DatasetProfileView, type ProfileWrite, promiseWriter } from "@sketchlog/core"
import { type HttpProfiler, type HttpProfilerOptions, sharedHttpProfiler } from "@sketchlog/core/adapter"
import type { ColumnSummary } from "@sketchlog/core/profile"

let datasets = 0

/**
 * Profiler options whose profiles land in memory (through core's `promiseWriter`), in a local
 * session, plus ways to read them back: each collector is its own dataset and profiler.
 */
export class ProfileCollector {
  readonly writes: Array<ProfileWrite> = []
  readonly options: HttpProfilerOptions

  constructor(extra: Partial<HttpProfilerOptions> = {}) {
    this.options = {
      datasetId: `next-test-${++datasets}`,
      sessionOptions: { forceLocal: true },
      profileDir: mkdtempSync(join(tmpdir(), "sketchlog-next-test-")),
      logger: {
        writers: [promiseWriter("collect", async (write) => void this.writes.push(write))],
        writeSchedule: null,
        // Tests close their profilers themselves.
        closeOnExit: false,
      },
      ...extra,
    }
  }

  /** The shared profiler these options name (the one `withSketchlog(…, { profiler })` uses). */
  get profiler(): HttpProfiler {
    return sharedHttpProfiler(this.options)
  }

  /** Maps what is waiting and writes every bucket. */
  async flush(): Promise<void> {
    await this.profiler.flush()
  }

  /** Every segment written so far, as `"METHOD route"`. */
  segments(): Array<string> {
    const keys = new Set(this.writes.map((w) => `${w.segment?.values[1]} ${w.segment?.values[0]}`))
    return [...keys].sort()
  }

  /** The merged profile of one `"METHOD route"` segment. */
  view(segment: string): DatasetProfileView {
    const views = this.writes
      .filter((w) => `${w.segment?.values[1]} ${w.segment?.values[0]}` === segment)
      .map((w) => w.view)
    if (views.length === 0) throw new Error(`no profile for ${segment}; have ${this.segments().join(", ")}`)
    return views.reduce((a, b) => a.merge(b))
  }

  /** whylogs' summary of one column of one segment. */
  column(segment: string, column: string): ColumnSummary {
    const found = this.view(segment).getColumn(column)
    if (found === undefined) throw new Error(`no column ${column} in ${segment}`)
    return found.summary()
  }

  /** The most frequent value of a column in a segment, as whylogs spells it. */
  value(segment: string, column: string): unknown {
    const items = this.column(segment, column)["frequent_items/frequent_strings"]
    return Array.isArray(items) ? items[0]?.value : undefined
  }

  /** Σ counts/n of a column in a segment: the number of requests profiled there. */
  count(segment: string, column = "http.status"): number {
    return this.view(segment).getColumn(column)?.counts?.n ?? 0
  }

  async close(): Promise<void> {
    await this.profiler.close()
  }
}
