import * as Http from "node:http"
import * as Https from "node:https"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Agent as AgentBase, type AgentConnectOpts } from "agent-base"
import { Effect, Layer } from "effect"
import { HttpProxyAgent } from "http-proxy-agent"
import { HttpsProxyAgent } from "https-proxy-agent"
import { getProxyForUrl } from "proxy-from-env"

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"])

/**
 * The proxy a request to `url` goes through, or "" to connect directly: `HTTPS_PROXY` / `HTTP_PROXY` /
 * `ALL_PROXY` and `NO_PROXY` (either case), as curl and Python's requests read them. Loopback hosts go
 * direct unless `NO_PROXY` is set, in which case it alone says what bypasses the proxy.
 */
export const proxyFor = (url: string): string => {
  const noProxy = process.env.NO_PROXY ?? process.env.no_proxy
  if (noProxy === undefined && LOOPBACK_HOSTS.has(new URL(url).hostname)) return ""
  return getProxyForUrl(url)
}

/**
 * An agent that picks, per connection, the proxy `proxyFor` names (an HTTP proxy: `CONNECT` tunnels for
 * https, absolute-URI requests for http) or a direct connection; one agent per proxy URL.
 */
class EnvironmentProxyAgent extends AgentBase {
  readonly #secure: boolean
  readonly #agentOptions: Http.AgentOptions
  readonly #direct: Http.Agent
  readonly #proxied = new Map<string, Http.Agent>()

  constructor(secure: boolean, agentOptions: Http.AgentOptions) {
    super(agentOptions)
    this.#secure = secure
    this.#agentOptions = agentOptions
    this.#direct = secure ? new Https.Agent(agentOptions) : new Http.Agent(agentOptions)
  }

  connect(_request: Http.ClientRequest, options: AgentConnectOpts): Http.Agent {
    const host = options.host ?? "localhost"
    const hostText = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host
    const proxy = proxyFor(`${this.#secure ? "https" : "http"}://${hostText}:${options.port}`)
    if (proxy === "") return this.#direct
    let agent = this.#proxied.get(proxy)
    if (agent === undefined) {
      agent = this.#secure
        ? new HttpsProxyAgent(proxy, this.#agentOptions)
        : new HttpProxyAgent(proxy, this.#agentOptions)
      this.#proxied.set(proxy, agent)
    }
    return agent
  }

  override destroy(): void {
    this.#direct.destroy()
    for (const agent of this.#proxied.values()) agent.destroy()
    super.destroy()
  }
}

/**
 * The HTTP agents of a session's client: direct, or through the proxy the environment names (see
 * `proxyFor`), decided per request; destroyed with the layer.
 */
export const proxyAwareAgentLayer: Layer.Layer<NodeHttpClient.HttpAgent> = Layer.scoped(
  NodeHttpClient.HttpAgent,
  Effect.map(
    Effect.all([
      Effect.acquireRelease(
        Effect.sync(() => new EnvironmentProxyAgent(false, {})),
        (agent) => Effect.sync(() => agent.destroy()),
      ),
      Effect.acquireRelease(
        Effect.sync(() => new EnvironmentProxyAgent(true, {})),
        (agent) => Effect.sync(() => agent.destroy()),
      ),
    ]),
    ([http, https]) => ({ [NodeHttpClient.HttpAgentTypeId]: NodeHttpClient.HttpAgentTypeId, http, https }),
  ),
)

/** Node's HTTP client (node:http) with the proxy-aware agents. */
export const proxyAwareHttpClientLayer = NodeHttpClient.layerWithoutAgent.pipe(
  Layer.provide(proxyAwareAgentLayer),
)
