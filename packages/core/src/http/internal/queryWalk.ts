import type { FieldSink } from "../ColumnRowsBuilder.js"
import type { HttpRowValue } from "../HttpRow.js"
import type { BodyWalk } from "./bodyWalk.js"
import { boundedString } from "./boundedString.js"
import type { CompiledOptions } from "./compileOptions.js"
import type { FieldTree } from "./fieldTree.js"

/**
 * Reads a query's keys — their count into `values[19]`, the names kept (sorted, bounded) into
 * `values[20]` — and, with `queryValues`, walks its values into `sink`. Bounded like a body walk: a
 * query object with a million keys is looked at only so far.
 */
export const walkQuery = (
  query: unknown,
  sink: FieldSink,
  tree: FieldTree,
  walker: BodyWalk,
  options: CompiledOptions,
  values: Array<HttpRowValue>,
): void => {
  if (typeof query !== "object" || query === null) return
  let params: URLSearchParams | undefined
  let keys: ReadonlyArray<string>
  try {
    params = query instanceof URLSearchParams ? query : undefined
    keys = params !== undefined ? [...new Set(params.keys())] : Object.keys(query)
  } catch {
    return // a query object that cannot be enumerated (a hostile proxy) counts as unknown
  }
  values[19] = keys.length
  if (keys.length === 0) return
  const shown: Array<string> = []
  const end = Math.min(keys.length, options.limits.maxFields)
  for (let i = 0; i < end; i++) {
    const node = tree.child(tree.query, keys[i]!)
    if (node !== undefined && !node.skip) shown.push(keys[i]!)
  }
  values[20] =
    shown.length === 0 ? null : boundedString(shown.sort().join(","), options.limits.maxStringLength)
  if (options.queryValues) {
    if (params !== undefined) walker.walkParams(sink, tree, tree.query, params)
    else walker.walk(sink, tree, tree.query, query)
  }
}
