import { spawn } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { whylogsVector } from "@sketchlog/test-fixtures"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { FuzzOutcome } from "../src/children/profileFuzzer.js"
import { FigureLog } from "../src/Figures.js"
import { describeMutation, mutate, mutation, sketchlogProfiles } from "../src/ProfileMutations.js"
import { ServerProcess } from "../src/ServerProcess.js"
import { scale, suiteMode } from "../src/SuiteMode.js"

const fuzzer = fileURLToPath(new URL("../src/children/profileFuzzer.ts", import.meta.url))
const cliMain = fileURLToPath(new URL("../../../packages/cli/src/main.ts", import.meta.url))
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href
const figures = new FigureLog(import.meta.filename)
const seed = suiteMode === "bounded" ? 1_7_2024 : Date.now() % 2 ** 31

/** A case that takes longer than this is a hang: the fuzzing process is then killed and the case reported. */
const CASE_LIMIT_MS = 10_000
/** The slowest case the suite accepts (a healthy one takes a few milliseconds). */
const SLOWEST_CASE_MS = 2_000

let corpus: Array<{ name: string; bytes: Uint8Array }>
let child: ServerProcess
beforeAll(async () => {
  const vectors = ["mixed_1k.bin", "mixed_1k_seg_category=A.bin", "tiny_10.bin", "my_profile_064ba9e.bin"]
  corpus = [
    ...sketchlogProfiles().map((bytes, i) => ({ name: `sketchlog-${i}`, bytes })),
    ...(await Promise.all(
      vectors.map(async (name) => ({ name, bytes: new Uint8Array(await readFile(whylogsVector(name))) })),
    )),
  ]
  child = await ServerProcess.start(fuzzer)
})
afterAll(() => child.stop())

const damaged = fc.tuple(fc.nat(), mutation).map(([i, m]) => {
  const source = corpus[i % corpus.length]!
  return { source: source.name, m, bytes: mutate(source.bytes, m) }
})

const ask = async <T>(command: string, bytes: Uint8Array, what: string): Promise<T> => {
  try {
    return await child.ask<T>(command, Buffer.from(bytes).toString("base64"), CASE_LIMIT_MS)
  } catch (error) {
    // A hang or a crash: keep the case for reproduction, restart the process for whatever comes next.
    const file = join(tmpdir(), `sketchlog-fuzz-failure-${Date.now()}.bin`)
    await writeFile(file, bytes)
    await child.stop()
    child = await ServerProcess.start(fuzzer)
    throw new Error(
      `${what}: ${error instanceof Error ? error.message : String(error)} (bytes kept in ${file})`,
    )
  }
}

describe(`damaged profile files (${suiteMode}, seed ${seed})`, () => {
  it("DatasetProfileView.deserialize: truncation, bit flips, length fields past the end, inserted and deleted bytes give a readable view or a typed error, never a hang or a crash", async () => {
    const tally = { read: 0, typed: 0 }
    let slowest = 0
    await fc.assert(
      fc.asyncProperty(damaged, async ({ source, m, bytes }) => {
        const what = `${source} ${describeMutation(m)}`
        const result = await ask<FuzzOutcome>("deserialize", bytes, what)
        slowest = Math.max(slowest, result.millis)
        if (result.outcome === "untyped") throw new Error(`${what}: untyped ${result.error}`)
        if (result.millis > SLOWEST_CASE_MS) throw new Error(`${what}: took ${Math.round(result.millis)} ms`)
        tally[result.outcome]++
      }),
      { numRuns: scale.profileMutations, seed, endOnFailure: true },
    )
    figures.record(
      "hostile input",
      "profile files through deserialize: cases (read / typed error)",
      `${scale.profileMutations} (${tally.read} / ${tally.typed})`,
      "",
      "no untyped error, no hang, no crash",
    )
    figures.record(
      "hostile input",
      "deserialize: slowest damaged file",
      Math.round(slowest),
      "ms",
      `≤ ${SLOWEST_CASE_MS}`,
    )
    expect(tally.read + tally.typed).toBe(scale.profileMutations)
    expect(tally.typed).toBeGreaterThan(scale.profileMutations / 2)
  })

  it("sketchlog inspect: exit 3 and one line naming the problem for each file deserialize refuses, exit 0 for the others, never 70", async () => {
    const codes: Record<number, number> = {}
    let slowest = 0
    await fc.assert(
      fc.asyncProperty(damaged, async ({ source, m, bytes }) => {
        const what = `${source} ${describeMutation(m)}`
        const expected = await ask<FuzzOutcome>("deserialize", bytes, what)
        const result = await ask<{ code: number; stderr: string; millis: number }>("inspect", bytes, what)
        slowest = Math.max(slowest, result.millis)
        codes[result.code] = (codes[result.code] ?? 0) + 1
        const want = expected.outcome === "read" ? 0 : 3
        if (result.code !== want)
          throw new Error(`${what}: exit ${result.code}, expected ${want}: ${result.stderr}`)
        if (want === 3 && !/^sketchlog inspect: [^\n]+\n$/.test(result.stderr))
          throw new Error(`${what}: stderr is not one line: ${JSON.stringify(result.stderr)}`)
      }),
      { numRuns: scale.inspectMutations, seed: seed + 1, endOnFailure: true },
    )
    figures.record(
      "hostile input",
      "profile files through sketchlog inspect: exit codes",
      Object.entries(codes)
        .map(([c, n]) => `${c}×${n}`)
        .join(", "),
      "",
      "0 or 3 only",
    )
    figures.record(
      "hostile input",
      "inspect: slowest damaged file",
      Math.round(slowest),
      "ms",
      `≤ ${SLOWEST_CASE_MS}`,
    )
    expect(slowest).toBeLessThanOrEqual(SLOWEST_CASE_MS)
  })

  it("the sketchlog command as a process: exit 3 with one line on stderr for damaged files, whatever the damage", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sketchlog-cli-fuzz-"))
    try {
      const source = corpus[0]!.bytes
      const cases: Array<[string, Uint8Array]> = [
        ["truncated", source.slice(0, Math.floor(source.length / 3))],
        [
          "length past the end",
          mutate(source, { kind: "length", which: 0, value: 2n ** 32n + 5n, pastEnd: false }),
        ],
        ["not a profile", new TextEncoder().encode("<html>not a profile</html>")],
        ["empty", new Uint8Array()],
      ]
      const results: string[] = []
      for (const [name, bytes] of cases) {
        const file = join(dir, `${name.replaceAll(" ", "-")}.bin`)
        await writeFile(file, bytes)
        const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
          const proc = spawn(
            process.execPath,
            ["--conditions=@sketchlog/source", "--import", tsx, cliMain, "inspect", file],
            {
              stdio: ["ignore", "ignore", "pipe"],
            },
          )
          let err = ""
          proc.stderr.on("data", (d: Buffer) => {
            err += d.toString()
          })
          const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000)
          proc.on("exit", (c) => {
            clearTimeout(timer)
            resolve({ code: c, stderr: err })
          })
        })
        results.push(`${name}: ${code}`)
        expect(code, `${name}: ${stderr}`).toBe(3)
        expect(stderr).toMatch(/^sketchlog inspect: [^\n]+\n$/)
      }
      figures.record(
        "hostile input",
        "sketchlog inspect as a process, damaged files",
        results.join("; "),
        "",
        "exit 3",
      )
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
