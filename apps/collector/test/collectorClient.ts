import { readdir } from "node:fs/promises"
import { join } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"

/** The token the tests' collectors run with. */
export const TOKEN = "collector-test-token-9f2c"
export const AUTH = { authorization: `Bearer ${TOKEN}` }

/** A POST of JSON (or raw text) with the test token unless `headers` says otherwise. */
export const post = async (
  url: string,
  body: unknown,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  })
  const text = await response.text()
  return {
    status: response.status,
    body: text.length === 0 ? {} : JSON.parse(text),
    headers: response.headers,
  }
}

/** A whylogs log request of `rows` rows of 3 columns for `datasetId`. */
export const logRequest = (datasetId: string, rows: number, start = 0, timestamp?: number) => ({
  datasetId,
  ...(timestamp === undefined ? {} : { timestamp }),
  multiple: {
    columns: ["id", "score", "label"],
    data: Array.from({ length: rows }, (_, i) => [start + i, (start + i) * 0.25, `l${(start + i) % 5}`]),
  },
})

/** A Pub/Sub push body as Google documents wrapped delivery: the payload as base64 JSON in `message.data`. */
export const pubSubPush = (payload: unknown, messageId = "2070443601311540") => ({
  message: {
    attributes: { origin: "collector-test" },
    data: Buffer.from(JSON.stringify(payload)).toString("base64"),
    messageId,
    message_id: messageId,
    publishTime: "2024-06-01T10:15:30.123Z",
    publish_time: "2024-06-01T10:15:30.123Z",
  },
  subscription: "projects/sketchlog-test/subscriptions/collector-push",
})

/** Every profile written under `<dir>/<datasetId>/`, merged; undefined when there is none. */
export const profilesOf = async (dir: string, datasetId: string): Promise<DatasetProfileView | undefined> => {
  let names: string[] = []
  try {
    names = (await readdir(join(dir, datasetId))).filter((n) => n.endsWith(".bin"))
  } catch {
    return undefined
  }
  const views = await Promise.all(names.map((n) => DatasetProfileView.read(join(dir, datasetId, n))))
  return views.length === 0 ? undefined : views.reduce((a, b) => a.merge(b))
}
