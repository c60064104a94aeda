import type { RuleEvaluation } from "./RuleEvaluation.js"
import { firingLine, formatRuleValue } from "./RuleText.js"

/** What `sketchlog check --webhook` posts: a Slack-compatible `text` and the firing outcomes as data. */
export interface WebhookPayload {
  readonly text: string
  readonly source: "sketchlog"
  readonly store: string
  readonly evaluatedAt: string
  readonly firing: ReadonlyArray<{
    readonly rule: string
    readonly dataset: string
    readonly column: string | null
    readonly metric: string
    readonly value: number | null
    readonly shown: string
    readonly above: number | null
    readonly below: number | null
    readonly window: { readonly from: string; readonly to: string }
    readonly detail: string
  }>
}

/** The payload for evaluations of which some fire. */
export const webhookPayload = (
  evaluations: ReadonlyArray<RuleEvaluation>,
  store: string,
  evaluatedAt: number,
): WebhookPayload => {
  const firing = evaluations.flatMap((e) => e.outcomes.filter((o) => o.status === "firing"))
  const rules = new Set(firing.map((o) => o.rule.name)).size
  const lines = firing.slice(0, 20).map((o) => `• ${firingLine(o)}`)
  if (firing.length > 20) lines.push(`• and ${firing.length - 20} more`)
  return {
    text: `sketchlog: ${rules} monitor${rules === 1 ? "" : "s"} firing on ${store}\n${lines.join("\n")}`,
    source: "sketchlog",
    store,
    evaluatedAt: new Date(evaluatedAt).toISOString(),
    firing: firing.map((o) => ({
      rule: o.rule.name,
      dataset: o.rule.dataset,
      column: o.column ?? null,
      metric: o.rule.metric,
      value: o.value === undefined || !Number.isFinite(o.value) ? null : o.value,
      shown: formatRuleValue(o.rule, o.value),
      above: o.rule.above ?? null,
      below: o.rule.below ?? null,
      window: { from: new Date(o.window.from).toISOString(), to: new Date(o.window.to).toISOString() },
      detail: o.detail,
    })),
  }
}

/** The system error code of a failed connection (`ECONNREFUSED`), which may sit in an AggregateError. */
const errorCode = (cause: unknown): string | undefined => {
  const code = (cause as { code?: unknown } | undefined)?.code
  if (typeof code === "string") return code
  const first = (cause as { errors?: ReadonlyArray<unknown> } | undefined)?.errors?.[0]
  return first === undefined ? undefined : errorCode(first)
}

/**
 * Posts the payload as JSON; resolves with an error text when the receiver cannot be reached or
 * answers other than 2xx (never throws). The URL is not echoed back: it may hold a secret token
 * (Slack's incoming webhooks do).
 */
export const postWebhook = async (
  url: string,
  payload: WebhookPayload,
  timeoutMs = 10_000,
): Promise<string | undefined> => {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
    })
    await response.arrayBuffer().catch(() => undefined)
    return response.ok ? undefined : `the webhook answered ${response.status} ${response.statusText}`.trim()
  } catch (error) {
    const reason = (error as { cause?: unknown })?.cause
    const cause = errorCode(reason) ?? (reason instanceof Error ? reason.message.slice(0, 80) : undefined)
    const name = (error as { name?: unknown })?.name
    return name === "TimeoutError"
      ? `the webhook did not answer within ${timeoutMs / 1000} s`
      : `the webhook could not be reached${typeof cause === "string" ? ` (${cause})` : ""}`
  }
}
