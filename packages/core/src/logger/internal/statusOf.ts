import type { Outbox } from "../../writers/Outbox.js"
import type { WriterPipeline } from "../../writers/WriterPipeline.js"
import type { DropReason, LoggerStatus } from "../LoggerStatus.js"
import type { ActorPort } from "./ActorPort.js"
import type { LoggerSettings } from "./LoggerSettings.js"
import type { ActorStatus } from "./Mail.js"
import type { RowAdmission } from "./RowAdmission.js"
import type { RowBudget } from "./RowBudget.js"

/** The parts of a logger its status is read from. */
export interface StatusSources {
  readonly settings: LoggerSettings
  readonly admission: RowAdmission
  readonly budget: RowBudget
  readonly pipeline: WriterPipeline
  readonly outbox: Outbox | undefined
  readonly port: ActorPort
  readonly state: () => LoggerStatus["state"]
  /** The last error met on the caller's side (a worker crash). */
  readonly lastError: () => { readonly message: string; readonly at: string } | undefined
}

/**
 * The logger's status from what the caller's side counts (rows received, accepted and dropped at the
 * door, the queue, the writers, the outbox) and the actor's part (`actor`: rows profiled and dropped
 * inside, open buckets). Never holds a secret.
 */
export const statusOf = (sources: StatusSources, actor: ActorStatus): LoggerStatus => {
  const { admission, budget, pipeline, outbox, port, settings } = sources
  const writers = pipeline.writers()
  const droppedByReason: Partial<Record<DropReason, number>> = { ...admission.droppedByReason }
  for (const [reason, n] of Object.entries(actor.droppedByReason) as Array<[DropReason, number]>)
    droppedByReason[reason] = (droppedByReason[reason] ?? 0) + n
  if (pipeline.lostRows > 0)
    droppedByReason["write-failed"] = (droppedByReason["write-failed"] ?? 0) + pipeline.lostRows
  const latest = [sources.lastError(), ...writers.map((w) => w.lastError)]
    .filter((e) => e !== undefined)
    .sort((a, b) => (a.at < b.at ? 1 : -1))[0]
  return {
    state: sources.state(),
    mode: settings.mode,
    overflow: settings.overflow,
    queue: { rows: budget.used, capacity: budget.capacity, waiting: budget.waiting },
    rows: {
      received: admission.received,
      accepted: admission.accepted,
      profiled: actor.profiled,
      dropped: Object.values(droppedByReason).reduce((a, b) => a + (b ?? 0), 0),
      droppedByReason,
    },
    buckets: actor.buckets,
    writes: {
      pending: pipeline.pending,
      stored: writers.reduce((n, w) => n + w.stored, 0),
      failed: writers.reduce((n, w) => n + w.failed, 0),
    },
    writers,
    outbox: outbox === undefined ? undefined : { dir: outbox.dir, ...pipeline.outboxSummary() },
    worker: port.worker(),
    lastError: latest,
  }
}
