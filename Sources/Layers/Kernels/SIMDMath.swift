/// Vectorised elementary functions on `SIMD16<Float>`, accurate to a few float32 ulps, for the
/// hot loops (softmax, GELU). Swift's scalar `expf`/`erf` do not vectorise.
public typealias Float16x = SIMD16<Float>

/// eˣ, Cephes-style: x = n·ln2 + r with |r| ≤ ln2/2, eʳ by a degree-6 polynomial, 2ⁿ by exponent bits.
/// Below −87.3 the result is 0; above 88.7 it saturates at e^88.7.
@inlinable @inline(__always)
public func simdExp(_ x: Float16x) -> Float16x {
    var v = x.replacing(with: 88.72283, where: x .> 88.72283)
    let tooSmall = v .< -87.33654
    v = v.replacing(with: -87.33654, where: tooSmall)
    // n = round(v / ln2), through the 1.5·2²³ trick (rounds to nearest even).
    let magic: Float16x = Float16x(repeating: 12_582_912)
    let t = v * 1.442_695_04 + magic
    let n = t - magic
    var r = v - n * 0.693_359_375
    r = r - n * -2.121_944_4e-4
    var p: Float16x = Float16x(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_950_7e-3
    p = p * r + 8.333_451_907_3e-3
    p = p * r + 4.166_579_589_4e-2
    p = p * r + 1.666_666_545_9e-1
    p = p * r + 5.000_000_120_1e-1
    let r2: Float16x = r * r
    let er: Float16x = p * r2 + r + 1
    // 2ⁿ: the low bits of t hold n (two's complement); add the exponent bias and shift.
    let nBits = unsafeBitCast(t, to: SIMD16<Int32>.self) &- unsafeBitCast(magic, to: SIMD16<Int32>.self)
    let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: Float16x.self)
    return (er * scale).replacing(with: 0, where: tooSmall)
}

/// erf(x), Abramowitz & Stegun 7.1.26 refined: |error| < 1.5e-7.
@inlinable @inline(__always)
public func simdErf(_ x: Float16x) -> Float16x {
    let negative = x .< 0
    let a = x.replacing(with: -x, where: negative)
    let t = 1 / (a * 0.327_591_1 + 1)
    var p: Float16x = Float16x(repeating: 1.061_405_429)
    p = p * t - 1.453_152_027
    p = p * t + 1.421_413_741
    p = p * t - 0.284_496_736
    p = p * t + 0.254_829_592
    let e: Float16x = simdExp(-(a * a))
    let y: Float16x = 1 - p * t * e
    return y.replacing(with: -y, where: negative)
}

/// tanh(x) = 1 − 2/(e^{2x} + 1), odd-symmetric, with a Taylor step near zero for accuracy.
@inlinable @inline(__always)
public func simdTanh(_ x: Float16x) -> Float16x {
    let negative = x .< 0
    let a = x.replacing(with: -x, where: negative)
    let e2: Float16x = simdExp(a * 2) + 1
    var y: Float16x = 1 - 2 / e2
    let a2: Float16x = a * a
    var poly: Float16x = a2 * (-17.0 / 315 as Float)
    poly = (poly + (2.0 / 15 as Float)) * a2
    poly = (poly - (1.0 / 3 as Float)) * a2
    let small: Float16x = a * (poly + 1)
    y = y.replacing(with: small, where: a .< 0.0625)
    return y.replacing(with: -y, where: negative)
}

/// Loads up to 16 floats from `p`, padding with `fill`.
@inlinable @inline(__always)
public func simdLoad(_ p: UnsafePointer<Float>, count: Int, fill: Float = 0) -> Float16x {
    if count >= 16 { return UnsafeRawPointer(p).loadUnaligned(as: Float16x.self) }
    var v = Float16x(repeating: fill)
    for i in 0..<count { v[i] = p[i] }
    return v
}

/// Stores the first `count` (≤ 16) lanes of `v` at `p`.
@inlinable @inline(__always)
public func simdStore(_ v: Float16x, _ p: UnsafeMutablePointer<Float>, count: Int) {
    if count >= 16 {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float16x.self)
        return
    }
    for i in 0..<count { p[i] = v[i] }
}
