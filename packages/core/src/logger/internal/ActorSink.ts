import type { Duration, Effect } from "effect"
import type { ProfileWrite } from "../../writers/Writer.js"
import type { WriteFailure } from "../FlushResult.js"
import type { DropReason } from "../LoggerStatus.js"

/** How one profile's write ended for one writer, as far as the actor needs to know. */
export type SettledWrite =
  | { readonly _tag: "Stored"; readonly writer: string }
  | {
      readonly _tag: "Outboxed" | "Kept" | "Lost"
      readonly writer: string
      readonly error: { readonly message: string }
    }

/**
 * How a set of writes ended: the writer pipeline's `WriteSettlement` in-thread, its plain form from
 * the caller's thread in a worker.
 */
export interface SettledWrites {
  readonly outcomes: ReadonlyArray<SettledWrite>
}

/**
 * Where the actor's results go. In-thread: the writer pipeline and the row budget of this thread.
 * In a worker: messages to the caller's thread, which owns the writers.
 */
export interface ActorSink {
  /** Hands profiles to their dataset's writers; the returned effect waits for those writes. */
  readonly write: (writes: ReadonlyArray<ProfileWrite>) => Effect.Effect<Effect.Effect<SettledWrites>>
  /** Replays the outbox; the returned effect waits for the replays. */
  readonly replay: Effect.Effect<Effect.Effect<SettledWrites>>
  /** Waits for every write handed over so far. */
  readonly settle: Effect.Effect<SettledWrites>
  /** Waits for every write, moving those still running after `timeout` to the outbox. */
  readonly drain: (timeout: Duration.Duration) => Effect.Effect<SettledWrites>
  /** Rows that will not be profiled. */
  readonly dropped: (datasetId: string, reason: DropReason, count: number) => Effect.Effect<void>
  /** `permits` row permits are free again (their rows are profiled or dropped). */
  readonly release: (permits: number) => void
}

/** The failures among a set of writes, as a flush reports them. */
export const settlementFailures = (settlement: SettledWrites): ReadonlyArray<WriteFailure> =>
  settlement.outcomes.flatMap((o) =>
    o._tag === "Stored"
      ? []
      : [{ writer: o.writer, reason: o.error.message, outboxed: o._tag === "Outboxed" || o._tag === "Kept" }],
  )
