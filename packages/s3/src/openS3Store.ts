import { type ProfileStore, StoreError } from "@sketchlog/core/store"
import { Effect } from "effect"
import { S3Store } from "./S3Store.js"
import { s3StoreOptions } from "./S3StoreOptions.js"

/**
 * The store at `s3://bucket/prefix`: what `openStore(url)` of `@sketchlog/core` calls for `s3://`
 * URLs (loading this package on demand). `options` are `S3StoreOptions` (endpoint, region,
 * forcePathStyle, credentials, client, …). Nothing is sent until the store is used.
 */
export const openS3Store = (
  url: string,
  options?: Readonly<Record<string, unknown>>,
): Effect.Effect<ProfileStore, StoreError> =>
  Effect.try({
    try: () => new S3Store(url, s3StoreOptions(options)),
    catch: (error) =>
      error instanceof StoreError
        ? error
        : new StoreError({
            url: "s3://",
            reason: "invalid-url",
            detail: error instanceof Error ? error.message : "cannot open the store",
            retryable: false,
            cause: error,
          }),
  })
