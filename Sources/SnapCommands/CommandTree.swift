import ArgumentParsing

/// The `snap` command line as data: every command, its switches and arguments, with
/// help in this project's words and the real client's layout and option set.
enum CommandTree {
    static let colorOption = Option(
        "color",
        choices: ["auto", "never", "always"],
        defaultValue: "auto",
        help: "Whether to mark some output with colour."
    )
    static let unicodeOption = Option(
        "unicode",
        choices: ["auto", "never", "always"],
        defaultValue: "auto",
        help: "Whether to use Unicode symbols such as check marks."
    )
    static let noWait = Flag("no-wait", help: "Print the change ID and return without waiting for the change.")
    static let absoluteTime = Flag(
        "abs-time",
        help: "Show times as RFC 3339 timestamps instead of relative times (dates after 60 days)."
    )
    static let lastChange = Option(
        "last",
        help: "Pick the newest change of this kind (install, remove, refresh, try, auto-refresh...). "
            + "With a trailing question mark, finding none is not an error; quote it for the shell."
    )
    static let changeID = Positional("change-id", arity: .optional, help: "The change to act on")

    static let install = Command(
        name: "install",
        summary: "Install snaps",
        description: """
            Installs each named snap from the store, or each given .snap file.

            A name with an underscore and a key (name_key) installs another instance of
            the same snap. Store snaps follow their stable channel and run strictly
            confined unless options below say otherwise; 'snap info' lists channels.

            Installing a given revision needs developer access to the snap and a login;
            a later refresh moves the snap back to its channel's revision.

            The instance name of a snap installed from a file is set with --name.
            """,
        flags: [
            noWait, Flag("edge", help: "Take the snap from the edge channel"),
            Flag("beta", help: "Take the snap from the beta channel"),
            Flag("candidate", help: "Take the snap from the candidate channel"),
            Flag("stable", help: "Take the snap from the stable channel"),
            Flag("devmode", help: "Run the snap in development mode, without enforced confinement"),
            Flag("jailmode", help: "Force strict confinement on the snap"),
            Flag("classic", help: "Run the snap in classic mode, without confinement"),
            Flag("dangerous", help: "Accept a snap file that has no acknowledged signatures (implied by --devmode)"),
            Flag("unaliased", help: "Do not enable the snap's automatic aliases"),
            Flag("ignore-validation", help: "Install even if validation by other snaps would refuse it"),
        ],
        options: [
            colorOption, unicodeOption, Option("channel", help: "Take the snap from this channel"),
            Option("revision", help: "Take this revision of the snap (needs developer access)"),
            Option("name", help: "Give the snap file this instance name"),
            Option("cohort", help: "Join this cohort"),
            Option(
                "transaction",
                choices: ["all-snaps", "per-snap"],
                defaultValue: "per-snap",
                help: "Make one transaction per snap, or one for all of them"
            ),
        ],
        positionals: [Positional("snap", arity: .repeated(minimum: 1))],
        helpOrder: [
            "color", "unicode", "no-wait", "channel", "edge", "beta", "candidate", "stable", "devmode", "jailmode",
            "classic", "revision", "dangerous", "unaliased", "name", "cohort", "ignore-validation", "transaction",
        ]
    )

    static let remove = Command(
        name: "remove",
        summary: "Remove snaps",
        description: """
            Removes each named snap instance, with all its revisions, its data and its
            common data; with --revision only that revision goes.

            Unless automatic snapshots are turned off, the snap's data is saved in a
            snapshot first, which 'snap restore' can bring back; --purge skips it.
            """,
        flags: [noWait, Flag("purge", help: "Do not save a snapshot of the snap's data")],
        options: [Option("revision", help: "Remove this revision only")],
        positionals: [Positional("snap", arity: .repeated(minimum: 1))],
        helpOrder: ["no-wait", "revision", "purge"]
    )

    static let list = Command(
        name: "list",
        summary: "List installed snaps",
        description: """
            Shows the snaps installed on this system, one line each.

            A check mark after a publisher (with colour and Unicode) means the store
            has verified that publisher.
            """,
        flags: [Flag("all", help: "List every installed revision")],
        options: [colorOption, unicodeOption],
        positionals: [Positional("snap", arity: .repeated(minimum: 0))],
        helpOrder: ["all", "color", "unicode"]
    )

