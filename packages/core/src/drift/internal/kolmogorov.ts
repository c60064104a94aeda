/**
 * The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic D_n, which whylogs' drift
 * report evaluates (as scipy's `kstwo.sf`) at the effective sample size of two profiles. The method
 * for each region follows Simard & L'Ecuyer, "Computing the two-sided Kolmogorov-Smirnov
 * distribution" (J. Stat. Software 39(11), 2011): exact formulas at the edges, the Durbin matrix
 * (Marsaglia, Tsang & Wang 2003) where it is cheap, Miller's 2·P(D⁺ ≥ d) (exact one-sided
 * Birnbaum–Tingey sum) in the upper tail, and the Pelz–Good expansion for large n.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI)
const SQRT_2PI = Math.sqrt(2 * Math.PI)
const PI2 = Math.PI * Math.PI
const PI4 = PI2 * PI2
const PI6 = PI4 * PI2

const clip = (p: number): number => Math.min(1, Math.max(0, p))

/** log(n! / n^n), exact by summation for small n, Stirling's series beyond. */
const logFactorialOverPower = (n: number): number => {
  if (n <= 64) {
    let sum = 0
    for (let i = 1; i <= n; i++) sum += Math.log(i / n)
    return sum
  }
  const r = 1 / n
  const r2 = r * r
  // log n! = n log n − n + ½ log(2πn) + 1/(12n) − 1/(360n³) + 1/(1260n⁵)
  return 0.5 * Math.log(n) - n + LOG_SQRT_2PI + r * (1 / 12 - r2 * (1 / 360 - r2 / 1260))
}

/**
 * P(D⁺_n ≥ x), the one-sided statistic, by the Birnbaum–Tingey formula
 * x · Σ_{j=0}^{⌊n(1−x)⌋} C(n, j) (1 − x − j/n)^{n−j} (x + j/n)^{j−1}, every term in logs.
 */
export const smirnovSurvival = (n: number, x: number): number => {
  if (x <= 0) return 1
  if (x >= 1) return 0
  const last = Math.floor(n * (1 - x))
  let logBinomial = 0
  let sum = 0
  for (let j = 0; j <= last; j++) {
    if (j > 0) logBinomial += Math.log((n - j + 1) / j)
    const below = (n * (1 - x) - j) / n
    const logTerm =
      logBinomial + (n - j === 0 ? 0 : (n - j) * Math.log(below)) + (j - 1) * Math.log(x + j / n)
    sum += Math.exp(logTerm)
  }
  return clip(x * sum)
}

const SCALE = 1e140
const SCALE_EXP = 140

/** C = A·B for m×m matrices stored by rows. */
const multiply = (a: Float64Array, b: Float64Array, m: number): Float64Array => {
  const c = new Float64Array(m * m)
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k]
      if (aik === 0) continue
      const row = k * m
      const out = i * m
      for (let j = 0; j < m; j++) c[out + j] += aik * b[row + j]
    }
  }
  return c
}

/** A^p with a decimal exponent kept aside (entries are rescaled by 1e140 before they overflow). */
const power = (a: Float64Array, m: number, p: number): { matrix: Float64Array; exp10: number } => {
  if (p === 1) return { matrix: a, exp10: 0 }
  const half = power(a, m, Math.floor(p / 2))
  let matrix = multiply(half.matrix, half.matrix, m)
  let exp10 = 2 * half.exp10
  if (p % 2 === 1) matrix = multiply(a, matrix, m)
  const centre = Math.floor(m / 2)
  if (matrix[centre * m + centre] > SCALE) {
    for (let i = 0; i < matrix.length; i++) matrix[i] /= SCALE
    exp10 += SCALE_EXP
  }
  return { matrix, exp10 }
}

/** P(D_n < d) exactly, by the Durbin matrix in Marsaglia, Tsang & Wang's formulation. */
export const durbinCdf = (n: number, d: number): number => {
  const k = Math.floor(n * d) + 1
  const m = 2 * k - 1
  const h = k - n * d
  const a = new Float64Array(m * m)
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) a[i * m + j] = i - j + 1 < 0 ? 0 : 1
  for (let i = 0; i < m; i++) {
    a[i * m] -= h ** (i + 1)
    a[(m - 1) * m + i] -= h ** (m - i)
  }
  if (2 * h - 1 > 0) a[(m - 1) * m] += (2 * h - 1) ** m
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const span = i - j + 1
      if (span > 0) for (let g = 1; g <= span; g++) a[i * m + j] /= g
    }
  }
  const { matrix, exp10 } = power(a, m, n)
  let s = matrix[(k - 1) * m + (k - 1)]
  let e = exp10
  for (let i = 1; i <= n; i++) {
    s = (s * i) / n
    if (s < 1 / SCALE) {
      s *= SCALE
      e -= SCALE_EXP
    }
  }
  return clip(s * 10 ** e)
}

