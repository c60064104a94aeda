// Licensed to the Apache Software Foundation (ASF) under the Apache License, Version 2.0.
// Steps and table from Apache DataSketches (datasketches-cpp hll/include/HarmonicNumbers-internal.hpp).

const EXACT_HARMONIC_NUMBERS = [
  0.0,
  1.0,
  1.5,
  11.0 / 6.0,
  25.0 / 12.0,
  137.0 / 60.0,
  49.0 / 20.0,
  363.0 / 140.0,
  761.0 / 280.0,
  7129.0 / 2520.0,
  7381.0 / 2520.0,
  83711.0 / 27720.0,
  86021.0 / 27720.0,
  1145993.0 / 360360.0,
  1171733.0 / 360360.0,
  1195757.0 / 360360.0,
  2436559.0 / 720720.0,
  42142223.0 / 12252240.0,
  14274301.0 / 4084080.0,
  275295799.0 / 77597520.0,
  55835135.0 / 15519504.0,
  18858053.0 / 5173168.0,
  19093197.0 / 5173168.0,
  444316699.0 / 118982864.0,
  1347822955.0 / 356948592.0,
]

const EULER_MASCHERONI_CONSTANT = 0.5772156649015329

/** The n-th harmonic number: exact below 25, else the asymptotic series (terms up to n^-8). */
const harmonicNumber = (n: number): number => {
  if (n < EXACT_HARMONIC_NUMBERS.length) return EXACT_HARMONIC_NUMBERS[n]!
  const invSq = 1.0 / (n * n)
  let sum = Math.log(n) + EULER_MASCHERONI_CONSTANT + 1.0 / (2.0 * n)
  let pow = invSq
  sum -= pow * (1.0 / 12.0)
  pow *= invSq
  sum += pow * (1.0 / 120.0)
  pow *= invSq
  sum -= pow * (1.0 / 252.0)
  pow *= invSq
  sum += pow * (1.0 / 240.0)
  return sum
}

/**
 * Improved linear-counting estimate for a bit vector of `bitVectorLength` bits with `numBitsSet` set:
 * the expected number of coupons a coupon collector needs to fill that many (Wikipedia: coupon collector).
 */
export const getBitMapEstimate = (bitVectorLength: number, numBitsSet: number): number =>
  bitVectorLength * (harmonicNumber(bitVectorLength) - harmonicNumber(bitVectorLength - numBitsSet))
