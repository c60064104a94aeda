/** The three messages an intake takes: a whylogs log request, an embeddings request, a Pub/Sub push. */
export type IntakeKind = "log" | "log-embeddings" | "publish"

/** One thing wrong with a request: where (`multiple.data[3]`, `message.data.datasetId`) and what. */
export interface IntakeIssue {
  readonly path: string
  readonly message: string
}

/** Why a request was refused. */
export type IntakeErrorCode =
  /** No token, or not the right one (401). */
  | "unauthorized"
  /** The body is not JSON, or not an object (400). */
  | "invalid-body"
  /** The body is JSON but not the message its endpoint takes; `issues` says where (400). */
  | "invalid-request"
  /** The body is larger than the intake accepts (413). */
  | "too-large"
  /** No intake message is served at that path (404). */
  | "not-found"
  /** The logger is closing or closed: send it again later, elsewhere (503). */
  | "unavailable"
  /** Something unexpected went wrong inside (500). */
  | "internal"

/** The body of a 200: the request is queued for profiling. */
export interface IntakeAccepted {
  readonly ok: true
  readonly kind: IntakeKind
  readonly datasetId: string
  /** Rows queued. */
  readonly rows: number
  /** The Pub/Sub message id, for a push. */
  readonly messageId?: string | undefined
}

/**
 * The body of a refusal: paths and reasons (Schema's messages may quote a short wrong value back to
 * its sender, cut to 200 characters); never a token.
 */
export interface IntakeRejected {
  readonly ok: false
  readonly error: IntakeErrorCode
  /** One line for people: the first issue, or the reason. */
  readonly message: string
  /** Where the request is wrong (at most 20), for `invalid-request` and some `invalid-body`. */
  readonly issues?: ReadonlyArray<IntakeIssue> | undefined
}

/**
 * What an intake handler answers, ready for any HTTP framework: the status, headers to set
 * (`WWW-Authenticate` on a 401, `Retry-After` on a 503) and a JSON body.
 */
export interface IntakeResult {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: IntakeAccepted | IntakeRejected
}
