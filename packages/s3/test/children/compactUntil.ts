/**
 * A compactor that kills itself (SIGKILL, no cleanup of any kind) right after the `occurrence`-th
 * `step` of `compactStore` on the store at `url` — how the fleet test stops it between its steps.
 * Arguments: <url> <step> <occurrence>. The store is reached through the environment (AWS_*).
 */
import { type CompactionStep, compactStore, openStore } from "@sketchlog/core/store"
import { Effect } from "effect"

const [url, step, occurrence] = process.argv.slice(2) as [string, CompactionStep["step"], string]
let seen = 0
await Effect.runPromise(
  Effect.flatMap(openStore(url), (store) =>
    compactStore(store, {
      groupConcurrency: 1,
      onStep: (event) => {
        if (event.step === step && ++seen === Number(occurrence)) process.kill(process.pid, "SIGKILL")
      },
    }),
  ),
)
process.stdout.write("finished without being killed\n")
