import SnapAPI
import SnapClient

#if canImport(Glibc)
import Glibc
#endif

/// Waits for a change as the real client does, polling `GET /v2/changes/ID` until the
/// change is ready: at once, then after 5, 10, 20 and 40 ms, then every 100 ms. Most local
/// changes take a few milliseconds, so the short first pauses spare a user the real
/// client's fixed 100 ms wait, and the longer ones keep a slow change cheap to follow.
///
/// While it waits it follows the first task that is `Doing`: with a progress total of
/// 1 it shows a spinner labelled with the task's summary and prints each new last log
/// line of that task (also when standard output is not a terminal); with a larger total
/// it shows a bar. Spinner and bar are drawn only on a terminal. Ctrl-C asks the daemon
/// to abort the change once, and the waiting goes on until the change is over.
struct ChangeWaiter {
    let connection: DaemonConnection
    let console: Console

    /// The ready change.
    ///
    /// - Throws: ``CommandFailure`` for an error reply, a change that did not end in
    ///   `Done`, or a pending system restart (`snapd is about to reboot the system`,
    ///   which ends the command with status 0).
    func wait(for id: String) throws(CommandFailure) -> ChangeRecord {
        var meter = ProgressMeter(console: console)
        var lastLog = ""
        var aborted = false
        var pauses = [5, 10, 20, 40][...]
        defer { meter.finish() }
        Interruption.startCatching()

        while true {
            if Interruption.takeReceived(), !aborted {
                aborted = true
                _ = try? connection.postSync("/v2/changes/\(id)", text: "{\"action\":\"abort\"}\n")
            }
            let reply: SyncReply<JSONValue>
            do {
                reply = try connection.get("/v2/changes/\(id)")
            } catch {
                meter.finish()
                throw ErrorReport.failure(for: error)
            }
            if reply.notes.maintenance?.kind == ErrorKind.systemRestart {
                meter.finish()
                throw CommandFailure(text: "snapd is about to reboot the system\n", exitStatus: 0)
            }

            let change = ChangeRecord(json: reply.result)
            if let task = change.tasks.first(where: { $0.status == "Doing" }) {
                if task.progressTotal <= 1 {
                    meter.spin(task.summary)
                    let log = task.log.last ?? ""
                    if log != lastLog {
                        meter.notify(log)
                        lastLog = log
                    }
                } else {
                    meter.show(task.summary, done: task.progressDone, total: task.progressTotal)
                }
            }

            if change.ready {
                meter.finish()
                return try outcome(of: change)
            }
            let milliseconds = pauses.popFirst() ?? 100
            var pause = timespec(tv_sec: 0, tv_nsec: milliseconds * 1_000_000)
            nanosleep(&pause, nil)
        }
    }

    /// The change when it is `Done`, else its error.
    private func outcome(of change: ChangeRecord) throws(CommandFailure) -> ChangeRecord {
        if change.status == "Done" {
            return change
        }
        if !change.error.isEmpty {
            throw .error(change.error)
        }
        throw .error("change finished in status \(ErrorReport.quoted(change.status)) with no error message")
    }
}
