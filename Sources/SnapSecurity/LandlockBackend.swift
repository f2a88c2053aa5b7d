import SnapSandbox

/// The Landlock backend: the filesystem, network and scope rules of each program
/// (`landlock/TAG`), which snap-confine applies where AppArmor is absent.
public enum LandlockBackend {
    /// The rules of `target`, in the syntax docs/confinement.md gives: the baseline of
    /// ``LandlockProfile/baseline(for:)`` for strict programs, `mode off` otherwise.
    ///
    /// The baseline's paths come from validated instance names and revisions, so they
    /// always render; should one not, the rules enforce a ruleset with no path allowed
    /// rather than none.
    public static func rules(for target: SecurityTarget) -> String {
        let profile = LandlockProfile.baseline(for: target)
        do {
            return try profile.rendered()
        } catch {
            return "mode enforce\nnet bind deny\nnet connect deny\nscope abstract-unix\nscope signal\n"
        }
    }
}
