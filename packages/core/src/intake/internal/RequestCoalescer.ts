import { LogRequest } from "../../logger/LogRequest.js"

/** Rows of one merged request at most: a larger one is sent alone, as it came. */
export const MAX_MERGED_ROWS = 2048

interface Waiting {
  readonly request: LogRequest
  readonly settle: (error: unknown) => void
}

/**
 * Gathers the log requests that arrive during one turn of the event loop and hands them to the
 * logger merged: requests with the same dataset, timestamp and column list (in order) become one
 * columnar request whose rows follow each other, so a burst of small HTTP requests costs the logger
 * one call and one actor message per group instead of one per request. Each caller's promise settles
 * when its group is queued (or refused), exactly as if it had been sent alone.
 */
export class RequestCoalescer {
  readonly #send: (request: LogRequest) => Promise<unknown>
  #pending: Waiting[] = []
  #scheduled = false

  constructor(send: (request: LogRequest) => Promise<unknown>) {
    this.#send = send
  }

  /** Queues `request` with the others of this turn; settles once it is in the logger's queue. */
  add(request: LogRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pending.push({ request, settle: (error) => (error === undefined ? resolve() : reject(error)) })
      if (!this.#scheduled) {
        this.#scheduled = true
        setImmediate(() => this.#flush())
      }
    })
  }

  #flush(): void {
    this.#scheduled = false
    const pending = this.#pending
    this.#pending = []
    // The group each key is filling (a full one is replaced by a fresh one), and every group in order.
    const open = new Map<string, { rows: number; members: Waiting[] }>()
    const groups: Array<{ rows: number; members: Waiting[] }> = []
    for (const waiting of pending) {
      const { request } = waiting
      const rows = request.multiple.data.length
      // JSON keeps the parts apart whatever characters the dataset id and column names hold.
      const key = JSON.stringify([request.datasetId, request.timestamp ?? null, request.multiple.columns])
      let group = open.get(key)
      if (group === undefined || group.rows + rows > MAX_MERGED_ROWS) {
        group = { rows: 0, members: [] }
        open.set(key, group)
        groups.push(group)
      }
      group.rows += rows
      group.members.push(waiting)
    }
    for (const { members } of groups) {
      const first = members[0] as Waiting
      const settle = (error: unknown) => {
        for (const member of members) member.settle(error)
      }
      try {
        const request = members.length === 1 ? first.request : merge(members)
        this.#send(request).then(() => settle(undefined), settle)
      } catch (error) {
        // A logger that throws instead of rejecting: its callers still get an answer.
        settle(error)
      }
    }
  }
}

const merge = (members: ReadonlyArray<Waiting>): LogRequest => {
  const first = (members[0] as Waiting).request
  const data: Array<ReadonlyArray<unknown>> = []
  for (const { request } of members) for (const row of request.multiple.data) data.push(row)
  return new LogRequest(
    {
      datasetId: first.datasetId,
      multiple: { columns: first.multiple.columns, data },
      ...(first.timestamp === undefined || first.timestamp === null ? {} : { timestamp: first.timestamp }),
    },
    // Every part was decoded: same dataset, timestamp and columns by construction.
    true,
  )
}
