/**
 * A vitest setup file (every project's, see vitest.shared.ts): fast-check property tests that give no
 * seed of their own run with one fixed seed, so `pnpm test` gives the same answer on every run. Random
 * exploration is a separate, deliberate run: `pnpm fuzz` sets `SKETCHLOG_FUZZ_SEED` to a new seed each
 * round and prints the seed of any failure, which replays it exactly:
 * `SKETCHLOG_FUZZ_SEED=<seed> pnpm test <file>`. Tests that give their own seed (accuracy bounds that hold
 * with high probability, not always) keep it in both modes.
 */
import fc from "fast-check"

/** The seed of every property test in `pnpm test` that does not choose its own. */
export const FIXED_PROPERTY_SEED = 20_261_207

const fromEnvironment = (text: string | undefined): number | undefined => {
  if (text === undefined || text === "") return undefined
  const seed = Number(text)
  if (!Number.isSafeInteger(seed))
    throw new Error(`SKETCHLOG_FUZZ_SEED must be an integer, got ${JSON.stringify(text)}`)
  return seed
}

fc.configureGlobal({ seed: fromEnvironment(process.env.SKETCHLOG_FUZZ_SEED) ?? FIXED_PROPERTY_SEED })
