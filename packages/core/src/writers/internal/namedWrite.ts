import type { ProfileWrite, Writer } from "../Writer.js"

/**
 * The write as `writer` names it (`Writer.writeId`), once, before its first attempt: retries and the
 * outbox then carry that name. A naming function that throws leaves the write unnamed (the writer
 * then names it itself, for this process only).
 */
export const namedWrite = (write: ProfileWrite, writer: Writer): ProfileWrite => {
  if (writer.writeId === undefined || write.writeId !== undefined) return write
  try {
    return { ...write, writeId: writer.writeId(write) }
  } catch {
    return write
  }
}
