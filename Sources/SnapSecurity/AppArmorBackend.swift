import SnapPackage
import SnapSandbox

/// The AppArmor backend: one profile per program (`apparmor/profiles/TAG`), which the
/// daemon loads with `apparmor_parser -r` (and takes out with `-R`) where the kernel has
/// AppArmor, and which the tests check with `apparmor_parser -Q -K` (compile only).
///
/// A strict or devmode program may read its base's programs and libraries and its own
/// read-only snap, write its data directories, its private `/tmp`, its shared-memory and
/// runtime files, exchange signals and unix-socket messages only with programs of the
/// same snap, and read a few `/proc` and cgroup files. It gets no network, no mounts and
/// no tracing. Devmode is the same profile in complain mode; classic gets a permissive
/// profile. Every path taken from snap.yaml is checked for AppArmor's pattern characters
/// and written quoted, so that a snap cannot widen or add rules through its metadata
/// (CVE-2021-4120 was such an injection through layout and content paths).
public enum AppArmorBackend {
    /// Characters that make AppArmor read a path as a pattern or end a quoted string.
    static let forbiddenCharacters: Set<Character> = ["?", "*", "[", "]", "{", "}", "^", "\"", "\0", "\n", "\r", "\\"]

    /// The profile of `target`.
    /// - Throws: ``SandboxError`` when a name or a layout path holds a character AppArmor
    ///   would read as a pattern.
    public static func profile(for target: SecurityTarget) throws(SandboxError) -> String {
        let tag = target.tag.description
        let snapName = target.info.name
        for (what, value) in [
            ("snap name", snapName), ("instance name", target.instanceName), ("revision", target.revision),
            ("security tag", tag),
        ] {
            try checkLiteral(value, what: what, tag: tag)
        }
        var lines = [
            "# Written by snapd: the AppArmor profile of \(tag).",
            "abi <abi/3.0>,",
            "",
            "#include <tunables/global>",
            "",
            "@{SNAP_NAME}=\(quoted(snapName))",
            "@{SNAP_INSTANCE_NAME}=\(quoted(target.instanceName))",
            "@{SNAP_REVISION}=\(quoted(target.revision))",
            "@{INSTALL_DIR}=\"/snap\"",
            "",
        ]
        var flags = ["attach_disconnected", "mediate_deleted"]
        if target.confinement == .devmode { flags.append("complain") }
        lines.append("profile \(quoted(tag)) flags=(\(flags.joined(separator: ","))) {")
        if target.confinement == .classic {
            lines += classicRules
        } else {
            lines += strictRules
            lines += try layoutRules(target)
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Refuses a value that cannot be written literally inside a quoted AppArmor string.
    static func checkLiteral(_ value: String, what: String, tag: String) throws(SandboxError) {
        guard let bad = value.first(where: forbiddenCharacters.contains) else { return }
        let shown = bad.unicodeScalars.first.map { "U+\(String($0.value, radix: 16, uppercase: true))" } ?? ""
        throw SandboxError(
            "cannot write the AppArmor profile of \(tag): the \(what) \"\(value)\" holds the character \(shown), "
                + "which AppArmor reads as a pattern"
        )
    }

    /// A quoted AppArmor string; callers have checked the value with ``checkLiteral``.
    static func quoted(_ value: String) -> String { "\"\(value)\"" }

    /// What a strict or devmode program may do.
    static let strictRules: [String] = [
        "  #include <abstractions/base>",
        "  #include <abstractions/consoles>",
        "",
        "  # The base's programs and libraries, and the launcher's snap-exec.",
        "  /{,usr/}{,s}bin/ r,",
        "  /{,usr/}{,s}bin/** mrix,",
        "  /{,usr/}lib{,32,64,x32}/ r,",
        "  /{,usr/}lib{,32,64,x32}/** mrix,",
        "  /usr/share/** r,",
        "  /etc/** r,",
        "  /usr/lib/snapd/snap-exec mrix,",
        "",
        "  # The snap's own files: read-only squashfs.",
        "  \"@{INSTALL_DIR}/@{SNAP_NAME}/\" r,",
        "  \"@{INSTALL_DIR}/@{SNAP_NAME}/@{SNAP_REVISION}/\" r,",
        "  \"@{INSTALL_DIR}/@{SNAP_NAME}/@{SNAP_REVISION}/**\" mrklix,",
        "",
        "  # The revision's and the common data, system-wide and per user.",
        "  \"/var/snap/@{SNAP_INSTANCE_NAME}/\" r,",
        "  \"/var/snap/@{SNAP_INSTANCE_NAME}/{@{SNAP_REVISION},common}/\" rw,",
        "  \"/var/snap/@{SNAP_INSTANCE_NAME}/{@{SNAP_REVISION},common}/**\" mrwklix,",
        "  owner \"@{HOME}/snap/@{SNAP_INSTANCE_NAME}/\" r,",
        "  owner \"@{HOME}/snap/@{SNAP_INSTANCE_NAME}/{@{SNAP_REVISION},common}/\" rw,",
        "  owner \"@{HOME}/snap/@{SNAP_INSTANCE_NAME}/{@{SNAP_REVISION},common}/**\" mrwklix,",
        "",
        "  # The private /tmp, shared memory and the per-user runtime directory.",
        "  /tmp/ r,",
        "  /tmp/** mrwlkix,",
        "  \"/{dev,run}/shm/snap.@{SNAP_INSTANCE_NAME}.**\" mrwlk,",
        "  owner \"/run/user/[0-9]*/snap.@{SNAP_INSTANCE_NAME}/\" rw,",
        "  owner \"/run/user/[0-9]*/snap.@{SNAP_INSTANCE_NAME}/**\" mrwklix,",
        "",
        "  # Devices every program uses.",
        "  /dev/{null,zero,full} rw,",
        "  /dev/{random,urandom} r,",
        "  /dev/tty rw,",
        "  /dev/ptmx rw,",
        "  /dev/pts/[0-9]* rw,",
        "",
        "  # A few /proc and cgroup files.",
        "  @{PROC}/{cpuinfo,meminfo,loadavg,uptime,stat,version} r,",
        "  @{PROC}/sys/kernel/{hostname,osrelease,ostype,pid_max,random/uuid} r,",
        "  @{PROC}/sys/vm/overcommit_memory r,",
        "  owner @{PROC}/@{pid}/{cgroup,cmdline,comm,environ,limits,maps,mountinfo,mounts,stat,statm,status} r,",
        "  owner @{PROC}/@{pid}/{fd,fdinfo,task}/ r,",
        "  owner @{PROC}/@{pid}/fdinfo/* r,",
        "  owner @{PROC}/@{pid}/task/@{tid}/{comm,stat,status} r,",
        "  /sys/devices/system/cpu/ r,",
        "  /sys/devices/system/cpu/{online,possible,present} r,",
        "  /sys/fs/cgroup/ r,",
        "  \"/sys/fs/cgroup/**/snap.@{SNAP_INSTANCE_NAME}.*/**\" r,",
        "",
        "  # Signals, unix sockets and D-Bus only among the snap's own programs; anyone may signal it.",
        "  signal (send, receive) peer=snap.@{SNAP_INSTANCE_NAME}.*,",
        "  signal (receive),",
        "  unix (connect, send, receive) peer=(label=snap.@{SNAP_INSTANCE_NAME}.*),",
        "  unix (create, bind, listen, getattr, setattr, getopt, setopt, shutdown),",
        "  dbus (send, receive) peer=(label=snap.@{SNAP_INSTANCE_NAME}.*),",
        "",
        // No network, mount or pivot_root rule: AppArmor denies what no rule allows, and an
        // explicit deny would also override what a connected interface grants later.
        "  # No network and no mounts (nothing grants them); tracing is refused outright.",
        "  deny ptrace (trace),",
    ]

    /// What a classic program may do: anything its user may.
    static let classicRules: [String] = [
        "  #include <abstractions/base>",
        "",
        "  # Classic confinement: the program runs on the host with its user's rights.",
        "  /{,**} mrwlkix,",
        "  capability,",
        "  network,",
        "  mount,",
        "  remount,",
        "  umount,",
        "  pivot_root,",
        "  signal,",
        "  ptrace,",
        "  unix,",
        "  dbus,",
        "  change_profile,",
    ]

    /// Access to the places the snap's layouts put things, quoted.
    static func layoutRules(_ target: SecurityTarget) throws(SandboxError) -> [String] {
        guard !target.info.layout.isEmpty else { return [] }
        var lines = ["", "  # Layouts."]
        for entry in target.info.layout {
            let path = MountProfile.expand(entry.path, info: target.info, revision: target.revision)
            try checkLiteral(path, what: "layout path", tag: target.tag.description)
            if case .symlink? = entry.kind {
                lines.append("  \(quoted(path)) r,")
                continue
            }
            lines.append("  \(quoted(path)) mrwklix,")
            lines.append("  \(quoted(path + "/**")) mrwklix,")
        }
        return lines
    }
}
