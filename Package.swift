// swift-tools-version:6.1
import PackageDescription

/// One settings block for every target (see swift-log's Package.swift).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "CivicLedger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "civic", targets: ["civic"]),
        .executable(name: "civic-node", targets: ["civic-node"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "LedgerStore", targets: ["LedgerStore"]),
        .library(name: "CivicDomain", targets: ["CivicDomain"]),
        .library(name: "LedgerSync", targets: ["LedgerSync"]),
        .library(name: "CivicReports", targets: ["CivicReports"]),
        .library(name: "CivicDemo", targets: ["CivicDemo"]),
        .library(name: "OpenData", targets: ["OpenData"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .target(
            name: "LedgerCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // Open data in and out: the OCDS merge routine, finance CSV exports (issue 13).
        .target(name: "OpenData", dependencies: ["LedgerCore", "CivicDomain"]),
        .target(
            name: "LedgerStore",
            dependencies: [
                "LedgerCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CivicDomain",
            dependencies: [
                "LedgerCore", "LedgerStore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "CivicReports",
            dependencies: ["LedgerCore", "LedgerStore", "CivicDomain"]
        ),
        .target(
            name: "CivicDemo",
            dependencies: ["LedgerCore", "CivicDomain"]
        ),
        .target(
            name: "LedgerSync",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What both executables share: the global options, the output, failures and exit statuses, the report files.
        .target(
            name: "CivicCommandLine",
            dependencies: [
                "LedgerCore", "LedgerStore", "CivicDomain", "CivicReports", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `civic`: every verb but the network's, which it hands to `civic-node` (NodeVerbs): it links
        // no networking module, so each of its processes starts sooner.
        .executableTarget(
            name: "civic",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                "CivicDomain",
                "CivicReports",
                "OpenData",
                "CivicCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // swiftc exports every symbol of a Linux executable to the dynamic symbol table (45,000
            // here), which the loader searches at every start. Nothing loads `civic` as a library, so
            // its release build exports none: each process starts about 1.5 ms sooner.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release))]
        ),
        // `civic-node`: `civic serve`, `civic sync` and `civic demo`.
        .executableTarget(
            name: "civic-node",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                "CivicDomain",
                "LedgerSync",
                "CivicReports",
                "CivicDemo",
                "CivicCommandLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Sources/civic-node"
        ),
        .executableTarget(
            name: "civic-bench",
            dependencies: [
                "LedgerCore",
                "LedgerStore",
                "CivicDomain",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            path: "Sources/CivicBench"
        ),
        // libFuzzer targets (Tools/fuzz builds them with -sanitize=fuzzer); a plain build replays files.
        .executableTarget(
            name: "civic-fuzz",
            dependencies: ["LedgerCore", "LedgerSync", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/CivicFuzz"
        ),
        // Shared by every test target: scoped temporary folders, ledgers and cities, one seeded generator.
        .target(
            name: "CivicTestSupport",
            dependencies: ["LedgerCore", "LedgerStore", "CivicDomain", "LedgerSync"],
            path: "Tests/CivicTestSupport"
        ),
        .testTarget(
            name: "LedgerCoreTests", dependencies: ["LedgerCore", "CivicTestSupport", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: [
                "LedgerCore", "LedgerStore", "CivicDomain", "CivicTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "CivicDomainTests",
            dependencies: ["LedgerCore", "LedgerStore", "CivicDomain", "CivicTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "CivicReportsTests", dependencies: ["LedgerCore", "LedgerStore", "CivicDomain", "CivicReports", "CivicTestSupport"]),
        .testTarget(name: "OpenDataTests", dependencies: ["LedgerCore", "CivicDomain", "OpenData"]),
        .testTarget(name: "CivicDemoTests", dependencies: ["LedgerCore", "CivicDomain", "CivicDemo", "CivicTestSupport"]),
        .testTarget(
            name: "LedgerSyncTests",
            dependencies: [
                "LedgerCore", "LedgerStore", "CivicDomain", "LedgerSync", "CivicTestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "CivicCLITests",
            dependencies: [
                "LedgerCore", "LedgerStore", "CivicTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
    ]
)

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
