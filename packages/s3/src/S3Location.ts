import { displayUrl, StoreError } from "@sketchlog/core/store"

/** Where a store lives in object storage: a bucket and a key prefix within it. */
export interface S3Location {
  readonly bucket: string
  /** `""`, or the prefix with a trailing `/` (`team/profiles/`). */
  readonly prefix: string
  /** `s3://bucket/prefix` as it is shown: normalised, never with credentials. */
  readonly url: string
}

/** Bucket names S3-protocol services accept (AWS: 3–63 of a-z 0-9 . -; GCS and others allow `_` and more). */
const BUCKET = /^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/

const invalid = (url: string, detail: string): StoreError =>
  new StoreError({ url, reason: "invalid-url", detail, retryable: false })

/**
 * Parses `s3://bucket[/prefix]`. A URL holding `@` is refused without being repeated up to it:
 * credentials (`s3://key:secret@bucket`) belong in the environment, the shared config files or the
 * options, and `@` is in no bucket name.
 */
export const parseS3Url = (url: string): S3Location => {
  const text = url.trim()
  if (!/^s3:\/\//i.test(text)) throw invalid(displayUrl(text), "expected s3://bucket/prefix")
  if (text.includes("@")) {
    throw invalid(
      displayUrl(text),
      "credentials do not belong in the store URL: use the AWS environment variables, the shared config files or the credentials option",
    )
  }
  const rest = text.slice("s3://".length)
  const slash = rest.indexOf("/")
  const bucket = slash === -1 ? rest : rest.slice(0, slash)
  const path = slash === -1 ? "" : rest.slice(slash + 1)
  if (!BUCKET.test(bucket)) {
    throw invalid(
      text,
      `${JSON.stringify(bucket)} is not a bucket name (3 or more letters, digits, '.', '-' or '_')`,
    )
  }
  const parts = path.split("/").filter((part) => part.length > 0)
  if (parts.some((part) => part === "." || part === "..")) {
    throw invalid(text, "the prefix may not hold '.' or '..' parts")
  }
  const prefix = parts.length === 0 ? "" : `${parts.join("/")}/`
  return { bucket, prefix, url: `s3://${bucket}${prefix === "" ? "" : `/${prefix.slice(0, -1)}`}` }
}
