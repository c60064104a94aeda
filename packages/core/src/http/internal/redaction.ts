import type { HttpRedaction } from "../HttpRowOptions.js"
import { statelessRegExp } from "./fieldPattern.js"

/**
 * Splits a field name into lower-case words at separators, case changes and letter/digit changes:
 * `xApiKey` → x, api, key; `APIKey` → api, key; `oauth2_token` → oauth, 2, token.
 */
export const nameWords = (name: string): ReadonlyArray<string> =>
  name
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])([0-9])|([0-9])([A-Za-z])/g, "$1$3 $2$4")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0)

/** One compiled redaction entry. */
interface WordRule {
  readonly words: ReadonlyArray<string>
  readonly joined: string
}

/**
 * Decides whether a single field name (one path segment, a query key) is redacted. A word entry
 * matches when its words occur in the name's words in a row (`api-key` in `x-api-key`), or when one
 * of the name's words ends with them run together (`accesstoken`, `xapikey`), so run-together names do
 * not slip through while `tokens`, `max_tokens` and `tokenizer` (common, harmless LLM fields) stay.
 */
export class Redactor {
  private readonly rules: ReadonlyArray<WordRule>
  private readonly patterns: ReadonlyArray<RegExp>

  constructor(entries: ReadonlyArray<HttpRedaction>) {
    const rules: Array<WordRule> = []
    const patterns: Array<RegExp> = []
    for (const entry of entries) {
      if (typeof entry === "string") {
        const words = nameWords(entry)
        rules.push({ words, joined: words.join("") })
      } else {
        patterns.push(statelessRegExp(entry))
      }
    }
    this.rules = rules
    this.patterns = patterns
  }

  /** True when the name must never be profiled. */
  redacts(name: string): boolean {
    for (let i = 0; i < this.patterns.length; i++) if (this.patterns[i]!.test(name)) return true
    if (this.rules.length === 0) return false
    const words = nameWords(name)
    for (const rule of this.rules) {
      if (containsRun(words, rule.words)) return true
      for (const word of words) if (word.endsWith(rule.joined)) return true
    }
    return false
  }
}

const containsRun = (words: ReadonlyArray<string>, run: ReadonlyArray<string>): boolean => {
  outer: for (let start = 0; start + run.length <= words.length; start++) {
    for (let j = 0; j < run.length; j++) if (words[start + j] !== run[j]) continue outer
    return true
  }
  return false
}
