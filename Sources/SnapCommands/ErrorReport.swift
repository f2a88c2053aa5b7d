import SnapAPI
import SnapClient

#if canImport(Glibc)
import Glibc
#endif

/// The one place where a failed request becomes what the user sees: the real client's
/// wording for each error kind, and its exit status (10 for a conflicting change, which
/// a script may retry; 0 for outcomes that leave the system as asked).
enum ErrorReport {
    /// What a command does with `error` when it acted on `snapName`.
    ///
    /// - Parameters:
    ///   - error: the failure of the request.
    ///   - snapName: the snap or file the command named, as the user typed it.
    ///   - isLocal: whether the command installs from a file.
    ///   - isRemove: whether the command is `snap remove`, for which a snap that is not
    ///     installed is not an error.
    /// - Returns: the text for standard error and the exit status.
    static func failure(
        for error: ClientError,
        snapName: String = "",
        isLocal: Bool = false,
        isRemove: Bool = false
    ) -> CommandFailure {
        guard case .api(_, let apiError) = error else {
            return .error(error.description)
        }
        let name = snapName
        switch apiError.kind ?? "" {
        case "snap-already-installed":
            return .notice("snap \(quoted(name)) is already installed, see 'snap help refresh'")
        case "snap-no-update-available":
            return .notice("snap \(quoted(name)) has no updates available")
        case "snap-not-installed" where isRemove:
            return .notice(apiError.message)
        case "snap-not-found":
            return .filledError("snap \(quoted(name)) not found")
        case "snap-needs-devmode" where isLocal:
            return .filledError("snap \(quoted(name)) requires devmode or confinement override")
        case "snap-needs-devmode":
            return .filledError(Texts.needsDevmode(quoted(name)))
        case "snap-needs-classic":
            return .filledError(Texts.needsClassic(quoted(name)))
        case "snap-not-classic":
            return .filledError("snap \(quoted(name)) is not compatible with --classic")
        case "snap-local":
            return .filledError("local snap \(quoted(name)) is unknown to the store, use --amend to proceed anyway")
        case "snap-revision-not-available":
            return .filledError("snap \(quoted(name)) not available as specified (see 'snap info \(name)')")
        case "snap-not-a-snap":
            return .filledError(Texts.notASnap(quoted(name)))
        case "network-timeout":
            return .filledError("unable to contact snap store")
        case "snap-change-conflict":
            return .error(apiError.message, exitStatus: 10)
        case ErrorKind.loginRequired:
            let hint = getuid() == 0 ? "(see 'snap help login')" : "(try with sudo)"
            return .filledError("\(apiError.message) \(hint)")
        default:
            return .filledError(apiError.message)
        }
    }

    /// `"name"` with Go's `%q` escaping of quotes and backslashes.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }

    /// The real client's longer advice texts; they are facts of its output, reproduced
    /// because scripts and users compare against them.
    private enum Texts {
        static func needsDevmode(_ name: String) -> String {
            """
            The publisher of snap \(name) has indicated that they do not consider this revision to be of \
            production quality and that it is only meant for development or testing at this point. As a \
            consequence this snap will not refresh automatically and may perform arbitrary system changes \
            outside of the security sandbox snaps are generally confined to, which may put your system at risk.

            If you understand and want to proceed repeat the command including --devmode; if instead you want \
            to install the snap forcing it into strict confinement repeat the command including --jailmode.
            """
        }

        static func needsClassic(_ name: String) -> String {
            """
            This revision of snap \(name) was published using classic confinement and thus may perform \
            arbitrary system changes outside of the security sandbox that snaps are usually confined to, \
            which may put your system at risk.

            If you understand and want to proceed repeat the command including --classic.
            """
        }

        static func notASnap(_ name: String) -> String {
            """
            \(name) does not contain an unpacked snap.

            Try 'snapcraft prime' in your project directory, then 'snap try' again.
            """
        }
    }
}
