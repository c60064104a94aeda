import { HttpFieldPrefix } from "../HttpColumns.js"
import { boundedString } from "./boundedString.js"
import { canonicalString } from "./canonicalString.js"
import { matchesAny } from "./fieldPattern.js"
import type { Redactor } from "./redaction.js"

/** What decides, once per distinct field path, whether and how it becomes a column. */
export interface FieldPolicy {
  readonly redactor: Redactor
  /** `undefined` when every field is included. */
  readonly include: ReadonlyArray<RegExp> | undefined
  readonly exclude: ReadonlyArray<RegExp>
  readonly maxKeyLength: number
  readonly maxColumnsPerRoute: number
  readonly maxRoutes: number
}

/**
 * One field path seen before, with its column name built once and its decisions cached, so the walk
 * of a familiar body costs a map lookup per field instead of string building and pattern matching.
 */
export class FieldNode {
  children: Map<string, FieldNode> | undefined = undefined
  /** The column builder that last placed this field (its id), and its column there. */
  ownerId = 0
  slot = 0
  constructor(
    /** The column name (`request.body.user.age`). */
    readonly name: string,
    /** Redacted or excluded, itself or an ancestor: neither its value nor anything below is read. */
    readonly skip: boolean,
    /** Its value may be written (it or an ancestor matches `include`, or there is no `include`). */
    readonly emit: boolean,
    /**
     * Dot-separated segments of its name below the body (or query) prefix: `user.age` is 2, and so is
     * the key `"user.age"` of the body itself, since both give the same column.
     */
    readonly depth: number,
  ) {}
}

/**
 * The field paths learned for one route, under a fixed budget of nodes: client-chosen keys (ids used as
 * object keys, junk sent by a scanner) must not grow a profile's column set without bound.
 */
export class FieldTree {
  readonly requestBody: FieldNode
  readonly responseBody: FieldNode
  readonly query: FieldNode
  private nodes = 0

  constructor(private readonly policy: FieldPolicy) {
    this.requestBody = this.root(HttpFieldPrefix.requestBody)
    this.responseBody = this.root(HttpFieldPrefix.responseBody)
    this.query = this.root(HttpFieldPrefix.query)
  }

  /** The node for `key` below `parent`, learned on first sight; `undefined` when over a limit. */
  child(parent: FieldNode, key: string): FieldNode | undefined {
    const known = parent.children?.get(key)
    if (known !== undefined) return known
    const policy = this.policy
    if (key.length > policy.maxKeyLength || this.nodes >= policy.maxColumnsPerRoute) return undefined
    const segment = boundedString(key, policy.maxKeyLength)
    const name = canonicalString(`${parent.name}.${segment}`)
    const skip = parent.skip || policy.redactor.redacts(key) || matchesAny(policy.exclude, name)
    const emit = !skip && (parent.emit || (policy.include !== undefined && matchesAny(policy.include, name)))
    const node = new FieldNode(name, skip, emit, parent.depth + segmentCount(segment))
    if (parent.children === undefined) parent.children = new Map()
    parent.children.set(key, node)
    this.nodes++
    return node
  }

  private root(prefix: string): FieldNode {
    const skip = matchesAny(this.policy.exclude, prefix)
    const emit = !skip && (this.policy.include === undefined || matchesAny(this.policy.include, prefix))
    return new FieldNode(prefix, skip, emit, 0)
  }
}

/** How many dot-separated segments `key` adds to a column name (`"a.b"` adds 2). */
const segmentCount = (key: string): number => {
  let count = 1
  for (let i = key.indexOf("."); i !== -1; i = key.indexOf(".", i + 1)) count++
  return count
}

/** The field trees of a mapper, one per route up to `maxRoutes`, then one shared by all later routes. */
export class FieldForest {
  private readonly trees = new Map<string, FieldTree>()
  private overflow: FieldTree | undefined = undefined

  constructor(private readonly policy: FieldPolicy) {}

  /** The tree for a route. */
  tree(route: string): FieldTree {
    const known = this.trees.get(route)
    if (known !== undefined) return known
    if (this.trees.size >= this.policy.maxRoutes) {
      if (this.overflow === undefined) this.overflow = new FieldTree(this.policy)
      return this.overflow
    }
    const tree = new FieldTree(this.policy)
    this.trees.set(route, tree)
    return tree
  }

  /** Forgets every learned path (the budgets start again). */
  clear(): void {
    this.trees.clear()
    this.overflow = undefined
  }
}
