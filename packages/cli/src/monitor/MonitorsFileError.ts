import { Data } from "effect"

/**
 * A monitors file that cannot be used: unreadable, not JSON, or a rule with a bad field. The message
 * names the file, the rule (its position and name) and the field, e.g.
 * `monitors.json: rule 2 "income drift": "above" must be a number, got "0.3"`.
 */
export class MonitorsFileError extends Data.TaggedError("MonitorsFileError")<{
  readonly file: string
  /** 1-based position of the rule in `monitors`, when one rule is at fault. */
  readonly rule?: number | undefined
  readonly ruleName?: string | undefined
  readonly field?: string | undefined
  readonly reason: string
}> {
  override get message(): string {
    const rule =
      this.rule === undefined
        ? ""
        : ` rule ${this.rule}${this.ruleName === undefined ? "" : ` ${JSON.stringify(this.ruleName)}`}:`
    const field = this.field === undefined ? "" : ` "${this.field}"`
    return `${this.file}:${rule}${field} ${this.reason}`
  }
}
