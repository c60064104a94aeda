import type * as NodePartModule from "./node/NodePart.js"

/** The Node.js-only half of the package: core's profiler, Next.js's `after()`. */
export type NodePart = typeof NodePartModule

let loading: Promise<NodePart> | undefined
let loaded: NodePart | undefined

/**
 * Loads the Node.js half on first use. It is imported dynamically so that the package's entry module
 * imports nothing Node-only (core opens files, sessions and worker threads): the entry can be
 * evaluated anywhere, and only code that runs on Node.js ever loads core.
 */
export const loadNodePart = (): Promise<NodePart> => {
  loading ??= import("./node/NodePart.js").then(async (part) => {
    await part.prepared
    loaded = part
    return part
  })
  return loading
}

/** The Node.js half if it is already loaded, for the synchronous part of the response path. */
export const loadedNodePart = (): NodePart | undefined => loaded