/**
 * P(D_n ≤ x) by the Pelz–Good asymptotic expansion K0 + K1/√n + K2/n + K3/n^{3/2} (z = x√n), each
 * term in its theta-function form for small z; accurate to O(1/n²).
 */
export const pelzGoodCdf = (n: number, x: number): number => {
  if (x <= 0) return 0
  if (x >= 1) return 1
  const z = Math.sqrt(n) * x
  const z2 = z * z
  const z4 = z2 * z2
  const z6 = z4 * z2
  const logQ = -PI2 / (8 * z2)
  if (logQ < -708) return 0
  const terms = Math.ceil((16 * z) / Math.PI)
  let k0 = 0
  let k1 = 0
  let k2 = 0
  let k3 = 0
  for (let k = 1; k <= terms; k++) {
    const m = 2 * k - 1
    const m2 = m * m
    const m4 = m2 * m2
    const m6 = m4 * m2
    const q = Math.exp(logQ * m2)
    k0 += q
    k1 += (-z2 + (PI2 / 4) * m2) * q
    k2 += (6 * z6 + 2 * z4 + ((2 * z4 - 5 * z2) * PI2 * m2) / 4 + (PI4 * (1 - 2 * z2) * m4) / 16) * q
    k3 +=
      (-30 * z6 -
        90 * z6 * z2 +
        (PI2 * (135 * z4 - 96 * z6) * m2) / 4 +
        (PI4 * (-60 * z2 + 212 * z4) * m4) / 16 +
        (PI6 * (5 - 30 * z2) * m6) / 64) *
      q
  }
  k0 *= SQRT_2PI / z
  k1 *= SQRT_2PI / (6 * z4)
  k2 *= SQRT_2PI / (72 * z6 * z)
  k3 *= SQRT_2PI / (6480 * z6 * z4)
  let extra2 = 0
  let extra3 = 0
  for (let k = 1; k <= terms; k++) {
    const q = Math.exp((-PI2 * k * k) / (2 * z2))
    extra2 += k * k * q
    extra3 += (3 * z2 - PI2 * k * k) * k * k * q
  }
  k2 += (extra2 * PI2 * SQRT_2PI) / (-36 * z2 * z)
  k3 += (extra3 * PI2 * SQRT_2PI) / (216 * z6)
  const rootN = Math.sqrt(n)
  return clip(k0 + k1 / rootN + k2 / n + k3 / (n * rootN))
}

/**
 * P(D_n ≥ d): the p-value of a two-sided Kolmogorov–Smirnov statistic `d` at sample size `n` (an
 * integer ≥ 1), as scipy's `kstwo.sf(d, n)`. NaN for an unusable `n` or `d`.
 */
export const kolmogorovSurvival = (n: number, d: number): number => {
  if (!Number.isInteger(n) || n < 1 || Number.isNaN(d)) return Number.NaN
  if (d >= 1) return 0
  if (d <= 0) return 1
  const t = n * d
  if (t <= 0.5) return 1
  if (t <= 1) {
    // Ruben & Gambino: P(D_n < d) = n!/n^n · (2t − 1)^n for 1/2n ≤ d ≤ 1/n.
    return clip(1 - Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1)))
  }
  if (t >= n - 1) return clip(2 * (1 - d) ** n)
  if (d >= 0.5) return clip(2 * smirnovSurvival(n, d))
  const nd2 = t * d
  if (n <= 140) {
    // The Durbin matrix has side 2⌊nd⌋+1 ≤ 2√(4n)+1 here: small.
    if (nd2 <= 4) return clip(1 - durbinCdf(n, d))
    return clip(2 * smirnovSurvival(n, d))
  }
  if (nd2 >= 370) return 0
  if (n > 100_000) {
    // The one-sided sum would take n terms; Pelz–Good is accurate to O(1/n²) at this size.
    if (nd2 >= 18) return clip(2 * Math.exp(-2 * nd2))
    return clip(1 - pelzGoodCdf(n, d))
  }
  if (nd2 >= 2.2) return clip(2 * smirnovSurvival(n, d))
  if (n * d ** 1.5 <= 1.4) return clip(1 - durbinCdf(n, d))
  return clip(1 - pelzGoodCdf(n, d))
}
