import { createHash } from "node:crypto"
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from "@aws-sdk/client-s3"
import {
  matchesQuery,
  type ProfileQuery,
  type ProfileStore,
  parseProfileKey,
  partitionPrefixes,
  type StoredProfile,
  StoreError,
} from "@sketchlog/core/store"
import { Chunk, Effect, Option, Stream } from "effect"
import { collectBody } from "./collectBody.js"
import { storeErrorOf } from "./S3Failure.js"
import { parseS3Url, type S3Location } from "./S3Location.js"
import { DEFAULT_REQUEST_TIMEOUT_MILLIS, makeS3Client, type S3StoreOptions } from "./S3StoreOptions.js"
import { SignedGet } from "./SignedGet.js"

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000

/** A key stays below the store's prefix: `/`-separated names, none empty, `.` or `..`. */
const isSafeKey = (key: string): boolean =>
  key.length > 0 && key.split("/").every((part) => part.length > 0 && part !== "." && part !== "..")

/**
 * A profile store in an S3-protocol bucket (AWS S3, Google Cloud Storage's XML API, Cloudflare R2,
 * MinIO, Ceph RGW), under `s3://bucket/prefix`. Listing pages through ListObjectsV2 (1,000 keys a
 * page) under the narrowest prefixes the query allows (a dataset, its days, a segment's hours);
 * uploads carry a Content-MD5 the service checks; deletes go 1,000 keys per request. Every failure is
 * a `StoreError` that says whether a retry may help, with the service's `Retry-After` when throttled.
 */
export class S3Store implements ProfileStore {
  readonly url: string
  readonly bucket: string
  /** `""` or the key prefix, ending in `/`. */
  readonly prefix: string
  readonly client: S3Client
  /** Downloads without the SDK's per-request middleware, on a client this store made. */
  readonly #signedGet: SignedGet | undefined

  /** Throws `StoreError` (reason `invalid-url`) for a URL that is not `s3://bucket[/prefix]`. */
  constructor(url: string, options: S3StoreOptions = {}) {
    const location: S3Location = parseS3Url(url)
    this.url = location.url
    this.bucket = location.bucket
    this.prefix = location.prefix
    this.client = makeS3Client(options)
    // A client of the caller's may carry its own request handler (a proxy, other TLS settings):
    // every request then goes through it.
    this.#signedGet =
      options.client === undefined
        ? new SignedGet(
            this.client,
            this.bucket,
            options.requestTimeoutMillis ?? DEFAULT_REQUEST_TIMEOUT_MILLIS,
          )
        : undefined
  }

