import { type ChildProcess, spawn } from "node:child_process"
import { createRequire } from "node:module"
import { pathToFileURL } from "node:url"

const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href

/** How to start a child. */
export interface ServerProcessOptions {
  /** Passed to the child as one JSON argument (`process.argv[2]`). */
  readonly config?: unknown
  /** Extra environment (over this process's); `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** tsconfig for tsx (`TSX_TSCONFIG_PATH`), e.g. one with legacy decorators for Nest. */
  readonly tsconfig?: string
  /**
   * Runs the child in a private mount namespace (`unshare -m`) with a tmpfs of `sizeKiB` mounted on
   * `dir`: a real small disk, seen by that process only, gone when it ends. Needs CAP_SYS_ADMIN.
   */
  readonly tmpfs?: { readonly dir: string; readonly sizeKiB: number }
  /** Node flags before the entry (e.g. `--expose-gc`). */
  readonly nodeArgs?: ReadonlyArray<string>
  /** The child is ready when its stdout matches this (group 1: its URL), instead of an IPC message. */
  readonly readyPattern?: RegExp
  readonly readyTimeoutMs?: number
  readonly cwd?: string
}

/** How a child ended. */
export interface ChildExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

interface Pending {
  readonly resolve: (value: unknown) => void
  readonly reject: (error: Error) => void
}

/**
 * A server (or worker) in a child process running TypeScript sources through tsx with the
 * `@sketchlog/source` condition, as the product runs in development. The parent sends commands and
 * gets answers over IPC (`ChildProtocol` on the other side), sends signals, sees it exit, and keeps
 * what it printed for the failure message and for the secret scan.
 */
export class ServerProcess {
  readonly #child: ChildProcess
  readonly #pending = new Map<number, Pending>()
  #nextId = 1
  #stdout = ""
  #stderr = ""
  #exit: ChildExit | undefined
  /** Resolves when the child has exited, however it ended. */
  readonly exited: Promise<ChildExit>
  /** What the child announced (its `url`, `pid`, …). */
  ready: Readonly<Record<string, unknown>> & { readonly url: string } = { url: "" }

  private constructor(child: ChildProcess) {
    this.#child = child
    child.stdout?.on("data", (d: Buffer) => {
      this.#stdout += d.toString("utf8")
    })
    child.stderr?.on("data", (d: Buffer) => {
      this.#stderr += d.toString("utf8")
    })
    child.on("message", (message: { id?: number; result?: unknown; error?: string }) => {
      if (typeof message?.id !== "number") return
      const pending = this.#pending.get(message.id)
      if (pending === undefined) return
      this.#pending.delete(message.id)
      if (message.error !== undefined) pending.reject(new Error(`child: ${message.error}`))
      else pending.resolve(message.result)
    })
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.#exit = { code, signal }
        for (const pending of this.#pending.values()) {
          pending.reject(new Error(`the child exited (${code ?? signal}) before answering; ${this.output()}`))
        }
        this.#pending.clear()
        resolve(this.#exit)
      })
    })
  }

  /** Starts `entry` (a `.ts` file) and resolves once it is ready. */
  static async start(entry: string, options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const nodeArgs = [
      ...(options.nodeArgs ?? []),
      "--conditions=@sketchlog/source",
      "--import",
      tsx,
      entry,
      JSON.stringify(options.config ?? {}),
    ]
    const env: Record<string, string | undefined> = { ...process.env, ...options.env }
    if (options.tsconfig !== undefined) env.TSX_TSCONFIG_PATH = options.tsconfig
    for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
    const stdio: Array<"pipe" | "ipc" | "ignore"> = ["ignore", "pipe", "pipe", "ipc"]
    const child =
      options.tmpfs === undefined
        ? spawn(process.execPath, nodeArgs, { stdio, env, cwd: options.cwd })
        : spawn(
            "unshare",
            [
              "--mount",
              "sh",
              "-c",
              'mount -t tmpfs -o "size=$1k,mode=0755" sketchlog-reliability "$2" && shift 2 && exec "$@"',
              "sh",
              String(options.tmpfs.sizeKiB),
              options.tmpfs.dir,
              process.execPath,
              ...nodeArgs,
            ],
            { stdio, env, cwd: options.cwd },
          )
    const server = new ServerProcess(child)
    const limit = options.readyTimeoutMs ?? 60_000
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL")
        reject(new Error(`${entry} was not ready within ${limit} ms; ${server.output()}`))
      }, limit)
      const done = (info: Readonly<Record<string, unknown>> & { url: string }) => {
        clearTimeout(timer)
        server.ready = info
        resolve()
      }
      if (options.readyPattern !== undefined) {
        const pattern = options.readyPattern
        child.stdout?.on("data", () => {
          const match = pattern.exec(server.#stdout)
          if (match !== null && server.ready.url === "") done({ url: match[1] ?? "" })
        })
      } else {
        child.on("message", (message: { type?: string; url?: string }) => {
          if (message?.type === "ready") done({ ...message, url: message.url ?? "" })
        })
      }
      void server.exited.then((exit) => {
        clearTimeout(timer)
        reject(
          new Error(`${entry} exited (${exit.code ?? exit.signal}) before it was ready; ${server.output()}`),
        )
      })
    })
    return server
  }

  get pid(): number {
    return this.#child.pid ?? -1
  }

  /** Whether the child is still running. */
  get alive(): boolean {
    return this.#exit === undefined
  }

  get stdout(): string {
    return this.#stdout
  }

  get stderr(): string {
    return this.#stderr
  }

  /** Stdout and stderr, for a failure message. */
  output(): string {
    return `stdout: ${this.#stdout.slice(-4000)}\nstderr: ${this.#stderr.slice(-4000)}`
  }

  /** Sends `command` and resolves with the child's answer. */
  ask<T = unknown>(command: string, args?: unknown, timeoutMs = 120_000): Promise<T> {
    if (!this.alive) return Promise.reject(new Error(`the child has exited; ${this.output()}`))
    const id = this.#nextId++
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        reject(new Error(`no answer to ${command} within ${timeoutMs} ms; ${this.output()}`))
      }, timeoutMs)
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer)
          resolve(value as T)
        },
        reject: (error) => {
          clearTimeout(timer)
          reject(error)
        },
      })
      this.#child.send({ id, command, args: args ?? null })
    })
  }

  /** Sends a signal to the child. */
  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal)
  }

  /** Waits for the child to exit, killing it after `timeoutMs`; resolves with how it ended. */
  async waitForExit(timeoutMs = 60_000): Promise<ChildExit & { readonly timedOut: boolean }> {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      this.#child.kill("SIGKILL")
    }, timeoutMs)
    const exit = await this.exited
    clearTimeout(timer)
    return { ...exit, timedOut }
  }

  /** Kills the child if it still runs (cleanup after a failed test). */
  async stop(): Promise<void> {
    if (!this.alive) return
    this.#child.kill("SIGKILL")
    await this.exited
  }
}
