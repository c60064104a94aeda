import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { causeText } from "../internal/causeText.js"
import { DirectoryStore, type DirectoryStoreOptions } from "./DirectoryStore.js"
import type { ProfileStore } from "./ProfileStore.js"
import { StoreError } from "./StoreError.js"

/** Options of `openStore`: the directory store's, and whatever `@sketchlog/s3` takes for `s3://` URLs. */
export interface StoreOptions extends DirectoryStoreOptions {
  /** Passed to `@sketchlog/s3` for an `s3://` URL (endpoint, region, credentials, forcePathStyle, client…). */
  readonly s3?: Readonly<Record<string, unknown>> | undefined
}

/** What `@sketchlog/s3` provides to core (loaded on demand, so core never depends on the AWS SDK). */
interface S3StoreModule {
  readonly openS3Store: (
    url: string,
    options?: Readonly<Record<string, unknown>>,
  ) => Effect.Effect<ProfileStore, StoreError>
}

/** The package that serves `s3://` URLs; a variable, so no bundler or type checker requires it. */
const S3_PACKAGE = "@sketchlog/s3"

const isS3Url = (url: string): boolean => /^s3:\/\//i.test(url)

/**
 * The URL as it may be shown: `s3://user:secret@bucket` loses its credentials — everything up to the
 * last `@`, since a secret may hold `/` or `@` itself.
 */
export const displayUrl = (url: string): string => {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)
  if (scheme === null) return url
  const at = url.lastIndexOf("@")
  return at < scheme[0].length ? url : scheme[0] + url.slice(at + 1)
}

/**
 * The store at `url`: `s3://bucket/prefix` (any S3-protocol service, through `@sketchlog/s3`, loaded
 * on demand), `file:///path`, or a directory path. An `s3://` URL without `@sketchlog/s3` installed
 * fails with `StoreError` reason `missing-package`, saying how to install it.
 */
export const openStore = (
  url: string,
  options: StoreOptions = {},
): Effect.Effect<ProfileStore, StoreError> => {
  if (url.trim() === "") {
    return Effect.fail(
      new StoreError({ url, reason: "invalid-url", detail: "the store URL is empty", retryable: false }),
    )
  }
  if (isS3Url(url)) return loadS3(url, options)
  if (/^file:\/\//i.test(url)) {
    return Effect.try({
      try: () => new DirectoryStore(fileURLToPath(url), options) as ProfileStore,
      catch: (error) =>
        new StoreError({
          url,
          reason: "invalid-url",
          detail: causeText(error),
          retryable: false,
          cause: error,
        }),
    })
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(url)) {
    return Effect.fail(
      new StoreError({
        url: displayUrl(url),
        reason: "invalid-url",
        detail: "a store is a directory, a file:// URL or an s3://bucket/prefix URL",
        retryable: false,
      }),
    )
  }
  return Effect.succeed(new DirectoryStore(url, options))
}

const loadS3 = (url: string, options: StoreOptions): Effect.Effect<ProfileStore, StoreError> =>
  Effect.tryPromise({
    try: () => import(S3_PACKAGE) as Promise<S3StoreModule>,
    catch: (error) =>
      new StoreError({
        url: displayUrl(url),
        reason: "missing-package",
        detail: `s3:// stores need the ${S3_PACKAGE} package: npm i ${S3_PACKAGE} (${causeText(error)})`,
        retryable: false,
        cause: error,
      }),
  }).pipe(Effect.flatMap((module) => module.openS3Store(url, options.s3)))
