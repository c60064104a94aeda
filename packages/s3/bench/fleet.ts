/**
 * `pnpm bench:fleet`: the fleet store's figures, side by side in one run, against a local S3 server
 * (s3rver, in its own process):
 *   - upload: S3Writer's cost per profile on the writer side (CPU µs and wall time per upload);
 *   - merge: readMergedProfiles over every stored profile (profiles/s, peak RSS), in a fresh process
 *     per round so the figure is the reader's alone;
 *   - compaction: compactStore over the same objects (objects/s).
 * Runs on the built packages (`tsc -b packages/s3` first, as the script does).
 * BENCH_PROFILES (default 10,000), BENCH_ROWS rows per profile (default 300), BENCH_ROUNDS (3),
 * BENCH_CONCURRENCY downloads at once (16). Prints the load average: the machine is shared.
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { cpus } from "node:os"
import { fileURLToPath } from "node:url"
import { DatasetProfile, DatasetProfileView, type ProfileWrite } from "@sketchlog/core"
import { ProfileSegment, TimeBucket } from "@sketchlog/core/profile"
import { compactStore } from "@sketchlog/core/store"
import { fleetColumns } from "@sketchlog/test-fixtures"
import { S3ServerProcess } from "@sketchlog/test-fixtures/s3"
import { Effect } from "effect"
import { S3Store, S3Writer } from "../src/index.js"

const PROFILES = Number(process.env.BENCH_PROFILES ?? 10_000)
const ROWS = Number(process.env.BENCH_ROWS ?? 300)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const REPLICAS = 10
const HOURS = 24
const ROUTES = ["/v1/score", "/v1/models", "/v1/applications", "/health"]
const T0 = Date.UTC(2026, 11, 7)
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }
const url = "s3://bench/fleet"
const storeOptions = (endpoint: string) => ({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials,
})

const loadavg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")
const stats = (xs: ReadonlyArray<number>) => {
  const sorted = [...xs].sort((a, b) => a - b)
  return {
    median: sorted[Math.floor(sorted.length / 2)] as number,
    min: sorted[0] as number,
    max: sorted.at(-1) as number,
  }
}
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })

/** The fleet's 20-column profile of `ROWS` rows (test-fixtures' `fleetColumns`), seeded by `seed`. */
const profileBytes = (seed: number): Uint8Array => {
  const profile = new DatasetProfile({ datasetTimestamp: T0 })
  profile.trackColumns(fleetColumns(seed, ROWS))
  return profile.view().serialize()
}

/** The i-th write of the fleet: replica, hour and route spread evenly. */
const writeOf = (i: number, bytes: Uint8Array, view: DatasetProfileView): ProfileWrite => {
  const route = ROUTES[i % ROUTES.length] as string
  const hour = Math.floor(i / ROUTES.length) % HOURS
  return {
    datasetId: "loan-scoring",
    bucket: new TimeBucket(T0 + hour * 3_600_000, "hour"),
    segment: new ProfileSegment(["http.route"], [route]),
    view,
    bytes,
    rows: ROWS,
  }
}

interface Round {
  readonly merged: number
  readonly outputs: number
  readonly rows: number
  readonly seconds: number
  readonly cpuSeconds: number
  readonly baselineRss: number
  readonly peakRss: number
  readonly bytes: number
}

/** One merge round in a fresh process running the built packages (`mergeRound.mjs`). */
const childRound = (endpoint: string): Promise<Round> =>
  new Promise((resolve, reject) => {
    const script = fileURLToPath(new URL("./mergeRound.mjs", import.meta.url))
    const child = spawn(process.execPath, [script, endpoint, url, String(CONCURRENCY)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    })
    let out = ""
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString("utf8")
    })
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out) as Round) : reject(new Error(`merge round exited ${code}`)),
    )
  })

