/// Bit-exact conversions between `Float` and the 16-bit float formats of safetensors files.
///
/// Written out by hand (rather than with `Float16`) so they behave the same on every platform;
/// narrowing rounds to nearest, ties to even, as PyTorch and NumPy do, so files written here
/// match theirs byte for byte.
///
///     F16  (IEEE 754 binary16): 1 sign, 5 exponent (bias 15), 10 mantissa bits
///     BF16 (bfloat16):          1 sign, 8 exponent (bias 127), 7 mantissa bits — the top half of a Float
enum HalfPrecision {
    /// The `Float` equal to an F16 bit pattern (exact: every F16 is a Float).
    static func float(fromF16 h: UInt16) -> Float {
        let sign: UInt32 = UInt32(h & 0x8000) << 16
        let exponent = UInt32(h >> 10) & 0x1F
        let mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa × 2⁻²⁴, exact in Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            // Infinity or NaN (payload kept).
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// The F16 bit pattern nearest to `value` (ties to even); beyond ±65504 rounds to ±infinity.
    static func f16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let magnitude = bits & 0x7FFF_FFFF
        if magnitude >= 0x7F80_0000 {
            // Infinity, or NaN made quiet with the top of its payload.
            return magnitude == 0x7F80_0000 ? sign | 0x7C00 : sign | 0x7E00 | UInt16((magnitude >> 13) & 0x3FF)
        }
        if magnitude >= 0x477F_F000 { return sign | 0x7C00 }  // ≥ 65520: halfway to 2¹⁶ rounds up to infinity
        if magnitude < 0x3880_0000 {
            // Below 2⁻¹⁴, the smallest normal F16: a subnormal count of 2⁻²⁴ units.
            if magnitude <= 0x3300_0000 { return sign }  // ≤ 2⁻²⁵ rounds to zero (the tie goes to even 0)
            let exponent = Int(magnitude >> 23)  // 102…112
            let significand = (magnitude & 0x7F_FFFF) | 0x80_0000  // value = significand × 2^(exponent−150)
            let shift = UInt32(126 - exponent)  // units of 2⁻²⁴: significand >> shift, 14…24
            var units = significand >> shift
            let remainder = significand & ((1 << shift) - 1)
            let half: UInt32 = 1 << (shift - 1)
            if remainder > half || (remainder == half && units & 1 == 1) { units += 1 }
            return sign | UInt16(units)  // may round up to 0x400, the smallest normal: still correct
        }
        // Normal: rebias the exponent (127 → 15) and round away 13 mantissa bits.
        var h = ((magnitude >> 23) - 112) << 10 | (magnitude >> 13) & 0x3FF
        let remainder = magnitude & 0x1FFF
        if remainder > 0x1000 || (remainder == 0x1000 && h & 1 == 1) { h += 1 }  // a carry moves into the exponent
        return sign | UInt16(h)
    }

    /// The `Float` equal to a BF16 bit pattern (exact).
    static func float(fromBF16 b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }

    /// The BF16 bit pattern nearest to `value` (ties to even); NaN stays NaN (made quiet).
    static func bf16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let lowestKeptBit = (bits >> 16) & 1
        return UInt16((bits &+ 0x7FFF &+ lowestKeptBit) >> 16)
    }
}
