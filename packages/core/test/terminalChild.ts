// Child process of node-terminal.test.ts: prompts on stdout with NodeTerminal, reads one line from stdin,
// prints what it read as JSON and exits by itself (stdin released with the layer).
import * as Terminal from "@effect/platform/Terminal"
import { Effect } from "effect"
import * as NodeTerminal from "../src/node/NodeTerminal.js"

const outcome = await Effect.runPromise(
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    yield* terminal.display("API key? ")
    const line = yield* terminal.readLine
    return { line, isTTY: yield* terminal.isTTY }
  }).pipe(Effect.provide(NodeTerminal.layer)),
)
console.log(`\n${JSON.stringify(outcome)}`)
