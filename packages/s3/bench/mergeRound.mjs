// One merge round of `pnpm bench:fleet`, in a process of its own running the built packages (dist/,
// as an application would), so its peak RSS is the reader's: prints one JSON line of figures.
// Arguments: <endpoint> <store url> <concurrency>.
import { readMergedProfiles } from "@sketchlog/core/store"
import { S3Store } from "@sketchlog/s3"
import { Effect } from "effect"

const [endpoint, url, concurrency] = process.argv.slice(2)
const store = new S3Store(url, {
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
})
const baseline = process.memoryUsage().rss
let peak = baseline
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 10)
const cpu = process.cpuUsage()
const started = performance.now()
const read = await Effect.runPromise(readMergedProfiles(store, { concurrency: Number(concurrency) }))
const seconds = (performance.now() - started) / 1000
const used = process.cpuUsage(cpu)
clearInterval(sampler)
peak = Math.max(peak, process.resourceUsage().maxRSS * 1024)
const rows = read.profiles.reduce((n, p) => n + (p.view.getColumn("f0")?.counts?.n ?? 0), 0)
process.stdout.write(
  `${JSON.stringify({
    merged: read.merged,
    outputs: read.profiles.length,
    rows,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    baselineRss: baseline,
    peakRss: peak,
    bytes: read.bytes,
  })}\n`,
)
