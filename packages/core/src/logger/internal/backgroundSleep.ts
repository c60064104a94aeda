import { Clock, Duration, Effect } from "effect"

/** The clock of Effect's default services: real time, backed by `setTimeout`. */
const liveClock: Clock.Clock = Effect.runSync(Clock.clockWith(Effect.succeed))

/** setTimeout's longest delay; longer waits are taken in steps. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

const unrefSleep = (millis: number): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    const step = Math.min(Math.max(0, millis), MAX_TIMER_MILLIS)
    const timer = setTimeout(() => resume(Effect.void), step)
    timer.unref()
    return Effect.sync(() => clearTimeout(timer))
  }).pipe(Effect.zipRight(millis > MAX_TIMER_MILLIS ? unrefSleep(millis - MAX_TIMER_MILLIS) : Effect.void))

/**
 * Sleeps on the current `Clock`, for background waits (the write schedule, the batch window). With
 * the real clock the timer is unref'd, so an idle logger never keeps Node running; with any other
 * clock (`TestClock`) the clock's own sleep is used, so tests drive the schedule with
 * `TestClock.adjust`.
 */
export const backgroundSleep = (duration: Duration.Duration): Effect.Effect<void> =>
  Clock.clockWith((clock) => {
    if (clock !== liveClock) return clock.sleep(duration)
    const millis = Duration.toMillis(duration)
    return Number.isFinite(millis) ? unrefSleep(Math.ceil(millis)) : Effect.never
  })
