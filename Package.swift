// swift-tools-version: 6.2
//
// The snap system: a daemon that installs, confines and runs SquashFS application
// packages, the command-line tools around it, and a store. See docs/architecture.md.

import PackageDescription

/// Settings every Swift target shares: Swift 6 mode with complete checking, and
/// warnings treated as errors so they cannot pile up.
let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .treatAllWarnings(as: .error),
]

/// Links the Swift standard library statically, as the launch-path programs must
/// (a dynamic standard library costs milliseconds at every start).
let staticStdlib: [LinkerSetting] = [.unsafeFlags(["-static-stdlib"])]

/// One `.systemLibrary` target per Debian C library.
func systemLibrary(_ name: String, pkgConfig: String, debian: String) -> Target {
    .systemLibrary(name: name, pkgConfig: pkgConfig, providers: [.apt([debian])])
}

let package = Package(
    name: "snapd-swift",
    products: [
        .executable(name: "snap-log", targets: ["snap-log"])
    ],
    targets: [
        // MARK: - C libraries from Debian

        systemLibrary("CSQLite3", pkgConfig: "sqlite3", debian: "libsqlite3-dev"),
        systemLibrary("CSeccomp", pkgConfig: "libseccomp", debian: "libseccomp-dev"),
        systemLibrary("CAppArmor", pkgConfig: "libapparmor", debian: "libapparmor-dev"),
        systemLibrary("CSquashFuse", pkgConfig: "squashfuse", debian: "libsquashfuse-dev"),
        systemLibrary("CCurl", pkgConfig: "libcurl", debian: "libcurl4-openssl-dev"),
        systemLibrary("CYAML", pkgConfig: "yaml-0.1", debian: "libyaml-dev"),
        systemLibrary("CCrypto", pkgConfig: "libcrypto", debian: "libssl-dev"),
        systemLibrary("CMicroHTTPD", pkgConfig: "libmicrohttpd", debian: "libmicrohttpd-dev"),

        /// Typed C functions for system calls Swift cannot make (prctl, ioctl, syscall numbers...).
        .target(name: "CSnapShim"),

        // MARK: - Foundation layers (no Foundation import; usable on the launch path)

        /// Every path the system uses, derived from one root directory.
        .target(name: "SnapPaths", swiftSettings: strictSwift),
        /// A small structured logger with swift-log's shape.
        .target(name: "SnapLogging", swiftSettings: strictSwift),

        // MARK: - Storage and the state engine

        /// A small owner of libsqlite3 handles: connections, statements, transactions.
        .target(name: "SQLite", dependencies: ["CSQLite3"], swiftSettings: strictSwift),
        /// The event-sourced state machine: changes, tasks, events, projections, executor, replay.
        .target(
            name: "StateEngine",
            dependencies: ["SQLite", "SnapLogging"],
            swiftSettings: strictSwift,
            plugins: ["EmbedMigrations"]
        ),

        // MARK: - Snap packages

        /// snap.yaml, validation, reading .snap images, digests and packing.
        .target(
            name: "SnapPackage",
            dependencies: ["CYAML", "CSquashFuse", "CCrypto"],
            exclude: ["README.md"],
            swiftSettings: strictSwift
        ),

        // MARK: - Programs

        /// Reads a copy of a device's event log offline.
        .executableTarget(name: "snap-log", dependencies: ["StateEngine"], swiftSettings: strictSwift),

        // MARK: - Build tooling

        /// Turns migrations/*.sql into Swift source so the schema ships inside the binaries.
        .executableTarget(name: "embed-migrations", path: "Plugins/embed-migrations", swiftSettings: strictSwift),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["embed-migrations"]
        ),

        // MARK: - Benchmarks and demonstrations

        /// Prints state-engine throughput and replay figures.
        .executableTarget(
            name: "engine-bench",
            dependencies: ["StateEngine", "SQLite"],
            path: "tools/engine-bench",
            swiftSettings: strictSwift
        ),
        /// Prints snap.yaml parse and validation figures over the shared corpora.
        .executableTarget(
            name: "yaml-bench",
            dependencies: ["SnapPackage"],
            path: "tools/yaml-bench",
            swiftSettings: strictSwift
        ),
        /// Runs, fails and undoes a real change, for README's first command.
        .executableTarget(
            name: "engine-demo",
            dependencies: ["StateEngine"],
            path: "tools/engine-demo",
            swiftSettings: strictSwift
        ),

        // MARK: - Tests

        /// A child process the crash tests kill at chosen points.
        .executableTarget(
            name: "engine-crash-harness",
            dependencies: ["StateEngine"],
            path: "Tests/engine-crash-harness",
            swiftSettings: strictSwift
        ),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"], swiftSettings: strictSwift),
        .testTarget(
            name: "StateEngineTests",
            dependencies: ["StateEngine", "SQLite", "engine-crash-harness", "snap-log"],
            swiftSettings: strictSwift
        ),
        .testTarget(name: "SnapPackageTests", dependencies: ["SnapPackage"], swiftSettings: strictSwift),
    ]
)
