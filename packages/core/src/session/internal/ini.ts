import { Either } from "effect"

/**
 * An INI document as Python's `configparser` reads it (what whylogs writes): `[section]` headers,
 * `key = value` or `key: value` lines, `#`/`;` comment lines, indented continuation lines. Keys are
 * case-insensitive (stored lower-case). Comments are not kept: configparser drops them on write too.
 */
export interface IniDocument {
  /** Sections in file order; keys in file order within each. */
  readonly sections: ReadonlyMap<string, ReadonlyMap<string, string>>
  /** The line (1-based) each `section.key` was read from, for error messages. */
  readonly lines: ReadonlyMap<string, number>
}

/** Why a file is not INI, and where. */
export interface IniSyntaxError {
  readonly line: number
  readonly reason: string
}

/** The empty document. */
export const emptyIni: IniDocument = { sections: new Map(), lines: new Map() }

/** Parses INI text; strict like configparser: no key outside a section, no duplicate section or key. */
export const parseIni = (text: string): Either.Either<IniDocument, IniSyntaxError> => {
  const sections = new Map<string, Map<string, string>>()
  const lines = new Map<string, number>()
  let section: Map<string, string> | undefined
  let sectionName = ""
  let lastKey: string | undefined
  let lastKeyIndent = 0
  const rows = text.replace(/^\uFEFF/, "").split(/\r?\n/)
  for (let index = 0; index < rows.length; index++) {
    const lineNo = index + 1
    const row = rows[index] ?? ""
    const trimmed = row.trim()
    const indent = row.length - row.trimStart().length
    if (trimmed.length === 0) {
      lastKey = undefined
      continue
    }
    if (trimmed.startsWith("#") || trimmed.startsWith(";")) continue
    if (indent > lastKeyIndent && lastKey !== undefined && section !== undefined) {
      section.set(lastKey, `${section.get(lastKey) ?? ""}\n${trimmed}`)
      continue
    }
    if (trimmed.startsWith("[")) {
      const close = trimmed.indexOf("]")
      if (close < 0) return Either.left({ line: lineNo, reason: `unterminated section header ${trimmed}` })
      sectionName = trimmed.slice(1, close).trim()
      if (sectionName.length === 0) return Either.left({ line: lineNo, reason: "empty section name" })
      if (sections.has(sectionName)) {
        return Either.left({ line: lineNo, reason: `section [${sectionName}] appears twice` })
      }
      section = new Map()
      sections.set(sectionName, section)
      lastKey = undefined
      continue
    }
    const at = firstDelimiter(trimmed)
    if (at < 0)
      return Either.left({ line: lineNo, reason: "expected `key = value`, a [section] or a comment" })
    if (section === undefined) {
      return Either.left({ line: lineNo, reason: "a key appears before any [section] header" })
    }
    const key = trimmed.slice(0, at).trim().toLowerCase()
    if (key.length === 0) return Either.left({ line: lineNo, reason: "a value has no key" })
    if (section.has(key)) {
      return Either.left({ line: lineNo, reason: `key ${key} appears twice in [${sectionName}]` })
    }
    section.set(key, trimmed.slice(at + 1).trim())
    lines.set(`${sectionName}.${key}`, lineNo)
    lastKey = key
    lastKeyIndent = indent
  }
  return Either.right({ sections, lines })
}

const firstDelimiter = (text: string): number => {
  const eq = text.indexOf("=")
  const colon = text.indexOf(":")
  if (eq < 0) return colon
  if (colon < 0) return eq
  return Math.min(eq, colon)
}

/** Writes a document the way configparser does: `key = value`, a blank line after each section. */
export const serializeIni = (doc: IniDocument): string => {
  const out: string[] = []
  for (const [name, entries] of doc.sections) {
    out.push(`[${name}]`)
    for (const [key, value] of entries) out.push(`${key} = ${value.split("\n").join("\n\t")}`)
    out.push("")
  }
  return out.join("\n")
}

/**
 * The document with `changes` applied to `section` (`undefined` removes a key); `changed` says
 * whether anything differs, so callers write only when it does.
 */
export const updateIni = (
  doc: IniDocument,
  section: string,
  changes: Readonly<Record<string, string | undefined>>,
): { readonly doc: IniDocument; readonly changed: boolean } => {
  const sections = new Map<string, ReadonlyMap<string, string>>(doc.sections)
  const entries = new Map(doc.sections.get(section) ?? [])
  let changed = false
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) {
      changed = entries.delete(key) || changed
    } else if (entries.get(key) !== value) {
      entries.set(key, value)
      changed = true
    }
  }
  sections.set(section, entries)
  return { doc: { sections, lines: doc.lines }, changed }
}
