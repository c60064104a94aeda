import { once } from "node:events"
import { writeFile } from "node:fs/promises"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { runCli, tempDir } from "./cliHarness.js"
import { HOUR, seedStore } from "./storeSeed.js"

const START = Date.UTC(2026, 10, 2, 0)
/** The evaluated window is hour 28 (check runs during hour 29). */
const AT = new Date(START + 29 * HOUR + 10 * 60_000).toISOString()
let dir: string
let cleanup: () => Promise<void>

beforeAll(async () => {
  ;({ dir, cleanup } = await tempDir())
  const store = join(dir, "store")
  // "loan": the traffic of hour 28 has drifted (lower incomes, nulls, a new employment, terms as text).
  await seedStore({
    dir: store,
    datasets: ["loan"],
    start: START,
    hours: 29,
    segments: ["http.route=/v1/score"],
    replicas: ["r1", "r2"],
    rows: 60,
    driftFrom: START + 28 * HOUR,
  })
  // "quiet": hour 28 has a sixth of the traffic.
  await seedStore({
    dir: store,
    datasets: ["quiet"],
    start: START,
    hours: 29,
    segments: ["http.route=/v1/score"],
    replicas: ["r1", "r2"],
    rows: 60,
    rowsFrom: { time: START + 28 * HOUR, rows: 10 },
  })
})
afterAll(() => cleanup())

const rule = <F extends { readonly name: string; readonly metric: string }>(fields: F) => ({
  window: "1h",
  ...fields,
})

/** Pairs of rules of each metric: the first fires in hour 28, the second does not. */
const PAIRS = [
  [
    rule({ name: "count fires", dataset: "quiet", metric: "count", below: 100 }),
    rule({ name: "count quiet", dataset: "quiet", metric: "count", below: 10 }),
  ],
  [
    rule({ name: "drop fires", dataset: "quiet", metric: "drop", above: 0.5 }),
    rule({ name: "drop quiet", dataset: "quiet", metric: "drop", above: 0.9 }),
  ],
  [
    rule({
      name: "nulls fire",
      dataset: "loan",
      column: "request.body.income",
      metric: "null_share",
      above: 0.05,
    }),
    rule({
      name: "nulls quiet",
      dataset: "loan",
      column: "request.body.age",
      metric: "null_share",
      above: 0.05,
    }),
  ],
  [
    rule({
      name: "drift fires",
      dataset: "loan",
      column: "request.body.income",
      metric: "drift",
      above: 0.3,
    }),
    rule({ name: "drift quiet", dataset: "loan", column: "request.body.age", metric: "drift", above: 0.3 }),
  ],
  [
    rule({
      name: "median fires",
      dataset: "loan",
      column: "request.body.income",
      metric: "quantile",
      q: 0.5,
      below: 45000,
    }),
    rule({
      name: "median quiet",
      dataset: "loan",
      column: "request.body.age",
      metric: "quantile",
      q: 0.5,
      below: 20,
    }),
  ],
  [
    rule({
      name: "distinct fires",
      dataset: "loan",
      column: "request.body.state",
      metric: "cardinality",
      above: 5,
    }),
    rule({
      name: "distinct quiet",
      dataset: "loan",
      column: "request.body.purpose",
      metric: "cardinality",
      above: 5.5,
    }),
  ],
  [
    rule({
      name: "types fire",
      dataset: "loan",
      column: "request.body.term_months",
      metric: "type_share",
      type: "string",
      above: 0.1,
    }),
    rule({
      name: "types quiet",
      dataset: "loan",
      column: "request.body.age",
      metric: "type_share",
      type: "string",
      above: 0.1,
    }),
  ],
  [
    rule({
      name: "new value fires",
      dataset: "loan",
      column: "request.body.employment",
      metric: "new_value",
    }),
    rule({ name: "new value quiet", dataset: "loan", column: "request.body.purpose", metric: "new_value" }),
  ],
] as const

const monitorsFile = async (name: string, monitors: ReadonlyArray<unknown>): Promise<string> => {
  const path = join(dir, name)
  await writeFile(path, JSON.stringify({ monitors }))
  return path
}

