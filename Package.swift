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
/// (a dynamic standard library costs milliseconds at every start), with lld packing the
/// relative relocations (DT_RELR, which glibc 2.36 applies): the dynamic loader then
/// reads a few kilobytes of them instead of the 900 KiB a static standard library brings,
/// and the daemon stays 0.7 MiB smaller in memory.
let staticStdlib: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"])
]

/// Places the functions a program runs at start and when idle next to each other (lld's
/// `--symbol-ordering-file`, with the list `tools/record-startup-order` writes to
/// `data/NAME-startup.order`). Code is paged in 64 KiB at a time, so scattered functions
/// keep megabytes of the executable resident; gathered, they keep a fraction of that.
func startupOrdered(_ program: String) -> [LinkerSetting] {
    [
        .unsafeFlags([
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/data/\(program)-startup.order",
            "-Xlinker", "--no-warn-symbol-ordering",
        ])
    ]
}

/// A fully static executable: it runs inside base snaps that may hold no C library.
let staticExecutable: [LinkerSetting] = [.unsafeFlags(["-static-executable"])]

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
            dependencies: ["SQLite", "SnapLogging", "SnapAPI"],
            swiftSettings: strictSwift,
            plugins: ["EmbedMigrations"]
        ),

        // MARK: - Snap packages

        /// snap.yaml and its validation, unpacked snap directories, SHA3-384 in Swift (libyaml only).
        .target(name: "SnapPackage", dependencies: ["CYAML"], exclude: ["README.md"], swiftSettings: strictSwift),
        /// The .snap file itself: reading images without mounting (squashfuse), their SHA3-384
        /// digests (libcrypto) and packing (mksquashfs). The daemon does not link it: it runs
        /// `snap-image`.
        .target(
            name: "SnapArchive",
            dependencies: ["SnapPackage", "CSquashFuse", "CCrypto", "CSnapShim"],
            exclude: ["README.md"],
            swiftSettings: strictSwift
        ),

        // MARK: - Daemon and clients

        /// Typed entry points for the variadic libmicrohttpd calls (daemon start, connection info).
        .target(name: "CMicroHTTPDShim", dependencies: ["CMicroHTTPD"]),
        /// Wire types the daemon and its clients share: JSON values, error results, envelope types.
        .target(name: "SnapAPI", exclude: ["README.md"], swiftSettings: strictSwift),
        /// The daemon's HTTP/1.1 server on unix sockets: peer identity, routing, access classes, envelopes.
        .target(
            name: "SnapdHTTP",
            dependencies: ["SnapAPI", "SnapLogging", "CMicroHTTPD", "CMicroHTTPDShim"],
            exclude: ["README.md"],
            swiftSettings: strictSwift
        ),
        /// A small HTTP/1.1 client over unix sockets that decodes the daemon's envelopes (no Foundation).
        .target(name: "SnapClient", dependencies: ["SnapAPI"], exclude: ["README.md"], swiftSettings: strictSwift),
        /// A declarative command-line parser with snap's usage errors and help layout (stdlib only).
        .target(name: "ArgumentParsing", exclude: ["README.md"], swiftSettings: strictSwift),
        /// The commands of the `snap` client: requests, waiting on changes, output and exit codes.
        .target(
            name: "SnapCommands",
            dependencies: ["SnapClient", "SnapAPI", "ArgumentParsing", "SnapPaths", "SnapSandbox"],
            exclude: ["README.md"],
            swiftSettings: strictSwift
        ),

        /// What the launch path shares (stdlib, Glibc and the C shim only, single-threaded use):
        /// security tags, launch descriptions, loading seccomp filters and Landlock rulesets,
        /// cgroup tracking.
        .target(name: "SnapSandbox", dependencies: ["CSnapShim", "SnapPaths"], swiftSettings: strictSwift),
        /// The daemon's security backends: seccomp profile sources, Landlock rules, AppArmor
        /// profiles, mount profiles and launch descriptions (no C library: compiling seccomp
        /// profiles is `snap-seccomp`'s).
        .target(
            name: "SnapSecurity",
            dependencies: ["SnapSandbox", "SnapPackage", "SnapPaths"],
            swiftSettings: strictSwift
        ),
        /// The seccomp profile syntax and its compiler to `.bin2` filters, with libseccomp. The
        /// daemon does not link it: it runs `snap-seccomp`.
        .target(
            name: "SnapSeccomp",
            dependencies: ["SnapSandbox", "CSeccomp"],
            exclude: ["README.md"],
            swiftSettings: strictSwift
        ),

        /// Mounting .snap images (kernel loop devices, squashfuse) and the durable file operations
        /// the snaps manager needs (copies, data trees, symlinks), with no Foundation import.
        .target(name: "SnapSystem", dependencies: ["CSnapShim"], exclude: ["README.md"], swiftSettings: strictSwift),
        /// The snaps manager: the installed-snaps projection and the task handlers that install,
        /// remove, enable, disable and revert snaps.
        .target(
            name: "SnapManager",
            dependencies: [
                "StateEngine", "SQLite", "SnapPackage", "SnapSystem", "SnapPaths", "SnapAPI", "SnapLogging",
                "SnapSecurity", "SnapSandbox",
            ],
            exclude: ["README.md"],
            swiftSettings: strictSwift
        ),
        /// The daemon's REST API: routes that decode requests, call the managers and encode replies.
        .target(
            name: "SnapdAPI",
            dependencies: ["SnapdHTTP", "SnapManager", "StateEngine", "SQLite", "SnapAPI", "SnapPaths", "SnapLogging"],
            exclude: ["README.md"],
            swiftSettings: strictSwift
        ),

        // MARK: - Programs

        /// The daemon.
        .executableTarget(
            name: "snapd",
            dependencies: [
                "SnapdAPI", "SnapdHTTP", "SnapManager", "StateEngine", "SnapPaths", "SnapLogging", "SnapSystem",
            ],
            swiftSettings: strictSwift,
            linkerSettings: staticStdlib + startupOrdered("snapd")
        ),

        /// The command-line client (`snap pack` runs `snap-pack`).
        .executableTarget(
            name: "snap",
            dependencies: ["SnapCommands"],
            swiftSettings: strictSwift,
            linkerSettings: staticExecutable + [
                .linkedLibrary("_FoundationCollections"),
                .linkedLibrary("_FoundationCShims"),
                .linkedLibrary("swiftSynchronization"),
            ]
        ),
        /// The privileged launcher: builds or joins the snap's mount namespace, applies the
        /// cgroup, Landlock and seccomp confinement, drops to the caller and runs snap-exec.
        .executableTarget(
            name: "snap-confine",
            dependencies: ["SnapSandbox", "CSnapShim", "SnapPaths"],
            swiftSettings: strictSwift,
            linkerSettings: staticExecutable
        ),
        /// Inside the sandbox: the app's environment and command chain, then its command.
        .executableTarget(
            name: "snap-exec",
            dependencies: ["SnapSandbox"],
            swiftSettings: strictSwift,
            linkerSettings: staticExecutable
        ),
        /// `snap pack`, which `snap` runs: packing's libraries stay out of the client's start.
        .executableTarget(
            name: "snap-pack",
            dependencies: ["SnapArchive", "SnapPackage"],
            swiftSettings: strictSwift,
            linkerSettings: staticStdlib
        ),
        /// `snap-image snap-yaml IMAGE`, which the daemon runs: squashfuse and the compressors
        /// stay out of the daemon's memory.
        .executableTarget(
            name: "snap-image",
            dependencies: ["SnapArchive"],
            swiftSettings: strictSwift,
            linkerSettings: staticStdlib
        ),
        /// `snap-seccomp compile SOURCE OUTPUT`, which the daemon runs: libseccomp stays out of
        /// the daemon's memory.
        .executableTarget(
            name: "snap-seccomp",
            dependencies: ["SnapSeccomp", "SnapSandbox"],
            swiftSettings: strictSwift,
            linkerSettings: staticStdlib
        ),
        /// Reads a copy of a device's event log offline.
        .executableTarget(
            name: "snap-log",
            dependencies: ["StateEngine", "SQLite", "SnapManager"],
            swiftSettings: strictSwift
        ),

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
        /// Prints request throughput and latency of the daemon's HTTP layer over a unix socket.
        .executableTarget(
            name: "http-bench",
            dependencies: ["SnapdHTTP", "SnapClient"],
            path: "tools/http-bench",
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
            dependencies: ["StateEngine", "SnapAPI", "SnapLogging"],
            path: "tools/engine-demo",
            swiftSettings: strictSwift
        ),

        /// Prints .snap reading, memory and digest figures for small and 200 MB images.
        .executableTarget(
            name: "image-bench",
            dependencies: ["SnapArchive", "SnapPackage"],
            path: "tools/image-bench",
            swiftSettings: strictSwift
        ),

        // MARK: - Tests

        /// Fixtures shared by the state-engine tests and the crash harness.
        .target(
            name: "EngineTestSupport",
            dependencies: ["StateEngine", "SQLite", "SnapAPI"],
            path: "Tests/EngineTestSupport",
            swiftSettings: strictSwift
        ),
        /// A child process the crash tests kill at chosen points.
        .executableTarget(
            name: "engine-crash-harness",
            dependencies: ["StateEngine", "SnapAPI", "SQLite", "EngineTestSupport"],
            path: "Tests/engine-crash-harness",
            swiftSettings: strictSwift
        ),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite"], swiftSettings: strictSwift),
        /// The daemon's JSON parser, encoder and decoder, checked against FoundationEssentials'.
        .testTarget(name: "SnapAPITests", dependencies: ["SnapAPI"], swiftSettings: strictSwift),
        .testTarget(
            name: "StateEngineTests",
            dependencies: [
                "StateEngine", "SQLite", "SnapAPI", "EngineTestSupport", "engine-crash-harness", "snap-log",
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "SnapPackageTests",
            dependencies: ["SnapPackage", "SnapArchive"],
            swiftSettings: strictSwift
        ),
        /// A child process that drops to another uid, then makes one request over a unix socket.
        .executableTarget(
            name: "http-probe",
            dependencies: ["SnapClient"],
            path: "Tests/http-probe",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "SnapdHTTPTests",
            dependencies: ["SnapdHTTP", "SnapClient", "SnapAPI", "http-probe"],
            swiftSettings: strictSwift
        ),
        .testTarget(name: "SnapClientTests", dependencies: ["SnapClient", "SnapAPI"], swiftSettings: strictSwift),
        .testTarget(
            name: "SnapdTests",
            dependencies: [
                "SnapdAPI", "SnapManager", "StateEngine", "SQLite", "SnapPackage", "SnapArchive", "SnapPaths",
                "SnapLogging", "SnapClient", "SnapAPI", "SnapSystem",
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(name: "ArgumentParsingTests", dependencies: ["ArgumentParsing"], swiftSettings: strictSwift),
        .testTarget(name: "SnapSystemTests", dependencies: ["SnapSystem"], swiftSettings: strictSwift),
        /// A child process that confines itself with Landlock rules or joins cgroups, then
        /// reports what it may still do.
        .executableTarget(
            name: "sandbox-probe",
            dependencies: ["SnapSandbox", "CSnapShim"],
            path: "Tests/sandbox-probe",
            swiftSettings: strictSwift
        ),
        /// A child process that loads a compiled seccomp profile, then attempts system calls.
        .executableTarget(
            name: "seccomp-probe",
            dependencies: ["SnapSandbox", "CSnapShim"],
            path: "Tests/seccomp-probe",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "SnapSandboxTests",
            dependencies: [
                "SnapSandbox", "SnapSecurity", "SnapSeccomp", "SnapPackage", "CSnapShim", "SnapPaths", "CAppArmor",
                "sandbox-probe", "seccomp-probe",
            ],
            swiftSettings: strictSwift
        ),
        /// A static stand-in for snap-exec the launcher's tests execute (prints ids, runs $SNAP/bin/APP).
        .executableTarget(
            name: "snap-confine-probe",
            path: "Tests/snap-confine-probe",
            swiftSettings: strictSwift,
            linkerSettings: staticExecutable
        ),
        /// Runs the real setuid snap-confine against a scratch root with a busybox base. It finds
        /// `.build/debug/snap-confine`, `snap-exec` and `snap-confine-probe` itself.
        .testTarget(name: "SnapConfineTests", dependencies: ["SnapSandbox", "SnapPaths"], swiftSettings: strictSwift),
        /// Runs our `snap` and the real 2.57 client against one scripted fake daemon and
        /// compares requests, output and exit status. It finds `.build/debug/snap` itself
        /// (or `SNAP_CLI_BINARY`): a test target cannot depend on a program linked with
        /// unsafe static flags.
        .testTarget(name: "SnapCLITests", dependencies: ["SnapdHTTP", "SnapAPI"], swiftSettings: strictSwift),
        /// Runs `tools/demo` once with the programs already built (`.build/debug`, or `DEMO_BIN`) and
        /// checks its output, its exit status and that it leaves nothing behind.
        .testTarget(name: "DemoTests", swiftSettings: strictSwift),
    ]
)
