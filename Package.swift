// swift-tools-version:6.0
// Ponder: a tool-using agent runtime with its own local inference engine.
// Targets and their one-directional dependencies are described in DESIGN.md.
import PackageDescription

let package = Package(
    name: "Ponder",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Inference", targets: ["Inference"]),
        .executable(name: "ponder", targets: ["ponder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "Inference"),
        .executableTarget(
            name: "ponder",
            dependencies: [
                "Inference",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "InferenceTests",
            dependencies: ["Inference"],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
