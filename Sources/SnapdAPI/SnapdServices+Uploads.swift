import Glibc
import SQLite
import SnapAPI
import StateEngine

extension SnapdServices {
    /// Deletes the upload of an install change once the change is finished, whatever its
    /// outcome (the change's last task deletes it already when everything succeeds).
    func removeUpload(_ path: String, whenDone changeID: Int64) {
        let engine = self.engine
        Task.detached {
            await engine.waitForChange(changeID)
            unlink(path)
        }
    }

    /// After a restart: deletes uploads that no unfinished change refers to, and arranges
    /// for the others to go when their change finishes.
    func sweepUploads() async {
        let pending = (try? await read(Self.pendingUploads)) ?? [:]
        if let directory = opendir(uploadDirectory) {
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                let path = uploadDirectory + "/" + name
                guard name != ".", name != "..", pending[path] == nil, entry.pointee.d_type == DT_REG else { continue }
                logger.info("removing an upload no change needs", metadata: ["path": path])
                unlink(path)
            }
        }
        for (path, changeID) in pending { removeUpload(path, whenDone: changeID) }
    }

    /// The upload each unfinished install change still reads, with the change's id.
    @Sendable private static func pendingUploads(_ database: Connection) throws -> [String: Int64] {
        var uploads: [String: Int64] = [:]
        try database.prepare(
            """
            SELECT t.change_id, t.data FROM tasks t JOIN changes c ON c.id = t.change_id
            WHERE c.ready = 0 AND t.kind = 'prepare-snap'
            """
        ).forEachRow { row in
            let data = try? JSONValue(parsing: row.string(1))
            if let path = data?["snap-setup"]?["source-file"]?.stringValue { uploads[path] = row.int64(0) }
        }
        return uploads
    }
}
