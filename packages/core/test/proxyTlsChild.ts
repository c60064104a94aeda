// Child process of session-proxy.test.ts: one GET through the session's proxy-aware HTTP client, in a
// process of its own because Node reads NODE_EXTRA_CA_CERTS (the test's certificate) only at start.
// Prints {"text": …} or {"error": …}; exits by itself (the agents are closed with the layer's scope).
import * as HttpClient from "@effect/platform/HttpClient"
import { Effect } from "effect"
import * as NodeHttpClient from "../src/node/NodeHttpClient.js"

const url = process.argv[2] ?? ""
const outcome = await Effect.runPromise(
  Effect.scoped(
    Effect.gen(function* () {
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(url)
      return { text: yield* response.text }
    }),
  ).pipe(
    Effect.provide(NodeHttpClient.layer),
    Effect.catchAll((error) =>
      Effect.succeed({ error: String((error as { cause?: { code?: string } }).cause?.code ?? error) }),
    ),
  ),
)
console.log(JSON.stringify(outcome))
