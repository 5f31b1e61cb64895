import Testing

@testable import Model

/// The hand-written F16/BF16 conversions, checked exhaustively and against the platform's `Float16`.
@Suite("SafeTensors half precision")
struct SafeTensorsHalfPrecisionTests {
    @Test func everyF16WidensAndNarrowsBackToItself() {
        for bits in 0...UInt16.max {
            let value = HalfPrecision.float(fromF16: bits)
            if value.isNaN {
                #expect(
                    HalfPrecision.f16Bits(from: value) & 0x7C00 == 0x7C00
                        && HalfPrecision.f16Bits(from: value) & 0x3FF != 0)
            } else {
                #expect(HalfPrecision.f16Bits(from: value) == bits, "0x\(String(bits, radix: 16))")
            }
        }
    }

    @Test func everyBF16WidensAndNarrowsBackToItself() {
        for bits in 0...UInt16.max {
            let value = HalfPrecision.float(fromBF16: bits)
            #expect(value.isNaN || HalfPrecision.bf16Bits(from: value) == bits, "0x\(String(bits, radix: 16))")
        }
    }

    @Test func roundingEdgeCases() {
        #expect(HalfPrecision.f16Bits(from: 65504) == 0x7BFF)
        #expect(HalfPrecision.f16Bits(from: 65519.996) == 0x7BFF)
        #expect(HalfPrecision.f16Bits(from: 65520) == 0x7C00)  // the tie goes up, to infinity
        #expect(HalfPrecision.f16Bits(from: -1e9) == 0xFC00)
        #expect(HalfPrecision.f16Bits(from: 0x1p-25) == 0)  // tie between 0 and the smallest subnormal
        #expect(HalfPrecision.f16Bits(from: 0x1.000002p-25) == 1)
        #expect(HalfPrecision.f16Bits(from: 0x1.8p-24) == 2)  // tie between 1 and 2 units: even
        #expect(HalfPrecision.f16Bits(from: 1 + 0x1p-11) == 0x3C00)  // tie: even
        #expect(HalfPrecision.f16Bits(from: 1 + 0x1.8p-10) == 0x3C02)  // tie: even (up)
        #expect(HalfPrecision.f16Bits(from: 0x1.ffcp-15) == 0x0400)  // rounds up into the smallest normal
        #expect(HalfPrecision.f16Bits(from: -0.0) == 0x8000)
        #expect(HalfPrecision.bf16Bits(from: 1 + 0x1p-8) == 0x3F80)  // tie: even
        #expect(HalfPrecision.bf16Bits(from: 1 + 0x1.8p-7) == 0x3F82)
        #expect(HalfPrecision.bf16Bits(from: .greatestFiniteMagnitude) == 0x7F80)
        #expect(HalfPrecision.bf16Bits(from: .nan) & 0x7FC0 == 0x7FC0)
    }

    #if !(os(macOS) && arch(x86_64))
        /// Swift's own `Float16(Float)` rounds to nearest even: ours must agree on random floats of every magnitude.
        @Test func agreesWithTheStandardLibrary() {
            var rng = SplitMix64(seed: 16)
            for _ in 0..<200_000 {
                let value = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
                guard !value.isNaN else { continue }
                #expect(HalfPrecision.f16Bits(from: value) == Float16(value).bitPattern, "\(value)")
            }
            for bits in 0...UInt16.max {
                let half = Float16(bitPattern: bits)
                guard !half.isNaN else { continue }
                #expect(HalfPrecision.float(fromF16: bits).bitPattern == Float(half).bitPattern)
            }
        }
    #endif
}
