import { randomBytes } from "node:crypto"
import { errorReply, type Reply } from "./replies.js"
import type { FakeUploadKind, ReceivedProfile } from "./types.js"

/** An announced upload waiting for its bytes: the profile it becomes, but for what the PUT brings. */
interface PendingUpload extends Omit<ReceivedProfile, "bytes" | "contentType" | "receivedAt"> {
  readonly signature: string
}

/**
 * The platform's uploads: an announce (`log/async`, `log/reference`, an anonymous session's upload)
 * hands out a presigned-style URL on the same server; the PUT of the bytes to it completes the upload,
 * which is then received, once (the URL is used up).
 */
export class FakeUploads {
  readonly #received: ReceivedProfile[] = []
  readonly #pending = new Map<string, PendingUpload>()
  readonly #url: string

  constructor(url: string) {
    this.#url = url
  }

  /** Profiles received so far (complete uploads only: announced and then PUT), oldest first. */
  profiles(filter: { datasetId?: string; kind?: FakeUploadKind } = {}): ReadonlyArray<ReceivedProfile> {
    return this.#received.filter(
      (p) =>
        (filter.datasetId === undefined || p.datasetId === filter.datasetId) &&
        (filter.kind === undefined || p.kind === filter.kind),
    )
  }

  /** Forgets every upload, received or pending. */
  reset(): void {
    this.#received.length = 0
    this.#pending.clear()
  }

  announce(upload: Omit<PendingUpload, "id" | "signature">): Reply {
    const prefix = upload.kind === "reference" ? "ref" : upload.kind === "anonymous" ? "anon" : "log"
    const id = `${prefix}-${randomBytes(6).toString("hex")}`
    const uploadToken = randomBytes(12).toString("hex")
    const signature = randomBytes(16).toString("hex")
    this.#pending.set(uploadToken, { ...upload, id, signature })
    return {
      status: 200,
      json: { id, uploadUrl: `${this.#url}/upload/${uploadToken}?X-Fake-Signature=${signature}` },
    }
  }

  receiveBytes(
    uploadToken: string,
    query: URLSearchParams,
    headers: Record<string, string>,
    body: Buffer,
  ): Reply {
    const pending = this.#pending.get(uploadToken)
    if (pending === undefined) return errorReply(404, "unknown or used upload URL")
    if (query.get("X-Fake-Signature") !== pending.signature) return errorReply(403, "bad signature")
    this.#pending.delete(uploadToken)
    this.#received.push({
      id: pending.id,
      kind: pending.kind,
      orgId: pending.orgId,
      datasetId: pending.datasetId,
      datasetTimestamp: pending.datasetTimestamp,
      segmentTags: pending.segmentTags,
      alias: pending.alias,
      sessionId: pending.sessionId,
      auth: pending.auth,
      bytes: new Uint8Array(body),
      contentType: headers["content-type"],
      receivedAt: new Date(),
    })
    return { status: 200, json: {} }
  }
}
