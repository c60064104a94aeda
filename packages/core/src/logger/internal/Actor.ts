import { Clock, Deferred, Duration, Effect, FiberSet, Option, Queue, type Scope } from "effect"
import type { FlushResult } from "../FlushResult.js"
import { RowsDroppedError, WriteFailedError } from "../LoggerError.js"
import type { DropReason } from "../LoggerStatus.js"
import { nextWriteTime, type WriteSchedule } from "../WriteSchedule.js"
import { type ActorSink, settlementFailures } from "./ActorSink.js"
import { backgroundSleep } from "./backgroundSleep.js"
import type { DatasetConfig } from "./DatasetConfig.js"
import { DropTally, type FirstDrop, gatherRows } from "./GatherRows.js"
import {
  type ActorStatus,
  type ControlMail,
  datasetOfRows,
  type Mail,
  type RowsMail,
  rowCount,
} from "./Mail.js"
import { type DatasetState, ProfileStore } from "./ProfileStore.js"

/** What the actor is made of. */
export interface ActorConfig {
  readonly mailbox: Queue.Queue<Mail>
  readonly sink: ActorSink
  /** The config of a dataset on its first row (the logger's, or `loggerOptions(datasetId)` over it). */
  readonly configFor: (datasetId: string) => DatasetConfig
  /** The dataset of rows that name none. */
  readonly defaultDatasetId: string | undefined
  readonly batchSize: number
  readonly batchWindow: Duration.Duration
  readonly closeTimeout: Duration.Duration
  /** Called after each drain (the worker reports its status to the caller's thread from here). */
  readonly afterDrain?: ((peek: () => ActorStatus) => void) | undefined
}

/** A running actor. */
export interface RunningActor {
  /** Completes when the actor has stopped after `Close`. */
  readonly done: Effect.Effect<void>
  /**
   * The actor's status now. Read on the actor's own thread between two drains (JavaScript runs one
   * thing at a time, so it never sees a drain half done).
   */
  readonly peek: () => ActorStatus
  /**
   * Tracks a fire-and-forget rows mail at once, on the caller's turn, when the actor is idle (parked
   * on an empty mailbox, so nothing sent before it is still waiting) and the rows go to a dataset it
   * already tracks; returns false, having done nothing, when the mail must go through the mailbox.
   * Saves a batch the mailbox, the fiber's wake-up and its drain.
   */
  readonly trackNow: (mail: RowsMail) => boolean
  /** A mail is about to be offered to the mailbox: `trackNow` waits for the actor until it is taken. */
  readonly expectMail: () => void
}

/** A rows mail waiting for its rows to be tracked (and maybe written) before it is answered. */
interface PendingReply {
  readonly mail: RowsMail
  readonly dropped: FirstDrop | undefined
  readonly buckets: ReadonlySet<string>
}

/**
 * Starts the actor: one fiber that owns every profile. It takes up to `batchSize` mails at a time
 * (waiting `batchWindow` for more), gathers their rows by dataset × bucket × segment into column
 * batches, tracks each batch with one columnar call, answers `sync` callers, and handles control
 * mails in order. Each write schedule has a fiber that sleeps until its next wall-clock boundary (on
 * the current `Clock`) and mails the actor. Returns the fiber's completion.
 */
