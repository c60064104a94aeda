/**
 * Intake: the messages other services send to a rolling logger over HTTP — whylogs log requests,
 * embeddings requests and Pub/Sub push bodies holding either — decoded with errors that name the
 * wrong field, authenticated by a bearer token, and queued. Framework-neutral handlers: the
 * collector app serves them with Node's http, and an Express or Nest app can mount the same ones.
 */
export { BearerToken, type TokenCheck } from "./BearerToken.js"
export {
  createIntake,
  DEFAULT_MAX_BODY_BYTES,
  type Intake,
  type IntakeLogger,
  type IntakeOptions,
  type IntakeStats,
} from "./Intake.js"
export { IntakeDecodeError, IntakeOptionsError } from "./IntakeError.js"
export type {
  IntakeAccepted,
  IntakeErrorCode,
  IntakeIssue,
  IntakeKind,
  IntakeRejected,
  IntakeResult,
} from "./IntakeResult.js"
export type { IntakeHeaders } from "./internal/headers.js"
export { decodeLogEmbeddingsBody, LogEmbeddingsBody } from "./LogEmbeddingsBody.js"
export { decodeLogRequestBody, LogRequestBody } from "./LogRequestBody.js"
export { decodePubSubPush, type PubSubDelivery, PubSubMessage, PubSubPush } from "./PubSubPush.js"
