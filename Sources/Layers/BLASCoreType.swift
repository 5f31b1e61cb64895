import Foundation

/// Choosing OpenBLAS's kernels for this CPU.
///
/// Debian's OpenBLAS 0.3.21 does not recognise recent CPUs and falls back to its generic SSE3
/// "Prescott" kernels, about 4.7× slower for sgemm than the AVX-512 ones. OpenBLAS reads
/// `OPENBLAS_CORETYPE` once, when the library loads, so a program that wants fast kernels must
/// set the variable before it starts (or set it and re-exec itself, as `tiny-encoder` does).
extension BLASInfo {
    /// Kernel families that use AVX2 or AVX-512: nothing faster is to be had by choosing.
    public static let fastCoreNames: Set<String> = ["Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"]

    /// The `OPENBLAS_CORETYPE` that suits a CPU whose `/proc/cpuinfo` is `cpuinfo`:
    /// `"SkylakeX"` with avx512f, `"Haswell"` with avx2, nil otherwise (OpenBLAS's own choice stands).
    public static func recommendedCoreType(cpuinfo: String) -> String? {
        var flags = Set<Substring>()
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            flags.formUnion(line[line.index(after: colon)...].split(separator: " "))
        }
        if flags.contains("avx512f") { return "SkylakeX" }
        if flags.contains("avx2") { return "Haswell" }
        return nil
    }

    /// `recommendedCoreType(cpuinfo:)` for this machine (nil where there is no `/proc/cpuinfo`).
    public static func recommendedCoreType() -> String? {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        return recommendedCoreType(cpuinfo: cpuinfo)
    }

    /// Whether OpenBLAS running `coreName` is slower than it could be on a CPU for which
    /// `recommended` is the better kernel family.
    public static func isSlowKernel(coreName: String, recommended: String?) -> Bool {
        guard let recommended, recommended != coreName else { return false }
        return !fastCoreNames.contains(coreName)
    }

    /// A one-line explanation when OpenBLAS runs generic kernels on a CPU that has faster ones,
    /// with the fix; nil when all is well.
    public static var slowKernelWarning: String? {
        let core = coreName
        let recommended = recommendedCoreType()
        guard isSlowKernel(coreName: core, recommended: recommended), let recommended else { return nil }
        return
            "OpenBLAS is using its generic \(core) kernels on a CPU that supports \(recommended) ones (several times faster); set OPENBLAS_CORETYPE=\(recommended)"
    }
}
