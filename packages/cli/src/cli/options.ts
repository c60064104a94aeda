import { InvalidArgumentError } from "commander"

/** A commander parser for a number in [0, 1] (thresholds, p-values). */
export const parseFraction = (value: string): number => {
  const number = Number(value)
  if (value.trim() === "" || !(number >= 0 && number <= 1)) {
    throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`)
  }
  return number
}

/** A commander parser for a whole number ≥ `least`. */
export const parseCount =
  (least: number) =>
  (value: string): number => {
    const number = Number(value)
    if (!/^\d+$/.test(value.trim()) || number < least) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${least}, got "${value}"`)
    }
    return number
  }

/** A commander parser for a comma-separated list (`--columns a,b`). */
export const parseList = (value: string, previous: ReadonlyArray<string> | undefined): string[] => [
  ...(previous ?? []),
  ...value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
]
