import type * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as Path from "@effect/platform/Path"
import type * as Terminal from "@effect/platform/Terminal"
import { Layer } from "effect"
import * as NodeFileSystem from "./NodeFileSystem.js"
import * as NodeHttpClient from "./NodeHttpClient.js"
import * as NodePath from "./NodePath.js"
import * as NodeTerminal from "./NodeTerminal.js"

/** What sketchlog's Effect operations need from Node: file system, paths, terminal and HTTP client. */
export type NodeServices = FileSystem.FileSystem | Path.Path | Terminal.Terminal | HttpClient.HttpClient

/** Node's file system, paths, terminal and (proxy-aware) HTTP client in one layer (what `Session.layerWith` needs). */
export const layer: Layer.Layer<NodeServices> = Layer.mergeAll(
  NodeFileSystem.layer,
  NodePath.layer,
  NodeTerminal.layer,
  NodeHttpClient.layer,
)
