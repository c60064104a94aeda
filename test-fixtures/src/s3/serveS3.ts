/**
 * Runs an `S3Server` in its own process (benchmarks keep the server's CPU apart from the client's):
 * prints `{"endpoint": "http://127.0.0.1:<port>"}` on one line once it listens, and closes (deleting
 * its objects) on SIGTERM or SIGINT. Buckets: the arguments, default `profiles`.
 */
import { S3Server } from "./S3Server.js"

const buckets = process.argv.slice(2)
const server = await S3Server.start({ buckets: buckets.length === 0 ? ["profiles"] : buckets })
process.stdout.write(`${JSON.stringify({ endpoint: server.endpoint })}\n`)
const stop = () => {
  void server.close().finally(() => process.exit(0))
}
process.once("SIGTERM", stop)
process.once("SIGINT", stop)
