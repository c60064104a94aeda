import { Data } from "effect"

/**
 * The collector cannot start with this configuration: `setting` names the environment variable,
 * command-line flag or file field that is wrong, `reason` says why. Never holds a secret's value.
 */
export class CollectorConfigError extends Data.TaggedError("CollectorConfigError")<{
  readonly setting: string
  readonly reason: string
}> {
  override get message(): string {
    return `${this.setting}: ${this.reason}`
  }
}
