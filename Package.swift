// swift-tools-version:6.1
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
        .library(name: "DeliberationTasks", targets: ["DeliberationTasks"]),
        .library(name: "OpenAIAPI", targets: ["OpenAIAPI"]),
        .library(name: "RemoteModel", targets: ["RemoteModel"]),
        .library(name: "APIServer", targets: ["APIServer"]),
        .library(name: "Training", targets: ["Training"]),
        .executable(name: "ponder", targets: ["ponder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Exact integers of any size, for the calculator's rational arithmetic.
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
        // `ponder serve`'s HTTP server (no optional traits: no swift-configuration).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // The remote backend's HTTP client.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // HTTP field types and their NIO channel handlers: the server's request guard and
        // connection limits work at that level (both already come with Hummingbird).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        // The Model Context Protocol: `ponder mcp` (server) and MCP servers' tools (client).
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // SHA-256, to check the shipped adapter against its manifest (already resolved for async-http-client).
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
    ],
    targets: [
        // Hot loops in C: quantized dot products, dequantization.
        .target(name: "CKernels"),
        .target(name: "Inference", dependencies: ["CKernels"]),
        // LoRA fine-tuning on the engine: forward and backward passes over frozen
        // quantized weights, the training loop, adapter writing.
        .target(name: "Training", dependencies: ["Inference", "CKernels"]),
        // libcurl, with typed wrappers for its variadic calls (the web fetcher's transport).
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // Debian's CPython, embedded by the Python tool's worker process.
        .systemLibrary(name: "CPython", pkgConfig: "python3-embed", providers: [.apt(["libpython3-dev"])]),
        // The system calls of the Python tool's sandbox that Swift cannot make (clone with
        // namespace flags, pivot_root, prctl, capset).
        .target(name: "CSandbox"),
        // Tools the agent calls: the `Tool` protocol, the exact calculator, the web fetcher,
        // the Python runner.
        .target(name: "AgentTools", dependencies: ["CCurl", "CPython", "CSandbox", .product(name: "BigInt", package: "BigInt")]),
        // The planner: the `LanguageModel` protocol, tool-call markers, prompts, the loop.
        .target(name: "Agent", dependencies: ["AgentTools"]),
        // The local engine as an `Agent.LanguageModel`.
        .target(name: "InferenceAdapter", dependencies: ["Inference", "Agent"]),
        // Deliberation tasks with their own rules, written against Agent's
        // `DeliberationTask`: the Game of 24 (rules, exact checker; prompts in prompts/game24).
        .target(name: "DeliberationTasks", dependencies: ["Agent", "AgentTools"]),
        // The OpenAI wire format (requests, responses, stream chunks, errors), shared by
        // the server and the remote backend.
        .target(name: "OpenAIAPI"),
        // A remote OpenAI-compatible server as an `Agent.LanguageModel`.
        .target(
            name: "RemoteModel",
            dependencies: [
                "Agent", "OpenAIAPI", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // `ponder serve`: the engine and the planner behind an OpenAI-compatible HTTP API.
        .target(
            name: "APIServer",
            dependencies: [
                "Inference", "InferenceAdapter", "Agent", "AgentTools", "OpenAIAPI",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]),
        // The Model Context Protocol both ways: Ponder's tools and agent as an MCP server
        // (`ponder mcp`), and other MCP servers' tools in the agent's toolbox.
        .target(
            name: "MCPBridge",
            dependencies: [
                "Agent", "AgentTools", "APIServer", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // Self-improvement: the curriculum of problems with known answers (then verified
        // trace collection and rounds of collect → train → evaluate).
        .target(
            name: "Distillation",
            dependencies: [
                "Inference", "Agent", "AgentTools", "InferenceAdapter", "Training", "DeliberationTasks",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "ponder",
            dependencies: [
                "MCPBridge",
                "Distillation",
                "Inference",
                "AgentTools",
                "Agent",
                "InferenceAdapter",
                "DeliberationTasks",
                "OpenAIAPI",
                "RemoteModel",
                "APIServer",
                "Training",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // A developer's benchmark, kept out of the user's binary: the Python tool's
        // latencies, kernel sandbox and process isolation side by side (docs/PERFORMANCE.md).
        .executableTarget(
            name: "ponder-bench-python", dependencies: ["AgentTools", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "tools/ponder-bench-python"),
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
        // Gradient checks of every training op, the whole model, and the engine's logits.
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Inference", "CKernels"]),
        .testTarget(name: "DistillationTests", dependencies: ["Distillation", "Agent", "AgentTools", "Training", "Inference", "DeliberationTasks"]),
        .testTarget(
            name: "AgentToolsTests",
            dependencies: ["AgentTools", .product(name: "BigInt", package: "BigInt")],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "AgentTests", dependencies: ["Agent", "AgentTools", "InferenceAdapter", "Inference", "DeliberationTasks"]),
        // zlib, for the Python tests' PNG decoder.
        .systemLibrary(name: "CZlib", path: "Tests/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The Python tool against the built `ponder` binary, which its worker re-executes.
        .testTarget(name: "PythonToolTests", dependencies: ["AgentTools", "CZlib", "ponder"]),
        // The server in process, the remote backend against it, and the official `openai`
        // Python SDK against `ponder serve` (scripts in Scripts/).
        .testTarget(
            name: "ServeTests",
            dependencies: ["APIServer", "RemoteModel", "OpenAIAPI", "Agent", "AgentTools", "InferenceAdapter", "Inference", "ponder"],
            exclude: ["Scripts"]),
        // The MCP bridge: the official `mcp` Python SDK against `ponder mcp`, and Ponder's
        // client against servers written with it (scripts in Scripts/).
        .testTarget(
            name: "MCPBridgeTests", dependencies: ["MCPBridge", "Agent", "AgentTools", "ponder"], exclude: ["Scripts"]),
        // Runs the built `ponder` and example binaries as a user would.
        .testTarget(
            name: "PonderCLITests", dependencies: ["ponder", "example-tokenize", "example-generate", "example-agent", "ponder-bench-python"]),
    ],
    swiftLanguageModes: [.v6]
)
