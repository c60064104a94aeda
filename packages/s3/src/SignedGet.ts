import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http"
import { Agent as HttpsAgent, request as httpsRequest } from "node:https"
import type { S3Client } from "@aws-sdk/client-s3"
import { collectBody } from "./collectBody.js"

/** SHA-256 of an empty body: the payload hash of a GET. */
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/** Where the SDK sent a `GetObject` of the bucket, and how it signed it. */
interface Learnt {
  /** The bucket's endpoint as the SDK resolved it (path-style: it ends in the bucket). */
  readonly url: URL
  readonly signingName: string
  readonly signingRegion: string
}

/** What the SDK's signer offers (`client.config.signer(authScheme)`). */
interface Signer {
  sign(
    request: object,
    options: { signingDate: Date; signingRegion: string; signingService: string },
  ): Promise<{ headers: Record<string, string> }>
}

/** The endpoint middleware's findings, on the SDK's handler context. */
interface EndpointContext {
  readonly commandName?: string
  readonly endpointV2?: { url: URL; headers?: Record<string, unknown> }
  readonly authSchemes?: ReadonlyArray<{ name?: string; signingName?: string; signingRegion?: string }>
}

/** An object key as S3 signs it: each `/`-separated part percent-encoded (RFC 3986 unreserved kept). */
const encodeKey = (key: string): string =>
  key
    .split("/")
    .map((part) =>
      encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join("/")

/** The answer was not a whole object: the caller sends the request through the SDK instead. */
export class SignedGetDeclined extends Error {
  override readonly name = "SignedGetDeclined"
}

/**
 * `GetObject` without the SDK's per-request middleware, for the merging reader's thousands of
 * downloads: signed by the client's own SigV4 signer with its credentials (the SDK's provider chain,
 * refreshed as the SDK does) and clock offset, sent to the endpoint the SDK itself resolved for the
 * bucket. Until the SDK has made one successful `GetObject` of the bucket there is nothing to go
 * on, and only plain SigV4 endpoints are taken (not S3 Express, multi-region access points or
 * endpoints that need extra headers). An answer other than 200 — an error, a redirect to another
 * region — or a broken download is `SignedGetDeclined`: the caller then asks the SDK, whose retries
 * and errors stay what they were, and a redirect makes it learn the endpoint again.
 *
 * A warm 90 kB GET costs 2.6 M instructions this way against 5.5 M through `client.send` with the
 * middleware stack cached (callgrind; docs/perf/s3.md), most of the difference the stack's work.
 */
export class SignedGet {
  #learnt: Learnt | undefined
  #signer: Promise<Signer> | undefined
  readonly #http = new HttpAgent({ keepAlive: true })
  readonly #https = new HttpsAgent({ keepAlive: true })

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly timeoutMillis: number,
  ) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args)
        const input = args.input as { Bucket?: unknown }
        if (input.Bucket === bucket) this.#learn(context as EndpointContext)
        return out
      },
      { step: "initialize", name: "sketchlogLearnGetEndpoint" },
    )
  }

  /** Whether a GET can go this way (the SDK has shown where and how). */
  get ready(): boolean {
    return this.#learnt !== undefined
  }

  /** Forget the endpoint (after a redirect): the next `GetObject` through the SDK learns it again. */
  forget(): void {
    this.#learnt = undefined
    this.#signer = undefined
  }

  #learn(context: EndpointContext): void {
    if (context.commandName !== "GetObjectCommand" || this.#learnt !== undefined) return
    const endpoint = context.endpointV2
    const scheme = context.authSchemes?.[0]
    if (endpoint === undefined || scheme?.name !== "sigv4") return
    if (Object.keys(endpoint.headers ?? {}).length > 0 || endpoint.url.search !== "") return
    if (endpoint.url.protocol !== "http:" && endpoint.url.protocol !== "https:") return
    this.#learnt = {
      url: new URL(endpoint.url.href),
      signingName: scheme.signingName ?? "s3",
      signingRegion: scheme.signingRegion ?? "us-east-1",
    }
  }

  /** The object at `key` (the full key, prefix included). Rejects with `SignedGetDeclined` or a network error. */
  async get(key: string): Promise<Uint8Array> {
    const learnt = this.#learnt
    if (learnt === undefined) throw new SignedGetDeclined("no endpoint learnt yet")
    const { url } = learnt
    const base = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`
    const path = base + encodeKey(key)
    if (this.#signer === undefined) {
      this.#signer = this.client.config.signer({
        name: "sigv4",
        signingName: learnt.signingName,
        signingRegion: learnt.signingRegion,
        properties: {},
      }) as Promise<Signer>
    }
    const signer = await this.#signer
    const port = url.port === "" ? undefined : Number(url.port)
    const signed = await signer.sign(
      {
        method: "GET",
        protocol: url.protocol,
        hostname: url.hostname,
        ...(port === undefined ? {} : { port }),
        path,
        query: {},
        headers: { host: url.host, "x-amz-content-sha256": EMPTY_SHA256 },
      },
      {
        signingDate: new Date(Date.now() + (this.client.config.systemClockOffset ?? 0)),
        signingRegion: learnt.signingRegion,
        signingService: learnt.signingName,
      },
    )
    const https = url.protocol === "https:"
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)({
        agent: https ? this.#https : this.#http,
        host: url.hostname,
        ...(port === undefined ? {} : { port }),
        method: "GET",
        path,
        headers: signed.headers,
      })
      request.setTimeout(this.timeoutMillis, () =>
        request.destroy(Object.assign(new Error("the GET timed out"), { name: "TimeoutError" })),
      )
      request.once("response", resolve)
      request.once("error", reject)
      request.end()
    })
    if (answer.statusCode !== 200) {
      answer.resume()
      if (answer.statusCode !== undefined && answer.statusCode >= 300 && answer.statusCode < 400)
        this.forget()
      if (answer.headers["x-amz-bucket-region"] !== undefined) this.forget()
      throw new SignedGetDeclined(`HTTP ${answer.statusCode}`)
    }
    const length = Number(answer.headers["content-length"])
    if (!Number.isSafeInteger(length) || length < 0) {
      answer.resume()
      throw new SignedGetDeclined("no Content-Length")
    }
    return collectBody(answer, length)
  }
}
