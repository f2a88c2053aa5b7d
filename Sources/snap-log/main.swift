// snap-log: reads a copy of a device's state database offline, with no daemon running,
// and prints its changes, the events of one change, or the state of every projection
// as of any event. The file given is never written: it is copied to a private scratch
// directory first (with its write-ahead log) and everything happens on the copy.

#if canImport(Glibc)
import Glibc
#endif

let usage = """
    Usage:
      snap-log changes DATABASE [--until SEQ|TIME]
      snap-log tasks DATABASE CHANGE-ID [--until SEQ|TIME]
      snap-log events DATABASE [--change CHANGE-ID] [--until SEQ|TIME]
      snap-log state DATABASE [--until SEQ|TIME]

    Reads a copy of a snapd state database offline. Copy state.db together with the
    state.db-wal file beside it, if there is one: recent events may be only there.

      changes   the changes, as `snap changes` lists them
      tasks     the tasks of one change, with their log lines
      events    the event log, or the events of one change
      state     every projection table

    Options:
      --until SEQ|TIME   show things as they were after event SEQ, or at TIME (RFC 3339)
      --change ID        only the events of this change
    """

do {
    let command = try SnapLogCommand(arguments: Array(CommandLine.arguments.dropFirst()))
    try command.run()
    exit(0)
} catch let error as SnapLogCommand.UsageError {
    writeError("error: \(error.message)\n\n\(usage)\n")
    exit(64)
} catch {
    writeError("error: \(error)\n")
    exit(1)
}

func writeError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}
