import { SketchError } from "../../SketchError.js"
import { stringItemHash } from "./ItemHash.js"
import type { KeyColumn } from "./KeyColumn.js"

/** String keys, one JavaScript string per slot (empty slots hold `""` so the array stays packed). */
export class StringKeyColumn implements KeyColumn<string, string> {
  readonly keys: Array<string>
  #staged = ""

  constructor(size: number) {
    this.keys = new Array<string>(size).fill("")
  }

  stage(item: string): number {
    if (typeof item !== "string") {
      throw new SketchError("FrequentItems", "BadParameter", `items must be strings, got ${typeof item}`)
    }
    this.#staged = item
    return stringItemHash(item)
  }

  stageFrom(source: StringKeyColumn, slot: number): void {
    this.#staged = source.keys[slot]
  }

  matchesStaged(slot: number): boolean {
    return this.keys[slot] === this.#staged
  }

  storeStaged(slot: number): void {
    this.keys[slot] = this.#staged
  }

  move(from: number, to: number): void {
    this.keys[to] = this.keys[from]
    this.keys[from] = ""
  }

  clear(slot: number): void {
    this.keys[slot] = ""
  }

  copyFrom(source: StringKeyColumn, slot: number, to: number): void {
    this.keys[to] = source.keys[slot]
  }

  get(slot: number): string {
    return this.keys[slot]
  }

  withSize(size: number): this {
    return new StringKeyColumn(size) as this
  }
}
