// Licensed to the Apache Software Foundation (ASF) under the Apache License, Version 2.0.
// Steps and tables from Apache DataSketches (datasketches-cpp hll/include/CubicInterpolation-internal.hpp).

// Literals are the shortest forms of the same doubles as the reference's. Computed for coupon lgK 26 only; x = distinct coupons seen, y = expected distinct items behind them.
const COUPON_X = [
  0.0, 1.0, 20.0, 400.0, 8000.0, 160000.0, 300000.0, 600000.0, 900000.0, 1200000.0, 1500000.0, 1800000.0,
  2100000.0, 2400000.0, 2700000.0, 3000000.0, 3300000.0, 3600000.0, 3900000.0, 4200000.0, 4500000.0,
  4800000.0, 5100000.0, 5400000.0, 5700000.0, 6000000.0, 6300000.0, 6600000.0, 6900000.0, 7200000.0,
  7500000.0, 7800000.0, 8100000.0, 8400000.0, 8700000.0, 9000000.0, 9300000.0, 9600000.0, 9900000.0,
  10200000.0,
]
const COUPON_Y = [
  0.0, 1.0, 20.00000094374026, 400.0003963713384, 8000.158929460209, 160063.60677637596, 300223.70715976635,
  600895.593385617, 902016.8065120955, 1203588.498319951, 1505611.8245524743, 1808087.9449319066,
  2111018.0231759353, 2414403.22701425, 2718244.728205189, 3022543.702552454, 3327301.329921909,
  3632518.794258454, 3938197.283602969, 4244337.990109356, 4550942.110061649, 4858010.843891189,
  5165545.396193897, 5473546.975747645, 5782016.7955296505, 6090956.072734016, 6400366.028789296,
  6710247.889376201, 7020602.884445314, 7331432.248234972, 7642737.219289148, 7954519.0404754765,
  8266778.959003342, 8579518.226442046, 8892738.098739047, 9206439.836238328, 9520624.703698829,
  9835293.97031292, 10150448.909725029, 10466090.800050326,
]

/** Lagrange cubic through four points, with the reference's order of floating-point operations. */
const cubicInterpolate = (
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  x3: number,
  y3: number,
  x: number,
): number => {
  const l0Numer = (x - x1) * (x - x2) * (x - x3)
  const l1Numer = (x - x0) * (x - x2) * (x - x3)
  const l2Numer = (x - x0) * (x - x1) * (x - x3)
  const l3Numer = (x - x0) * (x - x1) * (x - x2)
  const l0Denom = (x0 - x1) * (x0 - x2) * (x0 - x3)
  const l1Denom = (x1 - x0) * (x1 - x2) * (x1 - x3)
  const l2Denom = (x2 - x0) * (x2 - x1) * (x2 - x3)
  const l3Denom = (x3 - x0) * (x3 - x1) * (x3 - x2)
  const term0 = (y0 * l0Numer) / l0Denom
  const term1 = (y1 * l1Numer) / l1Denom
  const term2 = (y2 * l2Numer) / l2Denom
  const term3 = (y3 * l3Numer) / l3Denom
  return term0 + term1 + term2 + term3
}

/** j such that xArr[j] <= x < xArr[j + 1] (binary search; x within the table). */
const findStraddle = (xArr: ArrayLike<number>, len: number, x: number): number => {
  let l = 0
  let r = len - 1
  while (l + 1 < r) {
    const m = l + ((r - l) >> 1)
    if (xArr[m]! <= x) l = m
    else r = m
  }
  return l
}

/** The expected number of distinct items behind `x` distinct coupons (LIST and SET estimates). */
export const couponEstimate = (x: number): number => {
  const len = COUPON_X.length
  if (x < COUPON_X[0]! || x > COUPON_X[len - 1]!) throw new RangeError(`x value out of range: ${x}`)
  if (x === COUPON_X[len - 1]) return COUPON_Y[len - 1]!
  const offset = findStraddle(COUPON_X, len, x)
  // the four points straddle x except at the ends of the table
  const start = offset === 0 ? 0 : offset === len - 2 ? offset - 2 : offset - 1
  return cubicInterpolate(
    COUPON_X[start]!,
    COUPON_Y[start]!,
    COUPON_X[start + 1]!,
    COUPON_Y[start + 1]!,
    COUPON_X[start + 2]!,
    COUPON_Y[start + 2]!,
    COUPON_X[start + 3]!,
    COUPON_Y[start + 3]!,
    x,
  )
}

/**
 * Interpolates y for `x` from an x table whose y values are `yStride × index` (the composite
 * estimator's bias correction). `x` must lie within the table.
 */
export const interpolateWithYStride = (xArr: Float64Array, yStride: number, x: number): number => {
  const len = xArr.length
  const lenM1 = len - 1
  if (x === xArr[lenM1]) return yStride * lenM1
  const offset = findStraddle(xArr, len, x)
  const start = offset === 0 ? 0 : offset === len - 2 ? offset - 2 : offset - 1
  return cubicInterpolate(
    xArr[start]!,
    yStride * start,
    xArr[start + 1]!,
    yStride * (start + 1),
    xArr[start + 2]!,
    yStride * (start + 2),
    xArr[start + 3]!,
    yStride * (start + 3),
    x,
  )
}
