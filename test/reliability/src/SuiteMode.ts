/**
 * The two forms of the suite. `bounded` runs in CI (a few minutes on two shared cores); `soak` runs the
 * same tests longer and harder (`pnpm test:reliability:soak`). Every duration and case count the tests
 * use comes from here, so a test reads the same in both forms.
 */
export type SuiteMode = "bounded" | "soak"

/** The form asked for by `RELIABILITY_MODE` (default `bounded`). */
export const suiteMode: SuiteMode = process.env.RELIABILITY_MODE === "soak" ? "soak" : "bounded"

/** Durations and sizes of one form. */
export interface SuiteScale {
  /** Seconds of each step of the search for the maximum sustainable rate. */
  readonly rateStepSeconds: number
  /** Seconds at the maximum sustainable rate. */
  readonly sustainSeconds: number
  /** Seconds at five times that offered rate. */
  readonly overloadSeconds: number
  /** Requests per fault phase against the fake platform. */
  readonly requestsPerPhase: number
  /** How long the platform stays down in the outage scenario, ms. */
  readonly outageMillis: number
  /** fast-check runs per adapter for hostile HTTP input. */
  readonly httpRuns: number
  /** Mutated profile files through `deserialize` (in-process, in a watched child). */
  readonly profileMutations: number
  /** Mutated profile files through `sketchlog inspect` (in-process `run`, in a watched child). */
  readonly inspectMutations: number
  /** Milliseconds a test may take at most (vitest's timeout). */
  readonly testTimeout: number
}

const scales: Record<SuiteMode, SuiteScale> = {
  bounded: {
    rateStepSeconds: 2,
    sustainSeconds: 12,
    overloadSeconds: 8,
    requestsPerPhase: 120,
    outageMillis: 3_000,
    httpRuns: 120,
    profileMutations: 3_000,
    inspectMutations: 600,
    testTimeout: 240_000,
  },
  soak: {
    rateStepSeconds: 4,
    sustainSeconds: 60,
    overloadSeconds: 60,
    requestsPerPhase: 1_000,
    outageMillis: 120_000,
    httpRuns: 1_500,
    profileMutations: 50_000,
    inspectMutations: 10_000,
    testTimeout: 1_800_000,
  },
}

/** The scale of the form this run uses. */
export const scale: SuiteScale = scales[suiteMode]
