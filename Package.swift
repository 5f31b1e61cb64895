// swift-tools-version:6.0
import PackageDescription

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
        .target(name: "Layers", dependencies: ["COpenBLAS"]),
        // Checkpoints, safetensors, tokenizer, pooling, training.
        .target(name: "Model", dependencies: ["Layers"]),
        // The command: a thin layer of argument parsing and I/O over Model.
        .executableTarget(name: "tiny-encoder", dependencies: ["Model"]),
        .testTarget(name: "LayersTests", dependencies: ["Layers", "Model"]),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "TinyEncoderTests", dependencies: ["Model"]),
    ],
    swiftLanguageModes: [.v6]
)
