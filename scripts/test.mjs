#!/usr/bin/env node
// Runs the whole vitest workspace and ends with one plain line, "N passed, N failed", which vitest
// itself never prints. A test file that fails to load counts as one failure. Vitest's exit code is kept.
// Extra arguments go to vitest (e.g. `pnpm test packages/sketches`).
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { exitCodeOf, formatTally, tallyVitestReport } from "./vitest-tally.mjs"

const dir = mkdtempSync(join(tmpdir(), "sketchlog-test-"))
const report = join(dir, "vitest.json")
const args = ["exec", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]
const run = spawnSync("pnpm", [...args, ...process.argv.slice(2)], { stdio: "inherit" })

const tally = tallyVitestReport(report)
rmSync(dir, { recursive: true, force: true })
console.log(`\n${formatTally(tally)}`)
process.exit(exitCodeOf(run.status, tally))
