import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import S3rver from "s3rver"

/** Options of `S3Server.start`. */
export interface S3ServerOptions {
  /** Buckets that exist from the start (default `["profiles"]`; names need 3+ characters). */
  readonly buckets?: ReadonlyArray<string>
  /** Where objects are kept (default: a new temporary folder, deleted on close). */
  readonly directory?: string
}

/**
 * A real S3 REST server for tests: `s3rver` on 127.0.0.1 (an ephemeral port), objects in a temporary
 * folder. Clients need path-style addressing and the credentials `S3RVER`/`S3RVER` (an unknown
 * access key is refused with 403 InvalidAccessKeyId, which makes "bad credentials" real).
 *
 * ```ts
 * const s3 = await S3Server.start()
 * const store = new S3Store("s3://profiles/fleet", s3.clientOptions)
 * await s3.close()
 * ```
 */
export class S3Server {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string
  readonly directory: string
  /** Credentials the server accepts. */
  readonly credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const
  readonly #server: S3rver
  readonly #ownsDirectory: boolean

  private constructor(server: S3rver, endpoint: string, directory: string, ownsDirectory: boolean) {
    this.#server = server
    this.endpoint = endpoint
    this.directory = directory
    this.#ownsDirectory = ownsDirectory
  }

  static async start(options: S3ServerOptions = {}): Promise<S3Server> {
    const directory = options.directory ?? (await mkdtemp(join(tmpdir(), "sketchlog-s3-")))
    const server = new S3rver({
      port: 0,
      address: "127.0.0.1",
      directory,
      silent: true,
      configureBuckets: (options.buckets ?? ["profiles"]).map((name) => ({ name, configs: [] })),
    })
    const address = await server.run()
    return new S3Server(
      server,
      `http://127.0.0.1:${address.port}`,
      directory,
      options.directory === undefined,
    )
  }

  /** What `S3Store`/`S3Writer` need to reach this server (or `endpoint` for a proxy in front of it). */
  clientOptions(endpoint = this.endpoint) {
    return { endpoint, region: "us-east-1", forcePathStyle: true, credentials: { ...this.credentials } }
  }

  /** The environment that points the AWS SDK (and `SKETCHLOG_STORE=s3://…`) at this server. */
  environment(endpoint = this.endpoint): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: this.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.credentials.secretAccessKey,
      AWS_REGION: "us-east-1",
      SKETCHLOG_S3_FORCE_PATH_STYLE: "true",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    }
  }

  async close(): Promise<void> {
    await this.#server.close()
    if (this.#ownsDirectory) await rm(this.directory, { recursive: true, force: true })
  }
}
