// A child process for the first-run test: the README's one-liner with nothing configured (no
// session, no folder), one request, then a wait (at most 30 s) for the first profile file under
// the folder the test expects, before shutdown(). Prints one JSON line: how long the file took after
// the request, the files there after shutdown.
import { readdir } from "node:fs/promises"
import { join } from "node:path"
import { setTimeout as sleep } from "node:timers/promises"
import express from "express"
import { shutdown, sketchlog } from "../../src/index.js"

const [watch] = process.argv.slice(2) as [string]
const profiles = async () =>
  (await readdir(join(watch, "first")).catch(() => [] as string[])).filter((name) => name.endsWith(".bin"))

const app = express()
app.use(sketchlog({ datasetId: "first" }))
app.get("/item/:id", (req, res) => {
  res.json({ id: req.params.id })
})
const server = app.listen(0, "127.0.0.1", async () => {
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  await (await fetch(`http://127.0.0.1:${port}/item/1`)).arrayBuffer()
  const requested = Date.now()
  let firstFileMs: number | undefined
  while (firstFileMs === undefined && Date.now() - requested < 30_000) {
    if ((await profiles()).length > 0) firstFileMs = Date.now() - requested
    else await sleep(50)
  }
  server.close()
  server.closeIdleConnections()
  await shutdown()
  process.stdout.write(`${JSON.stringify({ firstFileMs, files: await profiles() })}\n`)
})
