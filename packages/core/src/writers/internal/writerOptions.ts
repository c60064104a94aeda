import { firstUnknownOption } from "../../internal/optionNames.js"
import { WriterOptionsError } from "../WriterError.js"

/** Refuses a writer's options when one of their names is not `known` (throws `WriterOptionsError`). */
export const checkWriterOptionNames = (
  writer: string,
  options: unknown,
  known: ReadonlyArray<string>,
): void => {
  const unknown = firstUnknownOption(options, known)
  if (unknown !== undefined) throw new WriterOptionsError({ writer, ...unknown })
}
