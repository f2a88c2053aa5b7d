import SnapPackage
import SnapSandbox

extension SecurityTarget {
    /// The confinement a revision runs under: `classic` for a classic snap, `devmode` when
    /// snap.yaml asks for it or the snap was installed with `--devmode`, else `strict`.
    public static func confinement(of info: SnapInfo, devmode: Bool) -> LaunchDescription.Confinement {
        switch info.confinement {
        case .classic: return .classic
        case .devmode: return .devmode
        case .strict: return devmode ? .devmode : .strict
        }
    }

    /// The base the program runs on: snap.yaml's `base`; `core` for an app snap that names
    /// none (snaps written before bases existed run on core), except a classic one, which
    /// runs on the host; empty for bases, the OS snap and the snapd snap.
    public var baseName: String {
        if let base = info.base { return base }
        guard info.type == .app, confinement != .classic else { return "" }
        return "core"
    }

    /// The launch description (`sandbox/TAG`) of this program: the snap's environment then
    /// the app's or hook's, unexpanded and in file order.
    public var launchDescription: LaunchDescription {
        let ownEnvironment = app?.environment ?? hook?.environment ?? []
        let environment = (info.environment + ownEnvironment).map { "\($0.name)=\($0.value)" }
        return LaunchDescription(
            snapName: info.name,
            instanceName: instanceName,
            instanceKey: tag.instanceKey,
            revision: revision,
            version: info.version,
            base: baseName,
            confinement: confinement,
            app: app?.name,
            hook: hook?.name,
            command: app?.command ?? "",
            commandChain: app?.commandChain ?? hook?.commandChain ?? [],
            environment: environment
        )
    }
}