    static let info = Command(
        name: "info",
        summary: "Show details of snaps",
        description: """
            Shows what is known about each snap: from the store and from this system
            for a name, or from the file or directory for a path to a .snap file or an
            unpacked snap.
            """,
        flags: [absoluteTime, Flag("verbose", help: "Show more: every note, the base, and so on")],
        options: [colorOption, unicodeOption],
        positionals: [Positional("snap", arity: .repeated(minimum: 1))],
        helpOrder: ["color", "unicode", "abs-time", "verbose"]
    )

    static let enable = Command(
        name: "enable",
        summary: "Enable a snap",
        description: "Makes a disabled snap usable again.",
        flags: [noWait],
        positionals: [Positional("snap")],
        ignoresExtraArguments: true
    )

    static let disable = Command(
        name: "disable",
        summary: "Disable a snap",
        description: """
            Makes a snap unusable without removing it: its commands and services go
            away, its data stays, and 'snap enable' brings it back.
            """,
        flags: [noWait],
        positionals: [Positional("snap")],
        ignoresExtraArguments: true
    )

    static let revert = Command(
        name: "revert",
        summary: "Go back to the previous revision of a snap",
        description: """
            Activates the revision a snap had before its latest refresh, with the data
            that revision had then; changes the newer revision made to its own data are
            left behind. Data the snap shares across revisions is not touched.
            """,
        flags: [
            noWait, Flag("devmode", help: "Run the snap in development mode, without enforced confinement"),
            Flag("jailmode", help: "Force strict confinement on the snap"),
            Flag("classic", help: "Run the snap in classic mode, without confinement"),
        ],
        options: [Option("revision", help: "Go back to this revision")],
        positionals: [Positional("snap")],
        helpOrder: ["no-wait", "devmode", "jailmode", "classic", "revision"],
        hiddenOptionNames: ["ignore-running"]
    )

    static let changes = Command(
        name: "changes",
        summary: "List recent changes",
        description: "Lists the changes the system made recently, oldest first.",
        flags: [absoluteTime],
        positionals: [Positional("snap", arity: .optional)]
    )

    static let tasks = Command(
        name: "tasks",
        aliases: ["change"],
        summary: "List the tasks of a change",
        description: "Lists the tasks of one change, with their status and log.",
        flags: [absoluteTime],
        options: [lastChange],
        positionals: [changeID],
        ignoresExtraArguments: true
    )

    static let watch = Command(
        name: "watch",
        summary: "Follow a change until it ends",
        description: "Waits until the change is over, showing its progress when it can.",
        options: [lastChange],
        positionals: [changeID]
    )

    static let abort = Command(
        name: "abort",
        summary: "Abort a change",
        description: "Asks the system to stop a change that still has tasks to run and undo its work.",
        options: [lastChange],
        positionals: [changeID]
    )

    static let version = Command(
        name: "version",
        summary: "Show versions",
        description: "Shows the versions of this client, of the daemon and of the operating system."
    )

    static let run = Command(
        name: "run",
        summary: "Run the given snap command",
        description: """
            Runs an app of an installed snap (NAME.APP, or NAME for the app named like the
            snap) with the given arguments, in the snap's sandbox. Options must come before
            the app's name; everything after it goes to the app unchanged.

            The /snap/bin wrappers are links to this program: started under the name of an
            app, it runs that app.
            """,
        flags: [Flag("shell", help: "Run a shell in the app's sandbox instead of the app")],
        options: [
            Option("hook", help: "Run this hook of the snap instead of an app"),
            Option("revision", short: "r", help: "Run this revision of the snap (it must be the current one)"),
        ],
        positionals: [
            Positional("snap-app", help: "The app to run: NAME.APP, or NAME"),
            Positional("args", arity: .repeated(minimum: 0), help: "The app's arguments"),
        ],
        helpOrder: ["shell", "hook", "revision"]
    )

    /// The whole tree.
    static let root = Command(
        name: "snap",
        subcommands: [install, remove, list, info, enable, disable, revert, changes, tasks, watch, abort, version, run]
    )
}