  get datasets(): Effect.Effect<ReadonlyArray<string>, StoreError> {
    return this.#pages({ Prefix: this.prefix, Delimiter: "/" }, "list datasets").pipe(
      Stream.mapConcat((page) => page.CommonPrefixes ?? []),
      Stream.filterMap((common) => {
        const folder = common.Prefix?.slice(this.prefix.length) ?? ""
        const match = /^dataset=([^/]+)\/$/.exec(folder)
        if (match === null) return Option.none()
        try {
          return Option.some(decodeURIComponent(match[1] as string))
        } catch {
          return Option.none()
        }
      }),
      Stream.runCollect,
      Effect.map((ids) => Array.from(new Set(Chunk.toReadonlyArray(ids))).sort()),
    )
  }

  list(query: ProfileQuery = {}): Stream.Stream<StoredProfile, StoreError> {
    const prefixes: Stream.Stream<string, StoreError> =
      query.datasetId !== undefined
        ? Stream.fromIterable(partitionPrefixes(query) ?? [])
        : query.from !== undefined || query.to !== undefined || query.segment !== undefined
          ? // Per dataset, so that a time range still lists only its days.
            Stream.fromIterableEffect(this.datasets).pipe(
              Stream.mapConcat((datasetId) => partitionPrefixes({ ...query, datasetId }) ?? []),
            )
          : Stream.make("")
    return prefixes.pipe(
      Stream.flatMap((prefix) => this.#pages({ Prefix: this.prefix + prefix }, "list")),
      Stream.mapConcat((page) => page.Contents ?? []),
      Stream.filterMap((object) => {
        const key = object.Key?.slice(this.prefix.length)
        if (key === undefined || !key.endsWith(".bin")) return Option.none()
        const profile = parseProfileKey(key, object.Size)
        return profile !== undefined && matchesQuery(profile, query)
          ? Option.some({ ...profile, version: object.ETag })
          : Option.none()
      }),
    )
  }

  read(key: string): Effect.Effect<Uint8Array, StoreError> {
    return this.#send(key, "read", async () => {
      if (this.#signedGet?.ready === true) {
        try {
          return await this.#signedGet.get(this.prefix + key)
        } catch {
          // Declined (an error answer, a redirect) or cut: the SDK's way below, with its retries and errors.
        }
      }
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      )
      if (out.Body === undefined) return new Uint8Array()
      return collectBody(out.Body, out.ContentLength)
    })
  }

  put(key: string, bytes: Uint8Array): Effect.Effect<void, StoreError> {
    return this.#send(key, "write", async () => {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: bytes,
          ContentLength: bytes.byteLength,
          ContentType: "application/octet-stream",
          ContentMD5: createHash("md5").update(bytes).digest("base64"),
        }),
      )
    })
  }

  remove(keys: ReadonlyArray<string>): Effect.Effect<void, StoreError> {
    const unsafe = keys.find((key) => !isSafeKey(key))
    if (unsafe !== undefined) return Effect.fail(this.#badKey(unsafe))
    const batches: string[][] = []
    for (let i = 0; i < keys.length; i += DELETE_BATCH) batches.push(keys.slice(i, i + DELETE_BATCH))
    return Effect.forEach(
      batches,
      (batch) =>
        this.#send(undefined, "delete", async () => {
          const out = await this.client.send(
            new DeleteObjectsCommand({
              Bucket: this.bucket,
              Delete: { Objects: batch.map((key) => ({ Key: this.prefix + key })), Quiet: true },
            }),
          )
          // A key already gone is not an error: DeleteObjects reports none for it.
          const failed = (out.Errors ?? []).find((e) => e.Code !== "NoSuchKey")
          if (failed !== undefined) {
            throw Object.assign(new Error(failed.Code ?? "delete failed"), {
              name: failed.Code ?? "DeleteFailed",
              $metadata: { httpStatusCode: failed.Code === "AccessDenied" ? 403 : 500 },
              key: failed.Key?.slice(this.prefix.length),
            })
          }
        }),
      { discard: true },
    )
  }

  /** Every page of a listing. */
  #pages(
    input: { readonly Prefix: string; readonly Delimiter?: string },
    operation: string,
  ): Stream.Stream<ListObjectsV2CommandOutput, StoreError> {
    return Stream.paginateEffect(undefined as string | undefined, (token) =>
      Effect.tryPromise({
        try: () =>
          this.client.send(
            new ListObjectsV2Command({ Bucket: this.bucket, ...input, ContinuationToken: token }),
          ),
        catch: (error) => storeErrorOf(error, { url: this.url, operation }),
      }).pipe(
        Effect.map(
          (page) =>
            [
              page,
              page.IsTruncated === true && page.NextContinuationToken !== undefined
                ? Option.some(page.NextContinuationToken)
                : Option.none(),
            ] as const,
        ),
      ),
    )
  }

  #send<A>(key: string | undefined, operation: string, run: () => Promise<A>): Effect.Effect<A, StoreError> {
    if (key !== undefined && !isSafeKey(key)) return Effect.fail(this.#badKey(key))
    return Effect.tryPromise({
      try: run,
      catch: (error) =>
        storeErrorOf(error, {
          url: this.url,
          key: key ?? (error as { key?: string }).key,
          operation,
        }),
    })
  }

  #badKey(key: string): StoreError {
    return new StoreError({
      url: this.url,
      key,
      reason: "invalid-url",
      detail: "a key must be '/'-separated names without '.' or '..'",
      retryable: false,
    })
  }
}
