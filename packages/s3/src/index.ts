/**
 * @sketchlog/s3 — sketchlog's profile store on S3-protocol object storage: `S3Writer` uploads each
 * replica's profiles exactly once, `S3Store` lists and reads them for the merging reader, the CLI and
 * compaction, and `openS3Store` is what `openStore("s3://…")` of `@sketchlog/core` loads on demand.
 */
export { openS3Store } from "./openS3Store.js"
export { retryAfterMillis, storeErrorOf } from "./S3Failure.js"
export { parseS3Url, type S3Location } from "./S3Location.js"
export { S3Store } from "./S3Store.js"
export type { S3StoreOptions } from "./S3StoreOptions.js"
export { S3Writer, type S3WriterOptions } from "./S3Writer.js"
