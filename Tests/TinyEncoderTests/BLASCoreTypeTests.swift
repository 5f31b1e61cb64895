import Layers
import Testing

struct BLASCoreTypeTests {
    @Test func recommendsFromTheCPUFlags() {
        let avx512 =
            "processor\t: 0\nflags\t\t: fpu vme sse sse2 avx avx2 avx512f avx512dq\n\nprocessor\t: 1\nflags\t\t: fpu avx512f\n"
        let avx2 = "flags\t\t: fpu sse sse2 avx avx2 fma\n"
        let old = "flags\t\t: fpu sse sse2 sse3\n"
        #expect(BLASInfo.recommendedCoreType(cpuinfo: avx512) == "SkylakeX")
        #expect(BLASInfo.recommendedCoreType(cpuinfo: avx2) == "Haswell")
        #expect(BLASInfo.recommendedCoreType(cpuinfo: old) == nil)
        #expect(BLASInfo.recommendedCoreType(cpuinfo: "") == nil)
        // "avx2" inside another flag's name does not count.
        #expect(BLASInfo.recommendedCoreType(cpuinfo: "flags\t: avx2x notavx512f\n") == nil)
    }

    @Test func onlyGenericKernelsAreSlow() {
        #expect(BLASInfo.isSlowKernel(coreName: "Prescott", recommended: "SkylakeX"))
        #expect(BLASInfo.isSlowKernel(coreName: "Sandybridge", recommended: "Haswell"))
        #expect(!BLASInfo.isSlowKernel(coreName: "Cooperlake", recommended: "SkylakeX"))
        #expect(!BLASInfo.isSlowKernel(coreName: "Zen", recommended: "Haswell"))
        #expect(!BLASInfo.isSlowKernel(coreName: "SkylakeX", recommended: "SkylakeX"))
        #expect(!BLASInfo.isSlowKernel(coreName: "Prescott", recommended: nil))
    }
}
