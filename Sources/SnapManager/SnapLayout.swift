import SnapPaths

/// Where the files of one snap instance live, under the system's root.
public struct SnapLayout: Sendable {
    /// The paths of the whole system.
    public let paths: SnapPaths
    /// The instance name (`name` or `name_key`).
    public let name: String

    /// Creates the layout of snap `name`.
    public init(paths: SnapPaths, name: String) {
        self.paths = paths
        self.name = name
    }

    /// The copy of a revision's `.snap` file: `/var/lib/snapd/snaps/NAME_REV.snap`.
    public func blob(_ revision: SnapRevision) -> String {
        "\(paths.snapBlobDirectory)/\(name)_\(revision).snap"
    }

    /// `/snap/NAME`.
    public var mountBase: String { "\(paths.snapMountDirectory)/\(name)" }
    /// Where a revision is mounted: `/snap/NAME/REV`.
    public func mountPoint(_ revision: SnapRevision) -> String { "\(mountBase)/\(revision)" }
    /// `/snap/NAME/current`, a symlink to the current revision.
    public var currentMountLink: String { "\(mountBase)/current" }

    /// `/var/snap/NAME`.
    public var dataBase: String { "\(paths.snapDataDirectory)/\(name)" }
    /// A revision's system data: `/var/snap/NAME/REV`.
    public func dataDirectory(_ revision: SnapRevision) -> String { "\(dataBase)/\(revision)" }
    /// Data shared by every revision: `/var/snap/NAME/common`.
    public var commonDataDirectory: String { "\(dataBase)/common" }
    /// `/var/snap/NAME/current`, a symlink to the current revision's data.
    public var currentDataLink: String { "\(dataBase)/current" }

    /// A user's data for the snap: `HOME/snap/NAME`.
    public func userDataBase(home: String) -> String { "\(home)/snap/\(name)" }

    /// The command a user types for `app`: the snap name for the app of the same name,
    /// else `NAME.APP`.
    public func command(for app: String) -> String {
        app == snapName ? name : "\(name).\(app)"
    }

    /// The wrapper in `/snap/bin` that runs `app`.
    public func wrapper(for app: String) -> String { "\(paths.snapBinDirectory)/\(command(for: app))" }

    /// Where a removed revision's data waits until the change is done: beside the data,
    /// under a name no revision can have, so that undo is a rename.
    public func removedDataDirectory(_ revision: SnapRevision) -> String { "\(dataBase)/.removed-\(revision)" }

    /// For a parallel instance `NAME_KEY`, the directories its trees are mounted on inside
    /// its sandbox: `/snap/NAME` and `/var/snap/NAME` under the root (empty unless `NAME`
    /// itself is installed). None for a snap that is not an instance.
    public var instanceMountPoints: [String] {
        guard snapName != name else { return [] }
        return ["\(paths.snapMountDirectory)/\(snapName)", "\(paths.snapDataDirectory)/\(snapName)"]
    }

    /// The snap name without the instance key.
    public var snapName: String {
        guard let underscore = name.firstIndex(of: "_") else { return name }
        return String(name[..<underscore])
    }
}
