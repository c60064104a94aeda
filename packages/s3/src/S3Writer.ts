import { firstUnknownOption, optionNamesOf } from "@sketchlog/core/adapter"
import { StoreWriter } from "@sketchlog/core/store"
import { WriterOptionsError } from "@sketchlog/core/writers"
import { S3Store } from "./S3Store.js"
import type { S3StoreOptions } from "./S3StoreOptions.js"

/** Options of an `S3Writer`: where (`url`), how to reach it (`S3StoreOptions`) and who writes. */
export interface S3WriterOptions extends S3StoreOptions {
  /** `s3://bucket/prefix`. */
  readonly url: string
  /**
   * Who writes, in every object's name (default: host name, process id and start time). Give a
   * stable one (a pod name) only if no two live processes ever share it.
   */
  readonly replica?: string | undefined
  /** Unique writer name, also its outbox folder (default `store:<url>`): keep it stable across restarts. */
  readonly name?: string | undefined
  /** Uploads at once (default 4). */
  readonly concurrency?: number | undefined
}

const s3WriterOptionNames = optionNamesOf<S3WriterOptions>()([
  "url",
  "replica",
  "name",
  "concurrency",
  "endpoint",
  "region",
  "forcePathStyle",
  "credentials",
  "client",
  "requestTimeoutMillis",
  "maxAttempts",
])

/**
 * A rolling-logger writer that uploads each profile to an S3-protocol bucket as its own object,
 * exactly once (`StoreWriter` over an `S3Store`): use it wherever a writer goes.
 *
 * ```ts
 * createRollingLogger({ writers: [new S3Writer({ url: "s3://team-profiles/prod" })] })
 * ```
 *
 * Throws `StoreError` (reason `invalid-url`) for a URL that is not `s3://bucket[/prefix]`, and
 * `WriterOptionsError` for an unknown option (naming the nearest known one); nothing is sent until
 * the first profile is written.
 */
export class S3Writer extends StoreWriter {
  constructor(options: S3WriterOptions) {
    const unknown = firstUnknownOption(options, s3WriterOptionNames)
    if (unknown !== undefined) throw new WriterOptionsError({ writer: "S3Writer", ...unknown })
    const { url, replica, name, concurrency, ...storeOptions } = options
    super({ store: new S3Store(url, storeOptions), replica, name, concurrency })
  }
}
