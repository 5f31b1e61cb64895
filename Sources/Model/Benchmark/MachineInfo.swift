import Foundation
import Layers

/// What a benchmark ran on, so figures from different machines and builds are never confused.
public struct MachineInfo: Codable, Sendable, Equatable {
    /// `model name` from /proc/cpuinfo (`AMD EPYC`, …), or `unknown`.
    public var cpuModel: String
    /// Logical CPUs this process may use.
    public var logicalCPUs: Int
    /// Physical memory in GiB.
    public var memoryGiB: Double
    /// `uname -srm`.
    public var system: String
    /// The OpenBLAS kernel family in use.
    public var openBLASCore: String
    /// OpenBLAS threads per call.
    public var openBLASThreads: Int
    /// `openblas_get_config()`: version and build options, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH …`.
    public var openBLASConfig: String
    /// The `OPENBLAS_CORETYPE` environment variable, when set.
    public var openBLASCoreTypeVariable: String?
    /// The Swift compiler that built this code.
    public var swiftCompiler: String

    /// Describes the machine this process runs on.
    public static func current() -> MachineInfo {
        MachineInfo(
            cpuModel: cpuModelName(), logicalCPUs: ProcessInfo.processInfo.activeProcessorCount,
            memoryGiB: (Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30) * 10).rounded() / 10,
            system: unameDescription(), openBLASCore: BLASInfo.coreName, openBLASThreads: BLASInfo.threads,
            openBLASConfig: openBLASConfigString(),
            openBLASCoreTypeVariable: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
            swiftCompiler: swiftCompilerVersion)
    }
}

private func cpuModelName() -> String {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
    for line in info.split(separator: "\n") where line.hasPrefix("model name") {
        if let colon = line.firstIndex(of: ":") {
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
    }
    return "unknown"
}

private func unameDescription() -> String {
    var u = utsname()
    guard uname(&u) == 0 else { return "unknown" }
    func field<T>(_ value: T) -> String {
        withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
    return "\(field(u.sysname)) \(field(u.release)) \(field(u.machine))"
}

/// Looks `openblas_get_config` up at run time, as the `Layers` shim does not export it.
private func openBLASConfigString() -> String {
    guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "openblas_get_config") else {
        return "unknown"
    }
    typealias GetConfig = @convention(c) () -> UnsafePointer<CChar>?
    guard let config = unsafeBitCast(symbol, to: GetConfig.self)() else { return "unknown" }
    return String(cString: config).trimmingCharacters(in: .whitespaces)
}

private let swiftCompilerVersion: String = {
    #if compiler(>=6.4)
        return "6.4 or later"
    #elseif compiler(>=6.3)
        return "6.3"
    #elseif compiler(>=6.2)
        return "6.2"
    #elseif compiler(>=6.1)
        return "6.1"
    #else
        return "6.0"
    #endif
}()
