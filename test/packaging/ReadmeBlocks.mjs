// The code blocks of a README, as a user copies them.
import { readFileSync } from "node:fs"

/** Every fenced code block of `path` with the heading it sits under: `{ heading, lang, code }`. */
export const readmeBlocks = (path) => {
  const blocks = []
  let heading = ""
  let open
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (open !== undefined) {
      if (line.startsWith("```")) {
        blocks.push({ heading, lang: open.lang, code: open.lines.join("\n") })
        open = undefined
      } else open.lines.push(line)
    } else if (line.startsWith("```")) open = { lang: line.slice(3).trim(), lines: [] }
    else if (line.startsWith("#")) heading = line.replace(/^#+\s*/, "")
  }
  return blocks
}
