/**
 * The child side of the suite's process protocol: a child announces itself once it serves
 * (`announceReady`) and answers the parent's commands over the IPC channel (`serveCommands`). The parent
 * side is `ServerProcess`.
 */

/** A command the parent sends: `{ id, command, args }`. */
export interface CommandMessage {
  readonly id: number
  readonly command: string
  readonly args: unknown
}

/** What a child can do on request; a handler's value (or thrown error) goes back to the parent. */
export type CommandHandlers = Readonly<Record<string, (args: never) => unknown>>

/** Tells the parent the child serves, with what it needs to know (its URL, its pid…). */
export const announceReady = (info: Readonly<Record<string, unknown>>): void => {
  process.send?.({ type: "ready", pid: process.pid, ...info })
}

/**
 * Answers each command with its handler's result; an unknown command or a throw is an error reply.
 * Every child also answers `prototype-changes`: the names added to `Object.prototype` and
 * `Array.prototype` since this call (prototype pollution by a request would show there).
 */
export const serveCommands = (handlers: CommandHandlers): void => {
  const baseline = {
    object: new Set(Reflect.ownKeys(Object.prototype).map(String)),
    array: new Set(Reflect.ownKeys(Array.prototype).map(String)),
  }
  const builtIn: CommandHandlers = {
    "prototype-changes": () => [
      ...Reflect.ownKeys(Object.prototype)
        .map(String)
        .filter((k) => !baseline.object.has(k)),
      ...Reflect.ownKeys(Array.prototype)
        .map(String)
        .filter((k) => !baseline.array.has(k)),
    ],
  }
  process.on("message", (message: CommandMessage) => {
    if (typeof message !== "object" || message === null || typeof message.id !== "number") return
    const handler = (handlers[message.command] ?? builtIn[message.command]) as
      | ((args: unknown) => unknown)
      | undefined
    void (async () => {
      try {
        if (handler === undefined) throw new Error(`unknown command ${message.command}`)
        const result = await handler(message.args)
        process.send?.({ id: message.id, result: result ?? null })
      } catch (error) {
        process.send?.({
          id: message.id,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        })
      }
    })()
  })
}
