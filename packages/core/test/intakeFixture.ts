// What the intake tests share: a logger writing to memory behind an intake, and the bodies sent.
import { afterEach } from "vitest"
import { createRollingLogger, DatasetProfileView, type RollingLoggerHandle } from "../src/index.js"
import { createIntake, type IntakeRejected } from "../src/intake/index.js"
import { MemoryWriter } from "../src/testing.js"

export const HOUR = Date.UTC(2024, 5, 1, 10)
export const TOKEN = "s3cret-collector-token"
export const auth = { authorization: `Bearer ${TOKEN}` }

const open: RollingLoggerHandle[] = []
// Registered by each test file that imports this one: every logger a test made is closed after it.
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()))
})

/** Closes `logger` after the test that made it. */
export const closeAfterTest = (logger: RollingLoggerHandle): void => {
  open.push(logger)
}

export const setup = (extra: { readonly embeddings?: boolean } = {}) => {
  const memory = new MemoryWriter()
  const logger = createRollingLogger({
    writers: [memory],
    writeSchedule: null,
    closeOnExit: false,
    ...(extra.embeddings
      ? {
          embeddings: {
            emb: {
              references: [
                [1, 0],
                [0, 1],
              ],
              labels: ["x", "y"],
              distance: "euclidean" as const,
            },
          },
        }
      : {}),
  })
  open.push(logger)
  const intake = createIntake({ logger, token: TOKEN })
  return { memory, logger, intake }
}

/** Every profile written, merged. */
export const mergedView = (memory: MemoryWriter) =>
  memory.writes.map((w) => DatasetProfileView.deserialize(w.bytes)).reduce((a, b) => a.merge(b))

/** A push body exactly as Google documents it for wrapped delivery. */
export const push = (payload: unknown, publishTime = "2024-06-01T10:15:30.123456789Z") => ({
  message: {
    attributes: { source: "test" },
    data: Buffer.from(JSON.stringify(payload)).toString("base64"),
    messageId: "2070443601311540",
    message_id: "2070443601311540",
    publishTime,
    publish_time: publishTime,
  },
  subscription: "projects/myproject/subscriptions/mysubscription",
})

export const rejected = (body: unknown) => body as IntakeRejected
