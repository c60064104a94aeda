import { readFileSync } from "node:fs"
import { copyFile, mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { whylogsVector } from "@sketchlog/test-fixtures"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { profileOf, runCli, tempDir } from "./cliHarness.js"

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  await profileOf({
    age: [31, 45, null, 27, 45],
    name: ["ada", "bob", "", "ada", "ada"],
    score: [0.5, 0.25, Number.NaN, 1, 0.75],
  }).write(join(dir, "people.bin"))
  await profileOf({ age: [60, 61] }, { datasetTimestamp: Date.UTC(2024, 0, 2) }).write(join(dir, "more.bin"))
  await mkdir(join(dir, "good", "nested"), { recursive: true })
  await copyFile(join(dir, "people.bin"), join(dir, "good", "a.bin"))
  await copyFile(join(dir, "more.bin"), join(dir, "good", "nested", "b.bin"))
  await writeFile(join(dir, "corrupt.bin"), Buffer.from("WHY1 this is not a profile at all"))
  await writeFile(join(dir, "text.bin"), "hello")
})
afterAll(() => cleanup())

interface JsonProfile {
  readonly file?: string
  readonly files?: string[]
  readonly datasetTimestamp: string
  readonly columns: Record<string, Record<string, unknown>>
}
const profilesOf = (stdout: string): JsonProfile[] =>
  (JSON.parse(stdout) as { profiles: JsonProfile[] }).profiles

describe("sketchlog inspect", () => {
  it("prints one table row per column with the summary figures", async () => {
    const result = await runCli(["inspect", "people.bin"], { cwd: dir })
    expect(result.code).toBe(0)
    expect(result.stderr).toBe("")
    const lines = result.stdout.split("\n")
    expect(lines[0]).toBe("people.bin")
    expect(lines[1]).toBe("dataset time 2024-01-01T00:00:00.000Z · 3 columns · 5 rows")
    const row = (name: string) => lines.find((l) => l.startsWith(`${name} `))!.split(/\s{2,}/)
    // column, type, count, null, distinct, mean, stddev, min, median, max, top values
    expect(row("age")).toEqual([
      "age",
      "integral",
      "5",
      "20%",
      "3",
      "37",
      "9.381",
      "27",
      "45",
      "45",
      "45 (2), 27 (1), 31 (1)",
    ])
    // DataSketches' HLL ignores the empty string, so it is not among the distinct values.
    expect(row("name").slice(0, 5)).toEqual(["name", "string", "5", "0%", "2"])
    expect(row("name").at(-1)).toBe('ada (3), "" (1), bob (1)')
    expect(row("score").slice(0, 4)).toEqual(["score", "fractional", "5", "20%"])
  })

  it("--json gives every summary field, parseable, for each file of a directory", async () => {
    const good = await runCli(["inspect", "good", "--json"], { cwd: dir })
    expect(good.code).toBe(0)
    const [people, more] = profilesOf(good.stdout)
    expect(people!.file).toBe(join("good", "a.bin"))
    expect(more!.file).toBe(join("good", "nested", "b.bin"))
    expect(people!.datasetTimestamp).toBe("2024-01-01T00:00:00.000Z")
    expect(people!.columns.age).toMatchObject({
      "counts/n": 5,
      "counts/null": 1,
      "types/integral": 4,
      "distribution/n": 4,
      "distribution/mean": 37,
      "distribution/min": 27,
      "distribution/max": 45,
      "ints/min": 27,
      "ints/max": 45,
    })
    expect(people!.columns.score).toMatchObject({
      "counts/nan": 1,
      "counts/null": 1,
      "distribution/mean": 0.625,
    })
    expect(people!.columns.name!["frequent_items/frequent_strings"]).toEqual([
      { value: "ada", est: 3, upper: 3, lower: 3 },
      { value: "", est: 1, upper: 1, lower: 1 },
      { value: "bob", est: 1, upper: 1, lower: 1 },
    ])
    expect(more!.datasetTimestamp).toBe("2024-01-02T00:00:00.000Z")
    expect(Object.keys(more!.columns)).toEqual(["age"])
  })

  it("--columns keeps only the columns asked for; --merge shows one merged profile", async () => {
    const result = await runCli(
      ["inspect", "people.bin", "more.bin", "--json", "--columns", "age", "--merge"],
      {
        cwd: dir,
      },
    )
    expect(result.code).toBe(0)
    const [merged] = profilesOf(result.stdout)
    expect(merged!.files).toEqual(["people.bin", "more.bin"])
    expect(Object.keys(merged!.columns)).toEqual(["age"])
    expect(merged!.columns.age).toMatchObject({ "counts/n": 7, "distribution/max": 61, "distribution/n": 6 })
    const unknown = await runCli(["inspect", "people.bin", "--columns", "agee"], { cwd: dir })
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no column "agee"')
  })

  it("--csv writes one RFC 4180 row per column with every summary field", async () => {
    const result = await runCli(["inspect", "people.bin", "--csv"], { cwd: dir })
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split("\r\n")
    expect(lines).toHaveLength(4)
    const header = lines[0]!.split(",")
    expect(header.slice(0, 2)).toEqual(["file", "column"])
    expect(header).toContain("distribution/q_99")
    const age = lines.find((l) => l.startsWith("people.bin,age,"))!.split(",")
    expect(age[header.indexOf("counts/n")]).toBe("5")
    expect(age[header.indexOf("distribution/mean")]).toBe("37")
    // The frequent items list is one quoted JSON field.
    const nameLine = lines.find((l) => l.startsWith("people.bin,name,"))!
    expect(nameLine).toContain('"[{""value"":""ada"",""est"":3,""upper"":3,""lower"":3}')
  })

  it("reads a whylogs-written profile to whylogs' own summary", async () => {
    const result = await runCli(["inspect", whylogsVector("mixed_1k.bin"), "--json"])
    expect(result.code).toBe(0)
    const [profile] = profilesOf(result.stdout)
    const expected = JSON.parse(readFileSync(whylogsVector("mixed_1k.summary.json"), "utf8")) as {
      columns: Record<string, { summary: Record<string, unknown> }>
    }
    expect(Object.keys(profile!.columns).sort()).toEqual(Object.keys(expected.columns).sort())
    for (const [name, { summary }] of Object.entries(expected.columns)) {
      for (const [field, value] of Object.entries(summary)) {
        const got = profile!.columns[name]![field]
        if (typeof value === "number" && typeof got === "number") {
          expect(Math.abs(got - value), `${name} ${field}`).toBeLessThanOrEqual(Math.abs(value) * 1e-9 + 1e-9)
        } else if (Array.isArray(value)) {
          const byValue = (a: { value: string }, b: { value: string }) => (a.value < b.value ? -1 : 1)
          expect([...(got as { value: string }[])].sort(byValue), `${name} ${field}`).toEqual(
            [...value].sort(byValue),
          )
        } else expect(got, `${name} ${field}`).toEqual(value)
      }
    }
  })

  it("exits 3 with one line naming the file and what is wrong for a corrupt or missing file", async () => {
    // A directory with a corrupt file in it fails as a whole: no partial output.
    const wholeDir = await runCli(["inspect", ".", "--json"], { cwd: dir })
    expect(wholeDir.code).toBe(3)
    expect(wholeDir.stdout).toBe("")
    const corrupt = await runCli(["inspect", "corrupt.bin"], { cwd: dir })
    expect(corrupt.code).toBe(3)
    expect(corrupt.stdout).toBe("")
    expect(corrupt.stderr.trim().split("\n")).toHaveLength(1)
    expect(corrupt.stderr).toMatch(
      /^sketchlog inspect: corrupt\.bin: not a readable whylogs v1 profile: .+ at byte \d+: /,
    )
    const text = await runCli(["inspect", "text.bin"], { cwd: dir })
    expect(text.code).toBe(3)
    expect(text.stderr).toMatch(/text\.bin: not a readable whylogs v1 profile: magic at byte 0/)
    const missing = await runCli(["inspect", "nope.bin"], { cwd: dir })
    expect(missing.code).toBe(3)
    expect(missing.stderr.trim()).toBe("sketchlog inspect: nope.bin: no such file or directory")
  })

  it("prints column names and values that hold control characters as escapes, never raw", async () => {
    const { dir: hostile, cleanup: done } = await tempDir()
    try {
      await profileOf({ "evil\u001b[31mred\nname": ["\u001b]0;title\u0007", "ok"] }).write(
        join(hostile, "h.bin"),
      )
      const result = await runCli(["inspect", "h.bin"], { cwd: hostile })
      expect(result.code).toBe(0)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none reach the terminal
      expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/)
      expect(result.stdout).toContain("evil\\u{1b}[31mred\\nname")
    } finally {
      await done()
    }
  })
})

