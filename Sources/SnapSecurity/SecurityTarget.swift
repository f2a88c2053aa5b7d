import SnapPackage
import SnapSandbox

/// One program of a snap revision that gets security profiles: an app or a hook, with
/// what the profiles depend on.
public struct SecurityTarget: Sendable {
    /// The revision's snap.yaml.
    public var info: SnapInfo
    /// `NAME` or `NAME_KEY`.
    public var instanceName: String
    /// The revision, as the daemon names it (`x1`, `42`).
    public var revision: String
    /// The confinement the program actually runs under (devmode and classic flags applied).
    public var confinement: LaunchDescription.Confinement
    /// The security tag.
    public var tag: SecurityTag
    /// The app, or nil for a hook.
    public var app: AppInfo?
    /// The hook, or nil for an app.
    public var hook: HookInfo?

    public init(
        info: SnapInfo,
        instanceName: String,
        revision: String,
        confinement: LaunchDescription.Confinement,
        tag: SecurityTag,
        app: AppInfo?,
        hook: HookInfo?
    ) {
        self.info = info
        self.instanceName = instanceName
        self.revision = revision
        self.confinement = confinement
        self.tag = tag
        self.app = app
        self.hook = hook
    }

    /// Every app and hook of a revision, as targets.
    public static func all(
        info: SnapInfo,
        instanceName: String,
        revision: String,
        confinement: LaunchDescription.Confinement
    ) throws(SandboxError) -> [SecurityTarget] {
        var targets: [SecurityTarget] = []
        for app in info.apps {
            let tag = try SecurityTag(instanceName: instanceName, app: app.name)
            targets.append(
                SecurityTarget(
                    info: info,
                    instanceName: instanceName,
                    revision: revision,
                    confinement: confinement,
                    tag: tag,
                    app: app,
                    hook: nil
                )
            )
        }
        for hook in info.hooks {
            let tag = try SecurityTag(instanceName: instanceName, hook: hook.name)
            targets.append(
                SecurityTarget(
                    info: info,
                    instanceName: instanceName,
                    revision: revision,
                    confinement: confinement,
                    tag: tag,
                    app: nil,
                    hook: hook
                )
            )
        }
        return targets
    }
}
