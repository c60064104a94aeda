import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import { Effect, Layer } from "effect"
import * as NodeFileSystem from "./NodeFileSystem.js"
import * as NodeHttpClient from "./NodeHttpClient.js"
import * as NodePath from "./NodePath.js"
import * as NodeTerminal from "./NodeTerminal.js"

/**
 * Node's terminal, counted as a TTY only when stdin and stdout both are: a prompt needs someone to
 * read it and someone to answer. It opens stdin lazily, on the first read, so a session that never
 * prompts never touches stdin (and never keeps the process alive through it).
 */
export const ttyTerminalLayer: Layer.Layer<Terminal.Terminal> = Layer.scoped(
  Terminal.Terminal,
  Effect.map(NodeTerminal.make, (terminal) => ({
    ...terminal,
    isTTY: Effect.sync(() => Boolean(process.stdin.isTTY && process.stdout.isTTY)),
  })),
)

/** What a session needs from the platform, on Node. */
export type SessionPlatform = FileSystem.FileSystem | Path.Path | HttpClient.HttpClient | Terminal.Terminal

/** Node's file system, paths, HTTP client (node:http, its agent closed with the layer) and terminal. */
export const nodeSessionPlatform: Layer.Layer<SessionPlatform> = Layer.mergeAll(
  NodeFileSystem.layer,
  NodePath.layer,
  NodeHttpClient.layer,
  ttyTerminalLayer,
)
