import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3"

/** How to reach the object store. Everything is optional: the AWS SDK's own defaults apply. */
export interface S3StoreOptions {
  /**
   * The service's URL, for anything but AWS S3 (`http://127.0.0.1:9000` for MinIO, R2's account
   * endpoint, `https://storage.googleapis.com`). Default: `AWS_ENDPOINT_URL_S3`, else
   * `AWS_ENDPOINT_URL`, else the shared config file's, else AWS S3 (all read by the SDK).
   */
  readonly endpoint?: string | undefined
  /**
   * The region. Default: the SDK's (`AWS_REGION`, the shared config file), else `us-east-1`, which
   * servers other than AWS S3 ignore and AWS redirects from (followed).
   */
  readonly region?: string | undefined
  /**
   * Path-style URLs (`endpoint/bucket/key`) instead of virtual-hosted ones (`bucket.endpoint/key`),
   * which MinIO, Ceph and most self-hosted servers need. Default: `SKETCHLOG_S3_FORCE_PATH_STYLE=true`
   * in the environment, else false.
   */
  readonly forcePathStyle?: boolean | undefined
  /**
   * Credentials, or a provider of them. Default: the SDK's default chain (environment, shared
   * config and credentials files, SSO, web identity, ECS and EC2 instance metadata).
   */
  readonly credentials?: S3ClientConfig["credentials"] | undefined
  /** A client of your own (its settings win; the options above are then ignored). */
  readonly client?: S3Client | undefined
  /** How long one request may take before it counts as failed, ms (default 30 s). */
  readonly requestTimeoutMillis?: number | undefined
  /** Attempts the SDK makes per request, with its own backoff (default 3). */
  readonly maxAttempts?: number | undefined
}

/** How long one request may take by default, ms. */
export const DEFAULT_REQUEST_TIMEOUT_MILLIS = 30_000

/** Whether the environment asks for path-style addressing. */
const pathStyleFromEnvironment = (): boolean =>
  /^(true|1|yes)$/i.test(process.env.SKETCHLOG_S3_FORCE_PATH_STYLE?.trim() ?? "")

/**
 * The SDK's own region (environment, shared config), else `us-east-1`: the SDK refuses to send a
 * request without a region, but S3-compatible servers ignore it and AWS redirects to the bucket's.
 */
const defaultRegion = (): (() => Promise<string>) => {
  let region: Promise<string> | undefined
  return () => {
    region ??= new S3Client({}).config.region().catch(() => "us-east-1")
    return region
  }
}

/** The client `options` describe. */
export const makeS3Client = (options: S3StoreOptions): S3Client =>
  options.client ??
  new S3Client({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    region: options.region ?? defaultRegion(),
    forcePathStyle: options.forcePathStyle ?? pathStyleFromEnvironment(),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    maxAttempts: options.maxAttempts ?? 3,
    followRegionRedirects: true,
    // Resolve each command's middleware stack once per client, not on every request: a quarter of
    // a GET's CPU went to rebuilding it. Nothing here adds middleware to single commands.
    cacheMiddleware: true,
    // Checksums only where S3 requires them (DeleteObjects): many S3-compatible servers reject the
    // SDK's newer default trailing checksums. Uploads carry a Content-MD5, which all of them check.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: {
      connectionTimeout: 10_000,
      requestTimeout: options.requestTimeoutMillis ?? DEFAULT_REQUEST_TIMEOUT_MILLIS,
      // Without it the SDK only warns and the request waits for ever on a server that never answers.
      throwOnRequestTimeout: true,
    },
  })

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null

/**
 * `S3StoreOptions` from what `openStore(url, { s3 })` passes (plain data from a caller that does not
 * know this package's types): fields of the wrong type are ignored rather than trusted.
 */
export const s3StoreOptions = (raw: Readonly<Record<string, unknown>> | undefined): S3StoreOptions => {
  if (raw === undefined) return {}
  const string = (key: string) => (typeof raw[key] === "string" ? (raw[key] as string) : undefined)
  const number = (key: string) => (typeof raw[key] === "number" ? (raw[key] as number) : undefined)
  const credentials = raw.credentials
  return {
    endpoint: string("endpoint"),
    region: string("region"),
    forcePathStyle: typeof raw.forcePathStyle === "boolean" ? raw.forcePathStyle : undefined,
    credentials:
      typeof credentials === "function" ||
      (isRecord(credentials) && typeof credentials.accessKeyId === "string")
        ? (credentials as S3StoreOptions["credentials"])
        : undefined,
    client:
      isRecord(raw.client) && typeof raw.client.send === "function"
        ? (raw.client as unknown as S3Client)
        : undefined,
    requestTimeoutMillis: number("requestTimeoutMillis"),
    maxAttempts: number("maxAttempts"),
  }
}
