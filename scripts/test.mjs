#!/usr/bin/env node
// Runs the whole vitest workspace and ends with one plain line, "N passed, N failed", which vitest
// itself never prints. A test file that fails to load counts as one failure. Vitest's exit code is kept.
// Extra arguments go to vitest (e.g. `pnpm test packages/sketches`).
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const dir = mkdtempSync(join(tmpdir(), "sketchlog-test-"))
const report = join(dir, "vitest.json")
const args = ["exec", "vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]
const run = spawnSync("pnpm", [...args, ...process.argv.slice(2)], { stdio: "inherit" })

let passed = 0
let failed = 0
let skipped = 0
try {
  const result = JSON.parse(readFileSync(report, "utf8"))
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
  // No report at all: vitest could not start. Count that as one failure so the line never says 0 failed.
  failed += 1
}
rmSync(dir, { recursive: true, force: true })
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`)
const code = run.status ?? 1
process.exit(code !== 0 ? code : failed > 0 ? 1 : 0)
