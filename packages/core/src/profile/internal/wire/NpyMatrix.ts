/**
 * A two-dimensional matrix in NumPy's `.npy` format (format version 1.0 written; 1.0–3.0 read), which
 * whylogs uses for its embedding metric's reference vectors (`np.save(…, allow_pickle=False)`):
 * `\x93NUMPY`, major, minor, the header length (u16 LE in 1.0, u32 LE later), an ASCII Python dict
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (rows, cols), }` padded with spaces and ended by
 * a newline so the data starts at a multiple of 64 bytes, then the values.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // \x93NUMPY
const ALIGN = 64

/** Encodes `rows` (all of one length) as a C-order little-endian float64 `.npy` matrix. */
export const encodeNpyMatrix = (rows: ReadonlyArray<ReadonlyArray<number>>): Uint8Array => {
  const columns = rows[0]?.length ?? 0
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows.length}, ${columns}), }`
  // magic (6) + version (2) + length (2) + dict + padding + "\n"
  const unpadded = 10 + dict.length + 1
  const padding = (ALIGN - (unpadded % ALIGN)) % ALIGN
  const header = `${dict}${" ".repeat(padding)}\n`
  const out = new Uint8Array(10 + header.length + rows.length * columns * 8)
  out.set(MAGIC, 0)
  out[6] = 1
  out[7] = 0
  const view = new DataView(out.buffer)
  view.setUint16(8, header.length, true)
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i)
  let at = 10 + header.length
  for (const row of rows) {
    for (const x of row) {
      view.setFloat64(at, x, true)
      at += 8
    }
  }
  return out
}

/** Why bytes are not a matrix this reader understands. */
export class NpyFormatError extends Error {
  readonly _tag = "NpyFormatError"
}

/**
 * Decodes a two-dimensional numeric `.npy` matrix (float, signed or unsigned integers of any size,
 * either byte order, C or Fortran order) into rows of numbers. Throws `NpyFormatError`.
 */
export const decodeNpyMatrix = (bytes: Uint8Array): Array<Array<number>> => {
  const fail = (reason: string): never => {
    throw new NpyFormatError(reason)
  }
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail("not a NumPy .npy file")
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const major = bytes[6] as number
  if (major < 1 || major > 3) fail(`unknown .npy version ${major}`)
  const lengthSize = major === 1 ? 2 : 4
  const headerLength = lengthSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true)
  const start = 8 + lengthSize
  if (start + headerLength > bytes.length) fail("the header runs past the end")
  let header = ""
  for (let i = start; i < start + headerLength; i++) header += String.fromCharCode(bytes[i] as number)
  const descr = /'descr'\s*:\s*'([<>|=])([fiu])(\d+)'/.exec(header)
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)
  const shape = /'shape'\s*:\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\)/.exec(header)
  if (descr === null) return fail(`unsupported dtype in ${header.trim()}`)
  if (fortran === null) return fail("no fortran_order in the header")
  if (shape === null) return fail(`not a two-dimensional shape in ${header.trim()}`)
  const [, order, kind, sizeText] = descr as unknown as [string, string, string, string]
  const size = Number(sizeText)
  const read = reader(view, order !== ">", kind, size) ?? fail(`unsupported dtype ${kind}${size}`)
  const rows = Number(shape[1])
  const columns = Number(shape[2])
  const data = start + headerLength
  if (data + rows * columns * size > bytes.length)
    fail(`${rows}×${columns} values need more bytes than remain`)
  const out: Array<Array<number>> = []
  const fortranOrder = fortran[1] === "True"
  for (let r = 0; r < rows; r++) {
    const row: number[] = []
    for (let c = 0; c < columns; c++) {
      const index = fortranOrder ? c * rows + r : r * columns + c
      row.push(read(data + index * size))
    }
    out.push(row)
  }
  return out
}

const reader = (
  view: DataView,
  little: boolean,
  kind: string,
  size: number,
): ((at: number) => number) | undefined => {
  if (kind === "f" && size === 8) return (at) => view.getFloat64(at, little)
  if (kind === "f" && size === 4) return (at) => view.getFloat32(at, little)
  if (kind === "i" && size === 8) return (at) => Number(view.getBigInt64(at, little))
  if (kind === "i" && size === 4) return (at) => view.getInt32(at, little)
  if (kind === "i" && size === 2) return (at) => view.getInt16(at, little)
  if (kind === "i" && size === 1) return (at) => view.getInt8(at)
  if (kind === "u" && size === 8) return (at) => Number(view.getBigUint64(at, little))
  if (kind === "u" && size === 4) return (at) => view.getUint32(at, little)
  if (kind === "u" && size === 2) return (at) => view.getUint16(at, little)
  if (kind === "u" && size === 1) return (at) => view.getUint8(at)
  return undefined
}
