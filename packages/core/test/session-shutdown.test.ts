import { writeFile } from "node:fs/promises"
import { join } from "node:path"
import { usePlatformSandbox } from "@sketchlog/test-fixtures/vitest"
import { describe, expect, it } from "vitest"
import { runTsxChild, sessionModuleUrl } from "./tsxChild.js"

const fixture = usePlatformSandbox()

interface ChildReport {
  readonly uploads: number
  readonly failures: ReadonlyArray<string>
  readonly events: number
  /** `process.getActiveResourcesInfo()` after the session work, minus the stdio pipes. */
  readonly resources: ReadonlyArray<string>
}

/**
 * Runs `body` in a fresh Node process (TypeScript through tsx) and waits for it to exit by itself:
 * nothing calls process.exit, so a leftover timer, server or socket would keep it alive and the
 * wait would end with "did not exit".
 */
const runChild = async (body: string, limitMs = 15_000): Promise<ChildReport> => {
  const script = join(fixture.sandbox.dir, "child.mjs")
  await writeFile(
    script,
    `const { init, login } = await import(${JSON.stringify(sessionModuleUrl)})
const platformUrl = ${JSON.stringify(fixture.platform.url)}
const apiKey = ${JSON.stringify(fixture.platform.apiKey)}
const report = { uploads: 0, failures: [], events: 0 }
${body}
setImmediate(() => {
  const resources = process.getActiveResourcesInfo().filter((r) => r !== "PipeWrap" && r !== "TTYWrap")
  console.log(JSON.stringify({ ...report, resources }))
})
`,
  )
  return runTsxChild<ChildReport>(script, { limitMs })
}

const work = `
const session = await init({ apiKey, apiEndpoint: platformUrl, timeout: "300 millis", retry: { baseDelay: "1 millis", maxRetries: 1 } })
await session.logEventsToFile(process.env.WHYLOGS_CONFIG_PATH + "/events.jsonl", 2)
session.onProgress(() => { report.events += 1 })
for (let i = 0; i < 3; i++) {
  await session.uploadProfile({ datasetId: "child", datasetTimestamp: i, bytes: new Uint8Array(1000) })
  report.uploads += 1
}
// This one hangs twice and times out: the timers of the timeout must not outlive it.
await session.uploadProfile({ datasetId: "child", datasetTimestamp: 9, bytes: new Uint8Array(1) })
  .catch((e) => report.failures.push(e._tag))
`

describe("clean shutdown: no timer, server or socket outlives the session", () => {
  it("a process exits on its own after close(), with no TCP handle or timer left", async () => {
    fixture.platform.faults
      .failNext(1, 503, "upload")
      .hang(2, (r) => r.path.endsWith("/child") && fixture.platform.profiles().length >= 3)
    const report = await runChild(
      `${work}
await login({ apiUrl: platformUrl, showBrowser: async (url) => { await (await fetch(url)).text() } })
await session.close()`,
    )
    expect(report.uploads).toBe(3)
    expect(report.failures).toEqual(["TimeoutError"])
    expect(report.events).toBeGreaterThan(10)
    expect(report.resources.filter((r) => /TCP|Timeout|Timer|Immediate/.test(r))).toEqual([])
    expect(fixture.platform.profiles({ datasetId: "child" })).toHaveLength(3)
  }, 30_000)

  it("an idle session that is never closed does not keep the process alive either", async () => {
    const report = await runChild(`
const session = await init({ apiKey, apiEndpoint: platformUrl })
session.onProgress(() => { report.events += 1 })
await session.uploadProfile({ datasetId: "idle", datasetTimestamp: 0, bytes: new Uint8Array(1) })
report.uploads += 1`)
    expect(report.uploads).toBe(1)
    expect(fixture.platform.profiles({ datasetId: "idle" })).toHaveLength(1)
  }, 30_000)
})