describe("sketchlog inspect, report, check and upload with no path", () => {
  it("read the default folder: SKETCHLOG_PROFILE_DIR, else ./sketchlog-profiles of where they were started", async () => {
    await mkdir(join(dir, "started", "sketchlog-profiles", "m-1"), { recursive: true })
    await copyFile(join(dir, "people.bin"), join(dir, "started", "sketchlog-profiles", "m-1", "p.bin"))
    await mkdir(join(dir, "started", "elsewhere", "m-2"), { recursive: true })
    await copyFile(join(dir, "more.bin"), join(dir, "started", "elsewhere", "m-2", "m.bin"))
    const started = join(dir, "started")
    const fromDefault = await runCli(["inspect", "--json"], { cwd: dir, env: { INIT_CWD: started } })
    expect(fromDefault.code).toBe(0)
    expect(profilesOf(fromDefault.stdout).map((p) => p.columns.age?.["counts/n"])).toEqual([5])
    const fromEnv = await runCli(["inspect", "--json"], {
      cwd: dir,
      env: { INIT_CWD: started, SKETCHLOG_PROFILE_DIR: "elsewhere" },
    })
    expect(profilesOf(fromEnv.stdout).map((p) => p.columns.age?.["counts/n"])).toEqual([2])
  })

  it("say where they looked when the default folder does not exist yet", async () => {
    for (const command of [["inspect"], ["report"], ["check", "--monitors", "m.json"], ["upload"]]) {
      const result = await runCli(command, { cwd: dir, env: { INIT_CWD: join(dir, "nothing-here") } })
      expect(result.code, command[0]).toBe(3)
      expect(result.stderr.trim()).toBe(
        `sketchlog ${command[0]}: no profiles at ${join(dir, "nothing-here", "sketchlog-profiles")} (the default folder: SKETCHLOG_PROFILE_DIR, else ./sketchlog-profiles where you started); name a folder, file or store`,
      )
    }
  })
})