describe("sketchlog check", () => {
  it.each(PAIRS.map(([firing, quiet]) => [firing.metric, firing, quiet] as const))(
    "%s: fires on the drifted or quiet hour and stays quiet otherwise",
    async (_metric, firing, quiet) => {
      const fires = await runCli(
        ["check", "store", "--monitors", await monitorsFile(`${firing.name}.json`, [firing]), "--at", AT],
        { cwd: dir },
      )
      expect(fires.stderr).toBe("")
      expect(fires.code, fires.stdout).toBe(1)
      expect(fires.stdout).toMatch(new RegExp(`^FIRING\\s+${firing.name}`, "m"))
      expect(fires.stdout).toContain("2026-11-03 04:00–05:00 UTC")
      expect(fires.stdout).toMatch(/1 of 1 rule firing/)
      const quietRun = await runCli(
        ["check", "store", "--monitors", await monitorsFile(`${quiet.name}.json`, [quiet]), "--at", AT],
        { cwd: dir },
      )
      expect(quietRun.code, quietRun.stdout).toBe(0)
      expect(quietRun.stdout).toMatch(new RegExp(`^ok\\s+${quiet.name}`, "m"))
      expect(quietRun.stdout).toMatch(/0 of 1 rule firing/)
    },
  )

  it('a "*" rule names the columns that fire; a window without profiles has no data, except count', async () => {
    const file = await monitorsFile("star.json", [
      rule({ name: "any nulls", dataset: "loan", column: "*", metric: "null_share", above: 0.05 }),
      rule({ name: "gone quiet", dataset: "loan", metric: "count", below: 1 }),
    ])
    const later = new Date(START + 40 * HOUR).toISOString()
    const now = await runCli(["check", "store", "--monitors", file, "--at", AT, "--json"], { cwd: dir })
    expect(now.code).toBe(1)
    const outcomes = JSON.parse(now.stdout) as Array<{
      rule: string
      status: string
      outcomes: Array<{ column: string; status: string }>
    }>
    expect(outcomes[0]!.outcomes.filter((o) => o.status === "firing").map((o) => o.column)).toEqual([
      "request.body.income",
    ])
    expect(outcomes[0]!.outcomes).toHaveLength(20)
    expect(outcomes[1]!.status).toBe("ok")
    // Hours after the store ends: no rows (count fires), nothing to measure for null shares.
    const after = await runCli(["check", "store", "--monitors", file, "--at", later, "--json"], { cwd: dir })
    const afterOutcomes = JSON.parse(after.stdout) as Array<{ status: string }>
    expect(afterOutcomes.map((o) => o.status)).toEqual(["no-data", "firing"])
    expect(after.code).toBe(1)
  })

  it("posts the firing rules to a webhook: JSON with a Slack-compatible text", async () => {
    const received: Array<{ body: string; type: string | undefined }> = []
    const hook = createServer((request, response) => {
      let body = ""
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8")
      })
      request.on("end", () => {
        received.push({ body, type: request.headers["content-type"] })
        response.writeHead(200).end("ok")
      })
    })
    hook.listen(0, "127.0.0.1")
    await once(hook, "listening")
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/T000`
    try {
      const file = await monitorsFile("hook.json", [PAIRS[3][0], PAIRS[3][1], PAIRS[7][0]])
      const result = await runCli(["check", "store", "--monitors", file, "--at", AT, "--webhook", url], {
        cwd: dir,
      })
      expect(result.code).toBe(1)
      expect(received).toHaveLength(1)
      expect(received[0]!.type).toBe("application/json")
      const payload = JSON.parse(received[0]!.body)
      expect(payload.text).toMatch(
        /^sketchlog: 2 monitors firing on store\n• drift fires: drift of request\.body\.income in loan is 0\.\d{3} \(> 0\.300\)/,
      )
      expect(payload.text).toContain(
        'new value fires: new value of request.body.employment in loan is 1 (> 0) in 2026-11-03 04:00–05:00 UTC; new: "gig"',
      )
      expect(payload.firing.map((f: { rule: string }) => f.rule)).toEqual(["drift fires", "new value fires"])
      expect(payload.firing[0]).toMatchObject({
        dataset: "loan",
        column: "request.body.income",
        metric: "drift",
        above: 0.3,
        below: null,
      })
      // Nothing fires: nothing is posted.
      const quiet = await runCli(
        [
          "check",
          "store",
          "--monitors",
          await monitorsFile("hook-quiet.json", [PAIRS[3][1]]),
          "--at",
          AT,
          "--webhook",
          url,
        ],
        { cwd: dir },
      )
      expect(quiet.code).toBe(0)
      expect(received).toHaveLength(1)
    } finally {
      hook.close()
      await once(hook, "close")
    }
    // A receiver that is not there: the rule still fires (exit 1) and the failure is one line, without the URL.
    const dead = await runCli(
      [
        "check",
        "store",
        "--monitors",
        await monitorsFile("dead.json", [PAIRS[3][0]]),
        "--at",
        AT,
        "--webhook",
        `${url}/secret-token`,
      ],
      { cwd: dir },
    )
    expect(dead.code).toBe(1)
    expect(dead.stderr).toMatch(/^sketchlog check: the webhook could not be reached \(ECONNREFUSED\)\n$/)
  })

  it.each([
    [{ monitors: "no" }, /m\.json: must be an object \{ "monitors": \[rule, …\] \}/],
    [
      { monitors: [{ name: "a", dataset: "loan", column: "x", metric: "drift", above: "0.3" }] },
      /m\.json: rule 1 "a": "above" must be a number, got "0\.3"/,
    ],
    [
      {
        monitors: [
          { name: "a", dataset: "loan", metric: "count", below: 1 },
          { name: "b", dataset: "loan", column: "x", metric: "driftt", above: 1 },
        ],
      },
      /rule 2 "b": "metric" must be one of count, drop, null_share, drift, quantile, cardinality, type_share, new_value, got "driftt"/,
    ],
    [
      { monitors: [{ name: "q", dataset: "loan", column: "x", metric: "quantile", above: 1 }] },
      /rule 1 "q": "q" is required by metric "quantile"/,
    ],
    [
      { monitors: [{ name: "w", dataset: "loan", column: "x", metric: "drift", above: 0.3, window: "5m" }] },
      /rule 1 "w": "window" must be "1h" or "1d", got "5m"/,
    ],
    [
      { monitors: [{ name: "t", dataset: "loan", column: "x", metric: "null_share", abvoe: 0.3 }] },
      /rule 1 "t": "abvoe" is not a rule field/,
    ],
    [
      { monitors: [{ name: "n", dataset: "loan", column: "x", metric: "null_share" }] },
      /rule 1 "n": "above" a threshold is required/,
    ],
    [
      {
        monitors: [
          {
            name: "r",
            dataset: "loan",
            column: "x",
            metric: "drift",
            above: 0.3,
            reference: { from: "2026-01-08", to: "2026-01-01" },
          },
        ],
      },
      /rule 1 "r": "reference" "to" must be after "from"/,
    ],
    [
      { monitors: [{ dataset: "loan", column: "x", metric: "drift", above: 0.3 }] },
      /rule 1: "name" is required/,
    ],
  ])("a malformed monitors file is exit 2, naming the rule and field (%#)", async (content, message) => {
    const path = join(dir, "m.json")
    await writeFile(path, JSON.stringify(content))
    const result = await runCli(["check", "store", "--monitors", "m.json"], { cwd: dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(message)
    expect(result.stderr.split("\n")).toHaveLength(2)
  })

  it("a file that is not JSON, a missing store and a bad URL are one-line errors", async () => {
    await writeFile(join(dir, "broken.json"), '{ "monitors": [ { "name": ')
    const broken = await runCli(["check", "store", "--monitors", "broken.json"], { cwd: dir })
    expect(broken.code).toBe(2)
    expect(broken.stderr).toMatch(/^sketchlog check: broken\.json: is not JSON: /)
    const ok = await monitorsFile("ok.json", [PAIRS[0][0]])
    const missing = await runCli(["check", "no-such-dir", "--monitors", ok], { cwd: dir })
    expect(missing.code).toBe(3)
    expect(missing.stderr).toMatch(/^sketchlog check: .*no-such-dir/)
    const badUrl = await runCli(["check", "ftp://bucket/x", "--monitors", ok], { cwd: dir })
    expect(badUrl.code).toBe(2)
    expect(badUrl.stderr).toMatch(
      /^sketchlog check: .*a store is a directory, a file:\/\/ URL or an s3:\/\/bucket\/prefix URL/,
    )
  })
})
