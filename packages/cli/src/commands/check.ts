import { resolve } from "node:path"
import type { Command } from "commander"
import { InvalidArgumentError } from "commander"
import { openCatalog } from "../catalog/openCatalog.js"
import type { CliContext } from "../cli/CliContext.js"
import { writeLine } from "../cli/CliIo.js"
import { pathsOrDefault } from "../cli/defaultProfileDir.js"
import { ExitCode } from "../cli/ExitCode.js"
import { printable } from "../format/printable.js"
import { renderTextTable } from "../format/TextTable.js"
import { readMonitorsFile } from "../monitor/MonitorsFile.js"
import { evaluateRule, latestCompleteWindow, type RuleEvaluation } from "../monitor/RuleEvaluation.js"
import { formatRuleValue, measuredText, thresholdText, windowText } from "../monitor/RuleText.js"
import { postWebhook, webhookPayload } from "../monitor/Webhook.js"

interface CheckOptions {
  readonly monitors: string
  readonly webhook?: string
  readonly at?: number
  readonly json?: boolean
}

/** A commander parser for a time: ISO 8601 (UTC unless it says otherwise) or epoch milliseconds. */
export const parseTime = (value: string): number => {
  const text = value.trim()
  const time = /^\d+$/.test(text)
    ? Number(text)
    : Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text)
  if (!Number.isFinite(time))
    throw new InvalidArgumentError(`expected an ISO 8601 time or epoch milliseconds, got "${value}"`)
  return time
}

const parseWebhook = (value: string): string => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidArgumentError("expected an http(s) URL")
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InvalidArgumentError("expected an http(s) URL")
  return value
}

const STATUS_TEXT = { firing: "FIRING", ok: "ok", "no-data": "no data" } as const

const table = (evaluations: ReadonlyArray<RuleEvaluation>): string =>
  renderTextTable(
    [
      { header: "status" },
      { header: "rule" },
      { header: "measured" },
      { header: "window" },
      { header: "value", align: "right" },
      { header: "threshold" },
      { header: "detail" },
    ],
    evaluations.flatMap((e) => {
      // A "*" rule lists its firing columns, or one line when none fires.
      const firing = e.outcomes.filter((o) => o.status === "firing")
      const shown = firing.length > 0 ? firing : e.outcomes.length === 1 ? e.outcomes : []
      if (shown.length === 0) {
        return [
          [
            STATUS_TEXT[e.status],
            e.rule.name,
            measuredText(e.rule, "*"),
            windowText(e.window),
            "",
            thresholdText(e.rule),
            `${e.outcomes.length} columns`,
          ],
        ]
      }
      return shown.map((o) =>
        [
          STATUS_TEXT[o.status],
          e.rule.name,
          measuredText(e.rule, o.column),
          windowText(o.window),
          formatRuleValue(e.rule, o.value),
          thresholdText(e.rule),
          o.detail,
        ].map(printable),
      )
    }),
  )

/** `sketchlog check`: the monitors' rules over the latest complete window, for cron and CI. */
export const registerCheck = (program: Command, context: CliContext): Command =>
  program
    .command("check")
    .summary("evaluate alert rules over a profile store (exit 1 when one fires)")
    .description(
      "Evaluate each rule of a monitors file over its latest complete window (the last whole hour or day), print a table, and exit 1 when any rule fires. With --webhook, post the firing rules as JSON (with a Slack-compatible text field).",
    )
    .argument(
      "[store]",
      "a directory of profiles or an s3://bucket/prefix URL; default: $SKETCHLOG_PROFILE_DIR, else ./sketchlog-profiles",
    )
    .requiredOption("--monitors <file>", 'the rules: { "monitors": [rule, …] } (see the README)')
    .option("--webhook <url>", "POST the firing rules here as JSON", parseWebhook)
    .option("--at <time>", "evaluate as if it were this time (ISO 8601 or epoch ms; default now)", parseTime)
    .option("--json", "print the outcomes as JSON instead of a table")
    .action(async (given: string | undefined, options: CheckOptions) => {
      const [storeUrl] = (await pathsOrDefault(given === undefined ? [] : [given], context)) as [string]
      const rules = await readMonitorsFile(resolve(context.cwd, options.monitors), options.monitors)
      const catalog = await openCatalog(storeUrl, context.cwd, {
        log: (line) => writeLine(context.io.stderr, `sketchlog check: ${printable(line)}`),
      })
      await catalog.refresh()
      const now = options.at ?? Date.now()
      const evaluations: RuleEvaluation[] = []
      for (const rule of rules)
        evaluations.push(await evaluateRule(rule, latestCompleteWindow(rule, now), catalog))
      const firing = evaluations.filter((e) => e.status === "firing")
      if (options.json === true) {
        writeLine(context.io.stdout, JSON.stringify(evaluationsJson(evaluations), null, 2))
      } else {
        writeLine(context.io.stdout, table(evaluations))
        writeLine(
          context.io.stdout,
          `${firing.length} of ${evaluations.length} rule${evaluations.length === 1 ? "" : "s"} firing`,
        )
      }
      if (firing.length > 0) {
        context.exitCode = ExitCode.failure
        if (options.webhook !== undefined) {
          const failure = await postWebhook(options.webhook, webhookPayload(evaluations, storeUrl, now))
          if (failure !== undefined) writeLine(context.io.stderr, `sketchlog check: ${failure}`)
        }
      }
    })

const evaluationsJson = (evaluations: ReadonlyArray<RuleEvaluation>) =>
  evaluations.map((e) => ({
    rule: e.rule.name,
    dataset: e.rule.dataset,
    metric: e.rule.metric,
    status: e.status,
    window: { from: new Date(e.window.from).toISOString(), to: new Date(e.window.to).toISOString() },
    outcomes: e.outcomes.map((o) => ({
      column: o.column ?? null,
      status: o.status,
      value: o.value === undefined || !Number.isFinite(o.value) ? null : o.value,
      detail: o.detail,
    })),
    problems: e.problems,
  }))
