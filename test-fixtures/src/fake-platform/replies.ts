import type { IncomingMessage, ServerResponse } from "node:http"
import type { OAuthReply } from "./FakeOAuth.js"
import type { FakeSegmentTag, FaultRoute } from "./types.js"

/** What the platform answers: JSON with a status (and headers), or an OAuth page or redirect. */
export type Reply =
  | { readonly status: number; readonly json: unknown; readonly headers?: Record<string, string> }
  | OAuthReply

export const routeOf = (path: string): FaultRoute =>
  path.startsWith("/v0/")
    ? "api"
    : path.startsWith("/upload/")
      ? "upload"
      : path.startsWith("/oauth/")
        ? "oauth"
        : "other"

export const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

export const segmentTagsOf = (value: unknown): ReadonlyArray<FakeSegmentTag> | undefined => {
  if (value === undefined) return []
  if (!Array.isArray(value)) return undefined
  const tags: FakeSegmentTag[] = []
  for (const tag of value) {
    if (typeof tag !== "object" || tag === null) return undefined
    const { key, value: tagValue } = tag as { key?: unknown; value?: unknown }
    if (typeof key !== "string" || typeof tagValue !== "string") return undefined
    tags.push({ key, value: tagValue })
  }
  return tags
}

export const errorReply = (status: number, message: string, headers?: Record<string, string>): Reply =>
  headers === undefined ? { status, json: { message } } : { status, json: { message }, headers }

/** Writes `reply` to `res`, unless an answer went out already or the client is gone. */
export const sendReply = (res: ServerResponse, reply: Reply): void => {
  if (res.headersSent || res.destroyed) return
  if ("type" in reply) {
    if (reply.type === "redirect") {
      res.writeHead(302, { location: reply.location, "content-length": "0" }).end()
    } else if (reply.type === "text") {
      res.writeHead(reply.status, { "content-type": "text/plain; charset=utf-8" }).end(reply.body)
    } else {
      writeJson(res, reply.status, reply.body, {})
    }
    return
  }
  writeJson(res, reply.status, reply.json, reply.headers ?? {})
}

const writeJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string>) => {
  const text = JSON.stringify(body)
  res
    .writeHead(status, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      ...headers,
    })
    .end(text)
}

export const parseJson = (body: Buffer): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(body.length === 0 ? "{}" : body.toString("utf8"))
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
