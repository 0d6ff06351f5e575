// swift-tools-version:6.0
// Ponder: a tool-using agent runtime with its own local inference engine.
// Targets and their one-directional dependencies are described in DESIGN.md.
import PackageDescription

let package = Package(
    name: "Ponder",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Inference", targets: ["Inference"]),
        .library(name: "AgentTools", targets: ["AgentTools"]),
        .library(name: "Agent", targets: ["Agent"]),
        .library(name: "InferenceAdapter", targets: ["InferenceAdapter"]),
        .executable(name: "ponder", targets: ["ponder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Exact integers of any size, for the calculator's rational arithmetic.
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
    ],
    targets: [
        // Hot loops in C: quantized dot products, dequantization.
        .target(name: "CKernels"),
        .target(name: "Inference", dependencies: ["CKernels"]),
        // libcurl, with typed wrappers for its variadic calls (the web fetcher's transport).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Debian's CPython, embedded by the Python tool's worker process.
        .systemLibrary(name: "CPython", pkgConfig: "python3-embed", providers: [.apt(["libpython3-dev"])]),
        // Tools the agent calls: the `Tool` protocol, the exact calculator, the web fetcher,
        // the Python runner.
        .target(name: "AgentTools", dependencies: ["CCurl", "CPython", .product(name: "BigInt", package: "BigInt")]),
        // The planner: the `LanguageModel` protocol, tool-call markers, prompts, the loop.
        .target(name: "Agent", dependencies: ["AgentTools"]),
        // The local engine as an `Agent.LanguageModel`.
        .target(name: "InferenceAdapter", dependencies: ["Inference", "Agent"]),
        // The Game of 24 as a deliberation task (rules, checker; prompts in its folder):
        // an example of a task written against the library, built into `ponder ask`.
        .target(name: "Game24", dependencies: ["Agent", "AgentTools"], path: "examples/Game24", exclude: ["prompts"]),
        .executableTarget(
            name: "ponder",
            dependencies: [
                "Inference",
                "AgentTools",
                "Agent",
                "InferenceAdapter",
                "Game24",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Runnable examples of the library API, compiled with everything else.
        .executableTarget(name: "example-tokenize", dependencies: ["Inference"], path: "examples/Tokenize"),
        .executableTarget(name: "example-generate", dependencies: ["Inference"], path: "examples/Generate"),
        .executableTarget(
            name: "example-agent", dependencies: ["Inference", "InferenceAdapter", "Agent", "AgentTools"], path: "examples/Agent"),
        .testTarget(
            name: "InferenceTests",
            dependencies: ["Inference", "CKernels"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "AgentToolsTests",
            dependencies: ["AgentTools", .product(name: "BigInt", package: "BigInt")],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "AgentTests", dependencies: ["Agent", "AgentTools", "InferenceAdapter", "Inference", "Game24"]),
        // zlib, for the Python tests' PNG decoder.
        .systemLibrary(name: "CZlib", path: "Tests/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The Python tool against the built `ponder` binary, which its worker re-executes.
        .testTarget(name: "PythonToolTests", dependencies: ["AgentTools", "CZlib", "ponder"]),
        // Runs the built `ponder` and example binaries as a user would.
        .testTarget(name: "PonderCLITests", dependencies: ["ponder", "example-tokenize", "example-generate", "example-agent"]),
    ],
    swiftLanguageModes: [.v6]
)
