import Foundation
import Layers

/// Debian's OpenBLAS picks its slow generic kernels on CPUs it does not recognise, and reads
/// `OPENBLAS_CORETYPE` only when it loads. So when the variable is unset, the kernels are
/// generic, and /proc/cpuinfo shows AVX2 or AVX-512, set the variable and start this same
/// program again (`execv("/proc/self/exe", argv)`). A value the user set is kept;
/// `TINY_ENCODER_NO_REEXEC=1` turns this off. If exec fails, the run goes on with slow kernels.
func reexecWithFastKernelsIfNeeded() {
    let environment = ProcessInfo.processInfo.environment
    guard environment["OPENBLAS_CORETYPE"] == nil, environment["TINY_ENCODER_NO_REEXEC"] != "1" else { return }
    guard let recommended = BLASInfo.recommendedCoreType(),
        BLASInfo.isSlowKernel(coreName: BLASInfo.coreName, recommended: recommended)
    else { return }
    setenv("OPENBLAS_CORETYPE", recommended, 1)
    execv("/proc/self/exe", CommandLine.unsafeArgv)
    unsetenv("OPENBLAS_CORETYPE")  // exec failed: leave the environment as it was.
}
