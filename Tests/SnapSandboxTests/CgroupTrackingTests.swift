import Foundation
import SnapSandbox
import Testing

/// Tracking groups and limits, joined by a real child process on the host's cgroups.
/// Each test uses its own snap name and removes its groups, also when it fails.
@Suite("cgroup tracking groups and limits", .enabled(if: confinementTestsRunAsRoot))
struct CgroupTrackingTests {
    /// The hierarchy read independently from the mount table.
    static func hierarchyFromMounts() throws -> TrackingGroup.Hierarchy {
        let mounts = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
        var types: [String: String] = [:]
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if fields.count > 2 { types[fields[1]] = fields[2] }
        }
        if types["/sys/fs/cgroup"] == "cgroup2" { return .unified }
        if types["/sys/fs/cgroup"] == "tmpfs", types["/sys/fs/cgroup/unified"] == "cgroup2" { return .hybrid }
        return .legacy
    }

    /// A snap name no other test uses.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
    }

    /// The group directory of `/proc/PID/cgroup`'s line for `controller` ("" for v2).
    static func membership(_ lines: [String], controller: String) -> String? {
        for line in lines where line.hasPrefix("cgroup ") {
            let fields = line.dropFirst("cgroup ".count).split(
                separator: ":",
                maxSplits: 2,
                omittingEmptySubsequences: false
            )
            .map(String.init)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",")
            if controllers.contains(Substring(controller)) || (controller.isEmpty && fields[1].isEmpty) {
                return fields[2]
            }
        }
        return nil
    }

    @Test("the hierarchy detected matches the mount table")
    func detection() throws {
        #expect(try TrackingGroup.detectHierarchy() == Self.hierarchyFromMounts())
    }

    @Test("the probe is tracked and limited, isRunning follows it, and its groups are removed after")
    func trackingAndLimits() throws {
        let hierarchy = try TrackingGroup.detectHierarchy()
        // This test reads the v1 groups; the v2 device program has its own test below.
        guard hierarchy != .unified else { return }
        let name = Self.uniqueName("cgprobe")
        defer { TrackingGroup.removeEmptyGroups(snapName: name) }

        let probe = try ConfinementProbe([
            "cgroup", "snap.\(name).app", "5", "67108864", "devices", "--",
            "show-cgroup", "fork", "10", "open", "/dev/kmsg", "open", "/dev/null", "hold",
        ])
        defer { probe.stop() }
        let lines = probe.lines(through: "holding")
        let groups = lines.filter { $0.hasPrefix("group ") }.map { String($0.dropFirst("group ".count)) }

        // Membership, as the kernel reports it.
        let scope = try #require(Self.membership(lines, controller: ""))
        #expect(scope.hasPrefix("/snap.slice/snap.\(name).app-") && scope.hasSuffix(".scope"))
        #expect(scope.count == "/snap.slice/snap.\(name).app-".count + 36 + ".scope".count)
        #expect(Self.membership(lines, controller: "freezer") == "/snap.\(name)")
        #expect(Self.membership(lines, controller: "pids") == "/snap.\(name).app")
        #expect(Self.membership(lines, controller: "devices") == "/snap.\(name).app")
        if access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) == 0 {
            #expect(Self.membership(lines, controller: "memory") == "/snap.\(name).app")
            let limitFile = "/sys/fs/cgroup/memory/snap.\(name).app/memory.limit_in_bytes"
            let limit = try String(contentsOfFile: limitFile, encoding: .utf8)
            #expect(limit == "67108864\n")
        }

        #expect(lines.contains("devices restricted"))
        // The probe is one task of five: four children fit, the fifth fork fails.
        #expect(lines.contains("forked 4 EAGAIN"))
        // /dev/kmsg (c 1:11) is not on the allow list, /dev/null is.
        let opens = lines.filter { $0 == "ok" || $0.hasPrefix("E") }
        #expect(opens.suffix(3) == ["ok", "EPERM", "ok"])

        #expect(TrackingGroup.isRunning(snapName: name))
        #expect(!TrackingGroup.isRunning(snapName: String(name.dropLast())))
        TrackingGroup.removeEmptyGroups(snapName: name)
        #expect(groups.allSatisfy { access($0, F_OK) == 0 }, "groups in use must stay")

        let result = probe.finish()
        #expect(result.status == 0, "\(result.errors)")
        #expect(!TrackingGroup.isRunning(snapName: name))
        TrackingGroup.removeEmptyGroups(snapName: name)
        let memoryMounted = access("/sys/fs/cgroup/memory/cgroup.procs", F_OK) == 0
        #expect(groups.count == (memoryMounted ? 5 : 4) - (hierarchy == .legacy ? 1 : 0))
        for group in groups {
            #expect(access(group, F_OK) != 0, "\(group) was not removed")
        }
    }

    @Test("without limits or device control the probe only gets its tracking groups, and opens /dev/kmsg")
    func trackingOnly() throws {
        let name = Self.uniqueName("cgplain")
        defer { TrackingGroup.removeEmptyGroups(snapName: name) }
        let lines = try ConfinementProbe.run([
            "cgroup", "snap.\(name).hook.configure", "-", "-", "no-devices", "--", "show-cgroup", "fork", "6",
            "open", "/dev/kmsg",
        ])
        let groups = lines.filter { $0.hasPrefix("group ") }
        let hierarchy = try TrackingGroup.detectHierarchy()
        #expect(groups.count == (hierarchy == .hybrid ? 2 : 1))
        #expect(Self.membership(lines, controller: "")?.hasPrefix("/snap.slice/snap.\(name).hook.configure-") == true)
        if hierarchy != .unified {
            #expect(Self.membership(lines, controller: "freezer") == "/snap.\(name)")
            #expect(Self.membership(lines, controller: "devices") != "/snap.\(name).hook.configure")
        }
        #expect(lines.contains("forked 6"))
        #expect(!lines.contains("devices restricted"))
        #expect(lines.last == "ok")
        TrackingGroup.removeEmptyGroups(snapName: name)
        for group in groups { #expect(access(String(group.dropFirst("group ".count)), F_OK) != 0) }
    }

    @Test("a launch removes the empty scopes earlier launches of the app left, and keeps others")
    func emptyScopesDoNotPileUp() throws {
        let hierarchy = try TrackingGroup.detectHierarchy()
        let root = try #require(TrackingGroup.unifiedRoot(hierarchy), "no cgroup v2 tree on this host")
        let name = Self.uniqueName("cgscopes")
        defer { TrackingGroup.removeEmptyGroups(snapName: name) }
        let slice = root + "/" + TrackingGroup.sliceName
        func scopes(_ tag: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: slice).filter {
                $0.hasPrefix(tag + "-") && $0.hasSuffix(".scope")
            }
        }

        // Another app of the snap left an empty scope: it is not this app's to remove.
        let other = "snap.\(name).other"
        _ = try ConfinementProbe.run(["cgroup", other, "-", "-", "no-devices", "--", "show-cgroup"])
        let app = "snap.\(name).app"
        var seen: [String] = []
        for _ in 0..<3 {
            _ = try ConfinementProbe.run(["cgroup", app, "-", "-", "no-devices", "--", "show-cgroup"])
            let now = try scopes(app)
            #expect(now.count == 1, "\(now)")
            seen += now
        }
        #expect(Set(seen).count == 3, "each launch has a scope of its own: \(seen)")
        #expect(try scopes(other).count == 1)
    }

    @Test("a v2 group's eBPF device program allows the default devices and denies the rest")
    func deviceProgramOnV2() throws {
        let hierarchy = try TrackingGroup.detectHierarchy()
        let root = try #require(TrackingGroup.unifiedRoot(hierarchy), "no cgroup v2 tree on this host")
        let group = root + "/" + Self.uniqueName("cgdevices")
        #expect(mkdir(group, 0o755) == 0)
        defer { rmdir(group) }
        var actions = ["open", "/dev/kmsg", "open", "/dev/null", "open", "/dev/zero", "open", "/dev/ptmx"]
        // A block device, when the host has one that root could otherwise open.
        let loop = (0..<8).map { (index: Int) -> String in "/dev/loop\(index)" }.first { (path: String) in
            access(path, F_OK) == 0
        }
        if let loop { actions += ["open", loop] }
        let lines = try ConfinementProbe.run(["device-filter", group, "--"] + actions)
        #expect(lines.first == "devices restricted")
        // /dev/kmsg (c 1:11) and any block device are off the list; null, zero and ptmx are on it.
        var expected = ["EPERM", "ok", "ok", "ok"]
        if loop != nil { expected.append("EPERM") }
        #expect(Array(lines.dropFirst()) == expected, "\(lines)")
    }

    @Test("a failed write names the file")
    func errorsNameTheFile() throws {
        guard try TrackingGroup.detectHierarchy() != .unified else { return }
        let name = Self.uniqueName("cgbad")
        defer { TrackingGroup.removeEmptyGroups(snapName: name) }
        let tag = try SecurityTag(instanceName: name, app: "app")
        #expect {
            _ = try TrackingGroup.join(tag: tag, pid: Int32.max, pidsMax: -5, memoryMax: nil, restrictDevices: false)
        } throws: { error in
            (error as? SandboxError)?.message == "writing \"-5\" to /sys/fs/cgroup/pids/snap.\(name).app/pids.max"
        }
    }
}
