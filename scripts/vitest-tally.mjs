// The plain "N passed, N failed" line that vitest itself never prints, read from its JSON report.
// Shared by scripts/test.mjs and test/reliability/run.mjs, so both count the same way.
import { readFileSync } from "node:fs"

/**
 * Counts the tests in the vitest JSON report at `reportPath`. A test file that failed without a
 * failed test (it did not load) counts as one failure; a missing or unreadable report (vitest could
 * not start) counts as one failure, so the line never says 0 failed when nothing ran.
 * @param {string} reportPath
 * @returns {{ passed: number, failed: number, skipped: number }}
 */
export const tallyVitestReport = (reportPath) => {
  let passed = 0
  let failed = 0
  let skipped = 0
  try {
    const result = JSON.parse(readFileSync(reportPath, "utf8"))
    for (const file of result.testResults ?? []) {
      const tests = file.assertionResults ?? []
      if (file.status === "failed" && tests.every((t) => t.status !== "failed")) failed += 1
      for (const t of tests) {
        if (t.status === "passed") passed += 1
        else if (t.status === "failed") failed += 1
        else skipped += 1
      }
    }
  } catch {
    failed += 1
  }
  return { passed, failed, skipped }
}

/**
 * "N passed, N failed" (and ", N skipped" when any were).
 * @param {{ passed: number, failed: number, skipped: number }} tally
 */
export const formatTally = ({ passed, failed, skipped }) =>
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`

/**
 * The exit code a run ends with: vitest's own when it failed, else 1 when the tally counts a failure.
 * @param {number | null} vitestStatus
 * @param {{ failed: number }} tally
 */
export const exitCodeOf = (vitestStatus, { failed }) => {
  const code = vitestStatus ?? 1
  return code !== 0 ? code : failed > 0 ? 1 : 0
}
