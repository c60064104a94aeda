import { Either, Schema } from "effect"
import type { LogEmbeddings } from "../logger/LogEmbeddings.js"
import { LogRequest } from "../logger/LogRequest.js"
import { IntakeDecodeError } from "./IntakeError.js"
import { isObject } from "./internal/fields.js"
import { headerValue, type IntakeHeaders } from "./internal/headers.js"
import { issuesOf } from "./internal/issues.js"
import { decodeLogEmbeddingsBody } from "./LogEmbeddingsBody.js"
import { decodeLogRequestBody } from "./LogRequestBody.js"

/**
 * A Pub/Sub message as a push subscription delivers it (Google's `PubsubMessage` JSON): the payload
 * base64-encoded in `data`, string `attributes`, the server's `messageId` and `publishTime` (RFC 3339),
 * which the push body repeats in snake case (`message_id`, `publish_time`).
 */
export class PubSubMessage extends Schema.Class<PubSubMessage>("PubSubMessage")({
  data: Schema.String,
  attributes: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  messageId: Schema.optional(Schema.String),
  message_id: Schema.optional(Schema.String),
  publishTime: Schema.optional(Schema.String),
  publish_time: Schema.optional(Schema.String),
  orderingKey: Schema.optional(Schema.String),
}) {
  /** The message id (either spelling). */
  get id(): string | undefined {
    return this.messageId ?? this.message_id
  }

  /** When the message was published, epoch ms, if given and readable. */
  get publishedAt(): number | undefined {
    const text = this.publishTime ?? this.publish_time
    const millis = text === undefined ? Number.NaN : Date.parse(text)
    return Number.isFinite(millis) ? millis : undefined
  }
}

/**
 * The body of a wrapped Pub/Sub push request (the default delivery):
 * `{ message: { data, attributes?, messageId, publishTime, … }, subscription, deliveryAttempt? }`.
 */
export class PubSubPush extends Schema.Class<PubSubPush>("PubSubPush")({
  message: PubSubMessage,
  subscription: Schema.String,
  deliveryAttempt: Schema.optional(Schema.Number),
}) {
  /** Decodes a parsed JSON body; errors name the field (`message.data: is missing`). */
  static readonly decodeJson = (input: unknown) =>
    Schema.decodeUnknownEither(PubSubPush)(input, { errors: "all" })
}

/** What a push carried: the request to log and where it came from. */
export interface PubSubDelivery {
  readonly kind: "log" | "log-embeddings"
  /** The payload as a log request (embeddings already turned into one). */
  readonly request: LogRequest
  /** The payload as it was decoded. */
  readonly payload: LogRequest | LogEmbeddings
  readonly rows: number
  readonly messageId: string | undefined
  readonly subscription: string | undefined
}

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/

const fail = (path: string, message: string) =>
  Either.left(new IntakeDecodeError({ issues: [{ path, message }] }))

/**
 * A push body's payload: a whylogs log request or an embeddings request (told apart by its
 * `embeddings` field), as JSON in the message's base64 `data`. A payload without a timestamp takes
 * the message's `publishTime`, so a message delivered late (retries, a backlog) still lands in the
 * bucket of the time it was sent. Unwrapped push (`--push-no-wrapper`, the payload is the body) is
 * recognised by a body without `message`; its id and publish time then come from the
 * `x-goog-pubsub-message-id` and `x-goog-pubsub-publish-time` headers when the subscription writes
 * metadata.
 */
export const decodePubSubPush = (
  input: unknown,
  headers?: IntakeHeaders,
): Either.Either<PubSubDelivery, IntakeDecodeError> => {
  if (isObject(input) && !Object.hasOwn(input, "message") && Object.hasOwn(input, "datasetId")) {
    const published = Date.parse(headerValue(headers, "x-goog-pubsub-publish-time") ?? "")
    return deliveryOf(
      input,
      "",
      Number.isFinite(published) ? published : undefined,
      headerValue(headers, "x-goog-pubsub-message-id"),
      headerValue(headers, "x-goog-pubsub-subscription-name"),
    )
  }
  const decoded = PubSubPush.decodeJson(input)
  if (Either.isLeft(decoded)) return Either.left(new IntakeDecodeError({ issues: issuesOf(decoded.left) }))
  const { message, subscription } = decoded.right
  const data = message.data.trim()
  if (data.length === 0)
    return fail("message.data", "is empty: the payload must be a log or embeddings request")
  if (!BASE64.test(data)) return fail("message.data", "is not base64")
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(data, "base64").toString("utf8"))
  } catch {
    return fail("message.data", "does not decode to JSON")
  }
  return deliveryOf(payload, "message.data", message.publishedAt, message.id, subscription)
}

const deliveryOf = (
  payload: unknown,
  prefix: string,
  publishedAt: number | undefined,
  messageId: string | undefined,
  subscription: string | undefined,
): Either.Either<PubSubDelivery, IntakeDecodeError> => {
  if (!isObject(payload))
    return fail(prefix || "(body)", "must be a JSON object (a log or embeddings request)")
  const embeddings = Object.hasOwn(payload, "embeddings")
  const decoded: Either.Either<LogRequest | LogEmbeddings, IntakeDecodeError> = embeddings
    ? decodeLogEmbeddingsBody(payload, prefix)
    : decodeLogRequestBody(payload, prefix)
  if (Either.isLeft(decoded)) return Either.left(decoded.left)
  const message = decoded.right
  let request = message._tag === "LogEmbeddings" ? message.toLogRequest() : message
  if ((request.timestamp === undefined || request.timestamp === null) && publishedAt !== undefined) {
    const { datasetId, multiple, orgId } = request
    request = new LogRequest(
      { datasetId, multiple, timestamp: publishedAt, ...(orgId === undefined ? {} : { orgId }) },
      true,
    )
  }
  return Either.right({
    kind: embeddings ? "log-embeddings" : "log",
    request,
    payload: message,
    rows: request.multiple.data.length,
    messageId,
    subscription,
  })
}
