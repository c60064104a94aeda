// A child process for the clean-shutdown test: an app that serves a few requests, then closes its
// server and calls shutdown(). It never calls process.exit: the test checks that nothing sketchlog
// started (session, logger, timers, workers) keeps the process alive once shut down.
import express from "express"
import { shutdown, sketchlog } from "../../src/index.js"

const [dir, mode] = process.argv.slice(2) as [string, "in-thread" | "worker"]
const app = express()
app.use(
  sketchlog({ datasetId: "exit", profileDir: dir, sessionOptions: { forceLocal: true }, logger: { mode } }),
)
app.get("/item/:id", (req, res) => {
  res.json({ id: req.params.id })
})
const server = app.listen(0, "127.0.0.1", async () => {
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0
  for (let i = 0; i < 20; i++) await (await fetch(`http://127.0.0.1:${port}/item/${i}`)).arrayBuffer()
  server.close()
  server.closeIdleConnections()
  await shutdown()
  process.stdout.write("shut down\n")
})
