import type { Effect } from "effect"
import type { ActorStatus, Mail, RowsMail } from "./Mail.js"

/** How the logger's front reaches its actor, wherever the actor runs (this thread, or a worker). */
export interface ActorPort {
  /** Sends a mail. Room is guaranteed by the sender (row permits; the control reserve). */
  readonly send: (mail: Mail) => Effect.Effect<void>
  /**
   * Hands a rows mail over now, after what is buffered (fire-and-forget: no reply). Room is
   * guaranteed by the sender's permits.
   */
  readonly post: (mail: RowsMail) => void
  /** The row buffer has new rows: hand them over now or soon. */
  readonly buffered: () => void
  /** Hands the buffered rows over now (before a control mail, so order is kept). */
  readonly flush: () => void
  /** Completes when the actor has stopped after `Close`. */
  readonly done: Effect.Effect<void>
  /** The actor's latest status (in a worker: as last reported), or undefined before the first report. */
  readonly peek: () => ActorStatus | undefined
  /** The worker thread's figures (worker mode). */
  readonly worker: () => { readonly threadId: number | undefined; readonly restarts: number } | undefined
}
