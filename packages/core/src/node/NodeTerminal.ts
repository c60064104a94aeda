import * as readline from "node:readline"
import { BadArgument } from "@effect/platform/Error"
import * as Terminal from "@effect/platform/Terminal"
import { Effect, Exit, Layer, Mailbox, Option, RcRef, type Scope } from "effect"

const quits = (input: Terminal.UserInput) =>
  input.key.ctrl && (input.key.name === "c" || input.key.name === "d")

/**
 * Effect's `Terminal` over `process.stdin` and `process.stdout`, as @effect/platform-node's
 * `NodeTerminal` builds it: stdin is opened (a readline interface, raw mode on a TTY) on the first read
 * only and released when the last reader is done, so a program that never reads never holds stdin
 * open; Ctrl-C or Ctrl-D ends `readInput`.
 */
export const make: Effect.Effect<Terminal.Terminal, never, Scope.Scope> = Effect.gen(function* () {
  const stdin = process.stdin
  const stdout = process.stdout
  const lines = yield* RcRef.make({
    acquire: Effect.acquireRelease(
      Effect.sync(() => {
        const rl = readline.createInterface({ input: stdin, escapeCodeTimeout: 50 })
        readline.emitKeypressEvents(stdin, rl)
        if (stdin.isTTY) stdin.setRawMode(true)
        return rl
      }),
      (rl) =>
        Effect.sync(() => {
          if (stdin.isTTY) stdin.setRawMode(false)
          rl.close()
        }),
    ),
  })

  const readInput = Effect.gen(function* () {
    yield* RcRef.get(lines)
    const mailbox = yield* Mailbox.make<Terminal.UserInput>()
    const onKeypress = (text: string | undefined, key: readline.Key) => {
      const input: Terminal.UserInput = {
        input: Option.fromNullable(text),
        key: {
          name: key.name ?? "",
          ctrl: Boolean(key.ctrl),
          meta: Boolean(key.meta),
          shift: Boolean(key.shift),
        },
      }
      mailbox.unsafeOffer(input)
      if (quits(input)) mailbox.unsafeDone(Exit.void)
    }
    yield* Effect.addFinalizer(() => Effect.sync(() => stdin.off("keypress", onKeypress)))
    stdin.on("keypress", onKeypress)
    return mailbox as Mailbox.ReadonlyMailbox<Terminal.UserInput>
  })

  const readLine = Effect.scoped(
    Effect.flatMap(RcRef.get(lines), (rl) =>
      Effect.async<string, Terminal.QuitException>((resume) => {
        const onLine = (line: string) => resume(Effect.succeed(line))
        rl.once("line", onLine)
        return Effect.sync(() => rl.off("line", onLine))
      }),
    ),
  )

  const display = (text: string) =>
    Effect.uninterruptible(
      Effect.async<void, BadArgument>((resume) => {
        stdout.write(text, (error) =>
          resume(
            error
              ? Effect.fail(
                  new BadArgument({
                    module: "Terminal",
                    method: "display",
                    description: "cannot write to stdout",
                    cause: error,
                  }),
                )
              : Effect.void,
          ),
        )
      }),
    )

  return Terminal.Terminal.of({
    columns: Effect.sync(() => stdout.columns ?? 0),
    rows: Effect.sync(() => stdout.rows ?? 0),
    isTTY: Effect.sync(() => Boolean(stdout.isTTY)),
    readInput,
    readLine,
    display,
  })
})

/** The terminal of this process (see `make`). */
export const layer: Layer.Layer<Terminal.Terminal> = Layer.scoped(Terminal.Terminal, make)