export const startActor = (config: ActorConfig): Effect.Effect<RunningActor, never, Scope.Scope> =>
  Effect.gen(function* () {
    const { mailbox, sink } = config
    const store = new ProfileStore()
    const schedules = yield* FiberSet.make()
    const replies = yield* FiberSet.make()
    const scheduled = new Set<string>()
    const droppedByReason: Partial<Record<DropReason, number>> = {}
    let profiled = 0
    let closed = false
    let lastDataset: DatasetState | undefined
    /**
     * True from the moment a mail is offered (or the actor runs) until the actor parks on an empty
     * mailbox again: while it is set, rows tracked at once could overtake a mail sent before them.
     */
    let busy = true
    const clock = yield* Effect.clock

    /** The actor's own mails (its schedules), offered as the port offers: `busy` first. */
    const offer = (mail: Mail) =>
      Effect.suspend(() => {
        busy = true
        return Queue.offer(mailbox, mail)
      })

    const startSchedule = (key: string, schedule: WriteSchedule) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const at = nextWriteTime(schedule, now)
        yield* backgroundSleep(Duration.millis(at - now))
        yield* offer({ _tag: "ScheduledWrite", scheduleKey: key, at })
      }).pipe(Effect.forever, FiberSet.run(schedules))

    /** Schedules of datasets seen in the current drain, started after it. */
    let newSchedules: Array<{ key: string; schedule: WriteSchedule }> = []
    /** Datasets with an early first write (`firstWrite`) still waiting for their first row. */
    const awaitingFirstRow = new Set<DatasetState>()

    /** Arms the early first write of each dataset whose first row came in the drain just done. */
    const armFirstWrites = Effect.suspend(() => {
      const armed: Array<Effect.Effect<void>> = []
      for (const dataset of awaitingFirstRow) {
        if (dataset.buckets.size === 0) continue
        awaitingFirstRow.delete(dataset)
        const after = dataset.config.firstWriteMillis ?? 0
        armed.push(
          backgroundSleep(Duration.millis(after)).pipe(
            Effect.zipRight(offer({ _tag: "FirstWrite", datasetId: dataset.id })),
            Effect.asVoid,
            FiberSet.run(schedules),
            Effect.asVoid,
          ),
        )
      }
      return Effect.all(armed, { discard: true })
    })

    const datasetOf = (id: string): DatasetState => {
      if (lastDataset?.id === id) return lastDataset
      let state = store.datasets.get(id)
      if (state === undefined) {
        state = store.addDataset(id, config.configFor(id))
        if (state.config.firstWriteMillis !== null) awaitingFirstRow.add(state)
        const { scheduleKey, writeSchedule } = state.config
        if (scheduleKey !== null && writeSchedule !== null && !scheduled.has(scheduleKey)) {
          scheduled.add(scheduleKey)
          newSchedules.push({ key: scheduleKey, schedule: writeSchedule })
        }
      }
      lastDataset = state
      return state
    }

    /** The dataset rows name; undefined when they name none (""): the front applied the default. */
    const resolve = (id: string): DatasetState | undefined => (id.length === 0 ? undefined : datasetOf(id))

    /** Tracks what was gathered, frees its permits, reports drops and answers sync callers. */
    const commit = (now: number, permits: number, tally: DropTally, pending: ReadonlyArray<PendingReply>) =>
      Effect.gen(function* () {
        profiled += store.commit(now)
        sink.release(permits)
        for (const [datasetId, byReason] of tally.counts) {
          for (const [reason, count] of byReason) {
            droppedByReason[reason] = (droppedByReason[reason] ?? 0) + count
            yield* sink.dropped(datasetId, reason, count)
          }
        }
        for (const { mail, dropped, buckets } of pending) {
          const reply = mail.reply
          if (reply === undefined) continue
          if (dropped !== undefined) {
            yield* Deferred.fail(reply, new RowsDroppedError(dropped))
            continue
          }
          if (mail.sync !== "written") {
            yield* Deferred.succeed(reply, undefined)
            continue
          }
          const taken = store.takeWrites(() => true, now, false, buckets)
          const wait = yield* sink.write(taken.writes)
          yield* wait.pipe(
            Effect.flatMap((settlement) => {
              const failures = settlementFailures(settlement)
              return failures.length === 0
                ? Deferred.succeed(reply, undefined)
                : Deferred.fail(reply, new WriteFailedError({ failures }))
            }),
            FiberSet.run(replies),
          )
        }
      })

    const writeAll = (now: number, releaseAll: boolean) =>
      Effect.gen(function* () {
        const taken = store.takeWrites(() => true, now, releaseAll)
        const written = yield* sink.write(taken.writes)
        const replayed = yield* sink.replay
        return Effect.zipWith(written, replayed, (w, r): FlushResult => {
          const failures = [...settlementFailures(w), ...settlementFailures(r)]
          return {
            profiles: taken.writes.length,
            rows: taken.rows,
            stored: w.outcomes.filter((o) => o._tag === "Stored").length,
            failures,
            replayed: r.outcomes.filter((o) => o._tag === "Stored").length,
          }
        })
      })

    const control = (mail: ControlMail, now: number) =>
      Effect.gen(function* () {
        switch (mail._tag) {
          case "ScheduledWrite": {
            const key = mail.scheduleKey
            const taken = store.takeWrites((d) => d.config.scheduleKey === key, now, false)
            yield* sink.write(taken.writes)
            return
          }
          case "FirstWrite": {
            const id = mail.datasetId
            yield* sink.write(store.takeWrites((d) => d.id === id, now, false).writes)
            return
          }
          case "Flush": {
            const done = yield* writeAll(now, false)
            const reply = mail.reply
            if (reply !== undefined)
              yield* done.pipe(
                Effect.flatMap((r) => Deferred.succeed(reply, r)),
                FiberSet.run(replies),
              )
            return
          }
          case "Status": {
            yield* Deferred.succeed(mail.reply, peek())
            return
          }
          case "Settle": {
            yield* sink.settle.pipe(
              Effect.flatMap(() => Deferred.succeed(mail.reply, undefined)),
              FiberSet.run(replies),
            )
            return
          }
          case "Close": {
            const done = yield* writeAll(now, true)
            yield* FiberSet.clear(schedules)
            // Waits for every write (these and earlier ones); after closeTimeout the rest go to the outbox.
            yield* sink.drain(config.closeTimeout)
            closed = true
            const result = yield* done
            yield* Deferred.succeed(mail.reply, { result, status: peek() })
            return
          }
        }
      })

    const processMails = (mails: ReadonlyArray<Mail>) =>
      Effect.gen(function* () {
        let now = yield* Clock.currentTimeMillis
        let tally = new DropTally()
        let permits = 0
        let pending: PendingReply[] = []
        for (const mail of mails) {
          if (mail._tag === "Rows") {
            if (closed) {
              yield* rejectClosed(mail)
              continue
            }
            const { dropped, buckets } = gatherRows(store, resolve, mail, now, tally)
            permits += mail.permits
            if (mail.reply !== undefined) pending.push({ mail, dropped, buckets })
            // Track (and free the permits) every few thousand rows, so callers refill the queue
            // while the rest of a large drain is profiled.
            if (permits >= COMMIT_ROWS) {
              yield* commit(now, permits, tally, pending)
              tally = new DropTally()
              permits = 0
              pending = []
            }
            continue
          }
          yield* commit(now, permits, tally, pending)
          tally = new DropTally()
          permits = 0
          pending = []
          if (closed) {
            yield* answerClosed(mail)
            continue
          }
          yield* control(mail, now)
          now = yield* Clock.currentTimeMillis
        }
        yield* commit(now, permits, tally, pending)
        const starting = newSchedules
        newSchedules = []
        for (const { key, schedule } of starting) yield* startSchedule(key, schedule)
        if (awaitingFirstRow.size > 0) yield* armFirstWrites
      })

    const rejectClosed = (mail: RowsMail) =>
      Effect.gen(function* () {
        sink.release(mail.permits)
        const count = rowCount(mail.rows)
        const datasetId = datasetOfRows(mail.rows)
        droppedByReason.closed = (droppedByReason.closed ?? 0) + count
        yield* sink.dropped(
          datasetId.length > 0 ? datasetId : (config.defaultDatasetId ?? ""),
          "closed",
          count,
        )
        if (mail.reply !== undefined) {
          yield* Deferred.fail(mail.reply, new RowsDroppedError({ datasetId, reason: "closed", count }))
        }
      })

    const answerClosed = (mail: ControlMail) =>
      Effect.gen(function* () {
        switch (mail._tag) {
          case "Status":
            yield* Deferred.succeed(mail.reply, {
              profiled,
              droppedByReason: { ...droppedByReason },
              buckets: [],
            })
            return
          case "Settle":
            yield* Deferred.succeed(mail.reply, undefined)
            return
          case "Flush": {
            if (mail.reply !== undefined) yield* Deferred.succeed(mail.reply, EMPTY_RESULT)
            return
          }
          case "Close":
            yield* Deferred.succeed(mail.reply, {
              result: EMPTY_RESULT,
              status: { profiled, droppedByReason: { ...droppedByReason }, buckets: [] },
            })
            return
          default:
            return
        }
      })

    const peek = (): ActorStatus => ({
      profiled,
      droppedByReason: { ...droppedByReason },
      buckets: closed ? [] : store.buckets(),
    })

    const take = Effect.gen(function* () {
      const first = yield* Effect.zipRight(
        Effect.sync(() => {
          busy = false
        }),
        Queue.take(mailbox),
      )
      busy = true
      const mails: Mail[] = [first]
      if (config.batchSize > 1) {
        for (const mail of yield* Queue.takeUpTo(mailbox, config.batchSize - 1)) mails.push(mail)
        if (mails.length < config.batchSize && Duration.toMillis(config.batchWindow) > 0) {
          yield* backgroundSleep(config.batchWindow)
          for (const mail of yield* Queue.takeUpTo(mailbox, config.batchSize - mails.length)) mails.push(mail)
        }
      }
      return mails
    })

    const drainOnce = Effect.gen(function* () {
      const mails = yield* take
      yield* processMails(mails).pipe(
        Effect.catchAllDefect((defect) => Effect.logError("the rolling logger's actor met a defect", defect)),
      )
      config.afterDrain?.(peek)
    })
    // A plain loop, not Effect.repeat: a repeat schedule would sleep on the Clock between rounds,
    // which a TestClock never lets go of.
    const loop: Effect.Effect<void> = Effect.flatMap(drainOnce, () => (closed ? Effect.void : loop))

    // Mails sent after close: answered as closed, so no caller waits forever.
    const leftovers = Effect.flatMap(Queue.takeAll(mailbox), (mails) => processMails(Array.from(mails)))
    // The default dataset's schedule runs from the start (not from its first row), so a test's
    // TestClock.adjust always finds it waiting.
    const startDefault = Effect.suspend(() => {
      if (config.defaultDatasetId !== undefined && config.defaultDatasetId.length > 0)
        datasetOf(config.defaultDatasetId)
      const starting = newSchedules
      newSchedules = []
      return Effect.forEach(starting, ({ key, schedule }) => startSchedule(key, schedule), { discard: true })
    })
    // Then the replay of what an earlier run left in the outbox (flush and close wait for it too).
    yield* startDefault
    const fiber = yield* Effect.forkScoped(
      Effect.zipRight(sink.replay, Effect.zipRight(loop, leftovers)).pipe(
        Effect.catchAllDefect((defect) => Effect.logError("the rolling logger's actor stopped", defect)),
      ),
    )
    const trackNow = (mail: RowsMail): boolean => {
      if (busy || closed || mail.reply !== undefined || mail.rows._tag !== "ColumnarRows") return false
      // The size counts a parked taker as -1: only a positive size means mails are waiting.
      if (Option.getOrElse(mailbox.unsafeSize(), () => 1) > 0) return false
      const rows = mail.rows
      // A dataset's first rows go through the mailbox: they may start its schedules or first write.
      const dataset = rows.datasetIds === undefined ? store.datasets.get(rows.datasetId) : undefined
      if (dataset === undefined || awaitingFirstRow.has(dataset)) return false
      busy = true
      try {
        const now = clock.unsafeCurrentTimeMillis()
        const tally = new DropTally()
        gatherRows(store, resolve, mail, now, tally)
        profiled += store.commit(now)
        for (const [datasetId, byReason] of tally.counts) {
          for (const [reason, count] of byReason) {
            droppedByReason[reason] = (droppedByReason[reason] ?? 0) + count
            Effect.runFork(sink.dropped(datasetId, reason, count))
          }
        }
      } catch (defect) {
        Effect.runFork(Effect.logError("the rolling logger's actor met a defect", defect))
      } finally {
        // the batch's queue room comes back even after a defect, or the logger would shrink for good
        sink.release(mail.permits)
        busy = false
      }
      config.afterDrain?.(peek)
      return true
    }
    const expectMail = () => {
      busy = true
    }
    return { done: Effect.asVoid(fiber.await), peek, trackNow, expectMail }
  })

/** Rows gathered before the actor tracks them without waiting for the end of the drain. */
const COMMIT_ROWS = 2048

const EMPTY_RESULT: FlushResult = { profiles: 0, rows: 0, stored: 0, failures: [], replayed: 0 }
