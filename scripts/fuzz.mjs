#!/usr/bin/env node
// Random exploration of the property tests, run on purpose (never part of CI's pass/fail): each round
// runs every test file that uses fast-check with a new seed (SKETCHLOG_FUZZ_SEED, see
// test-fixtures/src/vitest/propertySeed.ts) and prints the seed of any round that fails, which replays
// it exactly: `SKETCHLOG_FUZZ_SEED=<seed> pnpm test <file>`.
//   pnpm fuzz            5 rounds
//   pnpm fuzz 20         20 rounds
//   pnpm fuzz 20 core    only files whose path contains "core"
import { spawnSync } from "node:child_process"
import { randomInt } from "node:crypto"

const rounds = Number(process.argv[2] ?? 5)
const filter = process.argv[3] ?? ""
if (!Number.isInteger(rounds) || rounds < 1) {
  console.error("usage: pnpm fuzz [rounds] [path filter]")
  process.exit(2)
}

const listed = spawnSync("git", ["grep", "-l", 'from "fast-check"', "--", "*.test.ts"], { encoding: "utf8" })
const files = listed.stdout
  .split("\n")
  .filter((file) => file.length > 0 && !file.startsWith("test/reliability/") && file.includes(filter))
if (files.length === 0) {
  console.error(`fuzz: no property test files match ${JSON.stringify(filter)}`)
  process.exit(2)
}
console.log(`fuzz: ${rounds} round(s) over ${files.length} file(s) with fast-check properties`)

const failed = []
for (let round = 1; round <= rounds; round++) {
  const seed = randomInt(2 ** 31 - 1)
  const run = spawnSync("pnpm", ["exec", "vitest", "run", "--reporter=dot", ...files], {
    env: { ...process.env, SKETCHLOG_FUZZ_SEED: String(seed) },
    encoding: "utf8",
  })
  const ok = run.status === 0
  console.log(`round ${round}: seed ${seed} ${ok ? "passed" : "FAILED"}`)
  if (!ok) {
    failed.push(seed)
    const lines = `${run.stdout}\n${run.stderr}`
      .split("\n")
      .filter((l) => /FAIL|×|Counterexample|seed/.test(l))
    console.log(lines.slice(0, 40).join("\n"))
  }
}
console.log(
  failed.length === 0
    ? `fuzz: ${rounds} round(s), no failure`
    : `fuzz: ${failed.length} of ${rounds} round(s) failed; replay with SKETCHLOG_FUZZ_SEED=<seed> pnpm test <file>: ${failed.join(", ")}`,
)
process.exit(failed.length === 0 ? 0 : 1)
