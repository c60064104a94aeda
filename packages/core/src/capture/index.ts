/**
 * Capture: how a framework package turns its platform's request and response into an `HttpExchange`
 * — from a web `Request`/`Response` pair (fetch-style frameworks: Next.js route handlers, Hono), or
 * from Node's request and response (`NodeCaptureSlots`: Express, Nest; numbered slots, no object per
 * request), built on demand after the response is out (`DeferredExchange`, `ExchangeSlots`), so the
 * response path does only a few field reads.
 */
export { type DeferredExchange, isDeferredExchange, type RecordedExchange } from "./DeferredExchange.js"
export type { ExchangeSlots } from "./ExchangeSlots.js"
export { NodeCaptureSlots } from "./NodeCaptureSlots.js"
export {
  type JsonBody,
  type ReadJsonBodyOptions,
  readJsonBody,
  type WebExchangeInput,
  webExchange,
} from "./WebExchange.js"
