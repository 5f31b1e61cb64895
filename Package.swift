// swift-tools-version:6.0
import Foundation
import PackageDescription

// The SIMD kernels (softmax, GELU, layer norm, attention) are written with SIMD16<Float>; without a
// CPU target the compiler emits 4-wide SSE2 for them. By default the package is compiled for the
// machine that builds it (`-target-cpu native`: AVX2 or AVX-512 where present). For a binary that
// must run on other x86-64 machines, set TINY_ENCODER_TARGET_CPU (e.g. `x86-64`, `haswell`).
let targetCPU = ProcessInfo.processInfo.environment["TINY_ENCODER_TARGET_CPU"] ?? "native"
#if arch(x86_64)
    let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", targetCPU])]
#else
    let kernelSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "TinyEncoder",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Layers", targets: ["Layers"]),
        .library(name: "Model", targets: ["Model"]),
        .executable(name: "tiny-encoder", targets: ["tiny-encoder"]),
    ],
    targets: [
        // A system-library shim over OpenBLAS's cblas.h (Debian: libopenblas-dev).
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Tensors and the encoder layers: Linear, attention, LayerNorm, blocks.
        .target(name: "Layers", dependencies: ["COpenBLAS"], swiftSettings: kernelSettings),
        // Checkpoints, safetensors, tokenizer, pooling, training.
        .target(name: "Model", dependencies: ["Layers"], swiftSettings: kernelSettings),
        // The command: a thin layer of argument parsing and I/O over Model.
        .executableTarget(name: "tiny-encoder", dependencies: ["Model"]),
        // The README's "build your own encoder" example, compiled so it cannot go stale.
        .executableTarget(name: "encoder-example", dependencies: ["Layers"], path: "Examples/BuildYourOwnEncoder"),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "Model"]),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "TinyEncoderTests", dependencies: ["Model", "Layers"]),
        // libFuzzer targets, one per parser (scripts/fuzz.sh builds them with -sanitize=fuzzer,address;
        // in a normal build each is a do-nothing executable).
        .executableTarget(name: "fuzz-safetensors", dependencies: ["Model"], path: "Fuzz/SafeTensors"),
        .executableTarget(name: "fuzz-config", dependencies: ["Model"], path: "Fuzz/Config"),
        .executableTarget(name: "fuzz-vocabulary", dependencies: ["Model"], path: "Fuzz/Vocabulary"),
        .executableTarget(name: "fuzz-tokenizer", dependencies: ["Model"], path: "Fuzz/Tokenizer"),
        .executableTarget(name: "fuzz-input", dependencies: ["Model"], path: "Fuzz/Input"),
    ],
    swiftLanguageModes: [.v6]
)