const main = async () => {
  console.log(
    `sketchlog fleet bench — ${PROFILES} profiles × 20 columns × ${ROWS} rows, ${REPLICAS} replicas, ${HOURS} hours × ${ROUTES.length} routes`,
  )
  console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg()} (start)`)
  const server = await S3ServerProcess.start(["bench"])
  try {
    // Distinct contents cycled over the writes: the reader decodes and merges every one all the same.
    const distinct = Array.from({ length: 100 }, (_, i) => profileBytes(i + 1))
    const views = distinct.map((bytes) => DatasetProfileView.deserialize(bytes))
    const averageBytes = distinct.reduce((n, b) => n + b.byteLength, 0) / distinct.length
    console.log(`profile size ${fmt(averageBytes)} B on average`)

    const writers = Array.from(
      { length: REPLICAS },
      (_, r) =>
        new S3Writer({ url, ...storeOptions(server.endpoint), replica: `replica-${r}`, concurrency: 16 }),
    )
    const cpu = process.cpuUsage()
    const started = performance.now()
    await Effect.runPromise(
      Effect.forEach(
        Array.from({ length: PROFILES }, (_, i) => i),
        (i) => {
          const writer = writers[i % REPLICAS] as S3Writer
          const write = writeOf(
            i,
            distinct[i % distinct.length] as Uint8Array,
            views[i % views.length] as DatasetProfileView,
          )
          return writer.write({ ...write, writeId: writer.writeId(write) })
        },
        { concurrency: 16, discard: true },
      ),
    )
    const uploadSeconds = (performance.now() - started) / 1000
    const uploadCpu = process.cpuUsage(cpu)
    console.log(
      `upload   ${fmt(PROFILES / uploadSeconds)} profiles/s (16 at once, server-bound); writer-side CPU ${fmt((uploadCpu.user + uploadCpu.system) / PROFILES, 0)} µs per profile (SigV4, Content-MD5, key digest, HTTP); wall ${fmt((uploadSeconds * 1e6) / PROFILES)} µs per profile`,
    )

    const rounds = []
    const loads = []
    for (let round = 0; round < ROUNDS; round++) {
      rounds.push(await childRound(server.endpoint))
      loads.push(loadavg().split(" ")[0])
    }
    const rates = rounds.map((r) => r.merged / r.seconds)
    const rate = stats(rates)
    const rss = stats(rounds.map((r) => r.peakRss / 2 ** 20))
    const baseline = stats(rounds.map((r) => r.baselineRss / 2 ** 20))
    const first = rounds[0] as (typeof rounds)[number]
    const readerCpu = stats(rounds.map((r) => (r.cpuSeconds * 1e6) / r.merged))
    console.log(
      `merge    ${fmt(rate.median)} profiles/s median of ${ROUNDS} rounds (min ${fmt(rate.min)}, max ${fmt(rate.max)}), ${CONCURRENCY} downloads at once; ` +
        `peak RSS ${fmt(rss.median)} MB (max ${fmt(rss.max)}; ${fmt(baseline.median)} MB with the packages loaded, before reading); CPU ${fmt(readerCpu.median)} µs per profile in the reader (min ${fmt(readerCpu.min)}, max ${fmt(readerCpu.max)}); load average after each round ${loads.join(", ")}; ` +
        `${first.merged} objects → ${first.outputs} profiles, ${fmt(first.bytes / 2 ** 20, 1)} MiB`,
    )
    if (first.rows !== PROFILES * ROWS)
      throw new Error(`merged ${first.rows} rows, expected ${PROFILES * ROWS}`)

    const store = new S3Store(url, storeOptions(server.endpoint))
    const compactStarted = performance.now()
    const compacted = await Effect.runPromise(
      compactStore(store, { concurrency: CONCURRENCY, groupConcurrency: 4 }),
    )
    const compactSeconds = (performance.now() - compactStarted) / 1000
    console.log(
      `compact  ${fmt(compacted.merged / compactSeconds)} objects/s (${compacted.merged} objects → ${compacted.compacted} in ${fmt(compactSeconds, 1)} s, 4 partitions at once)`,
    )
    const after = await childRound(server.endpoint)
    if (after.rows !== PROFILES * ROWS)
      throw new Error(`after compaction ${after.rows} rows, expected ${PROFILES * ROWS}`)
    console.log(
      `merge after compaction: ${after.merged} objects in ${fmt(after.seconds, 2)} s, peak RSS ${fmt(after.peakRss / 2 ** 20)} MB (rows still exact)`,
    )
    console.log(`load average ${loadavg()} (end)`)
  } finally {
    await server.close()
  }
}

await main()
