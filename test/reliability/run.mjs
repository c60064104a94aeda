#!/usr/bin/env node
// Runs the reliability suite and prints the figures it measured, one table per area, then the plain
// "N passed, N failed" line (vitest's exit code is kept).
//
//   node test/reliability/run.mjs              the bounded form (CI: a few minutes)
//   node test/reliability/run.mjs --soak       the soak form (RELIABILITY_MODE=soak; about eight minutes)
//   … --write-doc                              also replaces this form's tables in docs/RELIABILITY.md
//   … test/load.test.ts                        other arguments go to vitest (e.g. one file)
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { exitCodeOf, formatTally, tallyVitestReport } from "../../scripts/vitest-tally.mjs"

const root = fileURLToPath(new URL("../..", import.meta.url))
const args = process.argv.slice(2)
const mode = args.includes("--soak") ? "soak" : "bounded"
const writeDoc = args.includes("--write-doc")
const vitestArgs = args.filter((a) => a !== "--soak" && a !== "--write-doc")
const results = join(root, ".test-results", "reliability", mode)
rmSync(results, { recursive: true, force: true })

const scratch = mkdtempSync(join(tmpdir(), "sketchlog-reliability-"))
const report = join(scratch, "vitest.json")
const startedAt = new Date()
const load = loadavg()
const run = spawnSync(
  "pnpm",
  [
    "exec",
    "vitest",
    "run",
    "--config",
    "test/reliability/vitest.config.ts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...vitestArgs,
  ],
  { cwd: root, stdio: "inherit", env: { ...process.env, RELIABILITY_MODE: mode } },
)
const seconds = Math.round((Date.now() - startedAt.getTime()) / 1000)

const tally = tallyVitestReport(report)
rmSync(scratch, { recursive: true, force: true })

// The figures every test file left, gathered by area.
const figures = existsSync(results)
  ? readdirSync(results)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .flatMap((f) => JSON.parse(readFileSync(join(results, f), "utf8")))
  : []
const order = ["load", "faults", "hostile input", "security"]
const rank = (area) => (order.includes(area) ? order.indexOf(area) : order.length)
const areas = [...new Set(figures.map((f) => f.area))].sort((a, b) => rank(a) - rank(b))
const cell = (text) => String(text).replaceAll("|", "\\|")
const tables = areas
  .map((area) => {
    const rows = figures
      .filter((f) => f.area === area)
      .map(
        (f) =>
          `| ${cell(f.name)} | ${cell(f.value)}${f.unit ? ` ${cell(f.unit)}` : ""} | ${cell(f.threshold)} |`,
      )
    return [`#### ${area}`, "", "| figure | measured | required |", "|---|---|---|", ...rows].join("\n")
  })
  .join("\n\n")
const command = mode === "soak" ? "pnpm test:reliability:soak" : "pnpm test:reliability"
const header =
  `Measured ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC with \`${command}\` ` +
  `(${formatTally(tally)}, ${seconds} s; Node ${process.version}, ` +
  `${cpus().length} cores, load average ${load[0].toFixed(1)} at the start).`
console.log(`\n${header}\n\n${tables}`)

if (writeDoc) {
  const doc = join(root, "docs", "RELIABILITY.md")
  const begin = `<!-- figures:${mode} -->`
  const end = `<!-- /figures:${mode} -->`
  const text = readFileSync(doc, "utf8")
  const from = text.indexOf(begin)
  const to = text.indexOf(end)
  if (from < 0 || to < from) {
    console.error(`${doc} has no ${begin} … ${end} block; the figures were not written`)
  } else {
    writeFileSync(doc, `${text.slice(0, from + begin.length)}\n${header}\n\n${tables}\n${text.slice(to)}`)
    console.log(`\nwrote the ${mode} figures to docs/RELIABILITY.md`)
  }
}

console.log(`\n${formatTally(tally)}`)
process.exit(exitCodeOf(run.status, tally))
