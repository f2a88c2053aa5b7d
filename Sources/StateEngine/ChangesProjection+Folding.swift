/// Folding the engine's events into change images, as the statements in
/// `ChangesProjection+Statements.swift` would apply them.
///
/// Each function reads and checks everything first and changes the image last, so an event
/// it declines (returning false) can go to its statement untouched.
extension ChangesProjection {
    typealias Span = PayloadScanner.Span
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Folds `event` into its change's image when the payload and the image allow it; false
    /// when its statement must apply it.
    func fold(_ event: EventFields, _ kind: EngineEventKind, changeID: Int64) throws -> Bool {
        let bytes = event.payload
        switch kind {
        case .taskStatus: return try foldTaskStatus(event, changeID, bytes)
        case .taskLog: return try foldTaskLog(event, changeID, bytes)
        case .taskProgress: return try foldTaskProgress(event, changeID, bytes)
        case .taskAdded: return try foldTaskAdded(event, changeID, bytes)
        case .changeAdded: return try foldChangeAdded(event, changeID, bytes)
        case .taskData: return try foldTaskData(event, changeID, bytes)
        case .changeData: return try foldChangeData(changeID, bytes)
        case .changeAbort: return try foldChangeAbort(changeID)
        }
    }

    // MARK: Changes

    private func foldChangeAdded(_ event: EventFields, _ changeID: Int64, _ bytes: Bytes) throws -> Bool {
        guard let members = Self.members(of: bytes, "kind", "summary", "status", "data", "snap-names"),
            let kind = members.0.flatMap({ PayloadScanner.text($0, in: bytes) }),
            let summary = members.1.flatMap({ PayloadScanner.text($0, in: bytes) }),
            let explicitStatus = Self.optionalText(members.2, bytes),
            let data = Self.objectJSON(members.3, bytes),
            let snapNames = Self.texts(members.4, bytes)
        else { return false }
        guard let image = try image(for: changeID), image.change == nil else { return false }

        image.change = ChangeImage.Change(
            kind: kind,
            summary: summary,
            status: "",
            explicitStatus: explicitStatus,
            ready: 0,
            err: nil,
            spawnTime: event.timeText,
            readyTime: nil,
            data: data,
            abortRequested: 0
        )
        image.isChangeStored = false
        for name in snapNames { pendingSnaps.append((changeID, name)) }
        touch(image)
        return true
    }

    private func foldChangeData(_ changeID: Int64, _ bytes: Bytes) throws -> Bool {
        guard let (key, value) = Self.keyAndValue(bytes), let image = try image(for: changeID) else { return false }
        if let data = image.change?.data {
            guard let updated = Self.setting(key, to: value, in: data) else { return false }
            if updated != data {
                image.change?.data = updated
                image.isChangeModified = true
            }
        }
        touch(image)
        return true
    }

    private func foldChangeAbort(_ changeID: Int64) throws -> Bool {
        guard let image = try image(for: changeID) else { return false }
        if let change = image.change, change.abortRequested != 1 {
            image.change?.abortRequested = 1
            image.isChangeModified = true
        }
        touch(image)
        return true
    }

    // MARK: Tasks

    private func foldTaskAdded(_ event: EventFields, _ changeID: Int64, _ bytes: Bytes) throws -> Bool {
        guard let taskID = event.taskID,
            let members = Self.members(of: bytes, "kind", "summary", "status", "data", "wait-for"),
            let kind = members.0.flatMap({ PayloadScanner.text($0, in: bytes) }),
            let summary = members.1.flatMap({ PayloadScanner.text($0, in: bytes) }),
            let status = Self.optionalText(members.2, bytes),
            let data = Self.objectJSON(members.3, bytes)
        else { return false }
        guard let image = try image(for: changeID), image.index(ofTask: taskID) == nil,
            queueEdges(of: taskID, members.4, bytes)
        else { return false }

        image.append(
            ChangeImage.Task(
                id: taskID,
                kind: kind,
                summary: summary,
                status: status ?? TaskStatus.do.rawValue,
                spawnTime: event.timeText,
                readyTime: nil,
                progressLabel: "",
                progressDone: 0,
                progressTotal: 1,
                data: data,
                error: nil,
                isStored: false,
                isModified: false
            )
        )
        touch(image)
        return true
    }

    private func foldTaskStatus(_ event: EventFields, _ changeID: Int64, _ bytes: Bytes) throws -> Bool {
        guard let (image, index) = try task(of: event, changeID),
            let members = Self.members(of: bytes, "status", "error"),
            let status = members.0.flatMap({ PayloadScanner.text($0, in: bytes) }),
            let error = Self.optionalText(members.1, bytes)
        else { return false }

        let readyTime = Self.isReadyStatusText(status) ? event.timeText : nil
        image.modifyTask(at: index) { task in
            task.status = status
            if let error { task.error = error }
            task.readyTime = readyTime
        }
        touch(image)
        return true
    }

    private func foldTaskProgress(_ event: EventFields, _ changeID: Int64, _ bytes: Bytes) throws -> Bool {
        guard let (image, index) = try task(of: event, changeID),
            let members = Self.members(of: bytes, "label", "done", "total"),
            let label = members.0.flatMap({ PayloadScanner.text($0, in: bytes) }),
            let done = members.1.flatMap({ PayloadScanner.integer($0, in: bytes) }),
            let total = members.2.flatMap({ PayloadScanner.integer($0, in: bytes) })
        else { return false }

        image.modifyTask(at: index) { task in
            task.progressLabel = label
            task.progressDone = done
            task.progressTotal = total
        }
        touch(image)
        return true
    }

    private func foldTaskLog(_ event: EventFields, _ changeID: Int64, _ bytes: Bytes) throws -> Bool {
        guard let taskID = event.taskID, let members = Self.members(of: bytes, "line"),
            let line = members.0.flatMap({ PayloadScanner.text($0, in: bytes) }),
            let image = try image(for: changeID)
        else { return false }

        pendingLog.append((taskID, event.sequence, line))
        touch(image)
        return true
    }

    private func foldTaskData(_ event: EventFields, _ changeID: Int64, _ bytes: Bytes) throws -> Bool {
        guard let (image, index) = try task(of: event, changeID), let (key, value) = Self.keyAndValue(bytes),
            let data = Self.setting(key, to: value, in: image.tasks[index].data)
        else { return false }

        image.modifyTask(at: index) { $0.data = data }
        touch(image)
        return true
    }

    /// The image holding the event's task and the task's position; nil when the task is not
    /// one of the change's (the statement then decides what happens).
    private func task(of event: EventFields, _ changeID: Int64) throws -> (ChangeImage, Int)? {
        guard let taskID = event.taskID, let image = try image(for: changeID),
            let index = image.index(ofTask: taskID)
        else { return nil }
        return (image, index)
    }

    /// The statuses for which a task-status event sets the task's ready time.
    private static func isReadyStatusText(_ status: String) -> Bool {
        status == "Done" || status == "Undone" || status == "Hold" || status == "Error"
    }

    // MARK: Payload members

    /// The spans of the members named (up to five; "" for none); nil when the payload is not
    /// an object or has one of them twice.
    static func members(
        of bytes: Bytes,
        _ first: StaticString,
        _ second: StaticString = "",
        _ third: StaticString = "",
        _ fourth: StaticString = "",
        _ fifth: StaticString = ""
    ) -> (Span?, Span?, Span?, Span?, Span?)? {
        var found: (Span?, Span?, Span?, Span?, Span?) = (nil, nil, nil, nil, nil)
        func keep(_ slot: inout Span?, _ value: Span) -> Bool {
            guard slot == nil else { return false }
            slot = value
            return true
        }
        let scanned = PayloadScanner.forEachMember(in: bytes) { name, value in
            if isName(name, first) { return keep(&found.0, value) }
            if isName(name, second) { return keep(&found.1, value) }
            if isName(name, third) { return keep(&found.2, value) }
            if isName(name, fourth) { return keep(&found.3, value) }
            if isName(name, fifth) { return keep(&found.4, value) }
            return true
        }
        return scanned ? found : nil
    }

    private static func isName(_ name: Bytes, _ expected: StaticString) -> Bool {
        let count = expected.utf8CodeUnitCount
        guard count > 0, name.count == count else { return false }
        let start = expected.utf8Start
        for index in 0..<count where name[index] != start[index] { return false }
        return true
    }

    /// A member read with `->>` where NULL is allowed: `.some(nil)` when absent or null,
    /// `.some(text)` for a string, nil otherwise.
    static func optionalText(_ span: Span?, _ bytes: Bytes) -> String?? {
        guard let span, !span.isNull else { return .some(nil) }
        return PayloadScanner.text(span, in: bytes).map { .some($0) }
    }

    /// A `data` member as `coalesce(p -> '$.data', '{}')` gives it, for an absent member or
    /// an object; nil otherwise.
    static func objectJSON(_ span: Span?, _ bytes: Bytes) -> String? {
        guard let span else { return "{}" }
        guard span.kind == .object else { return nil }
        return PayloadScanner.json(span, in: bytes)
    }

    /// The strings of an array member (none when absent); nil for anything else.
    static func texts(_ span: Span?, _ bytes: Bytes) -> [String]? {
        guard let span else { return [] }
        var values: [String] = []
        let scanned = PayloadScanner.forEachElement(of: span, in: bytes) { element in
            guard let text = PayloadScanner.text(element, in: bytes) else { return false }
            values.append(text)
            return true
        }
        return scanned ? values : nil
    }

    /// Queues an edge for each integer of the `wait-for` member (none when absent); false,
    /// with nothing queued, when it holds anything else.
    private func queueEdges(of taskID: Int64, _ span: Span?, _ bytes: Bytes) -> Bool {
        guard let span else { return true }
        let queued = pendingEdges.count
        let scanned = PayloadScanner.forEachElement(of: span, in: bytes) { element in
            guard let target = PayloadScanner.integer(element, in: bytes) else { return false }
            pendingEdges.append((taskID, target))
            return true
        }
        if !scanned { pendingEdges.removeLast(pendingEdges.count - queued) }
        return scanned
    }

    /// The `key` (a plain member name) and the JSON text of `value` of a data event.
    static func keyAndValue(_ bytes: Bytes) -> (key: String, value: String)? {
        guard let members = members(of: bytes, "key", "value"), let keySpan = members.0,
            keySpan.kind == .string, keySpan.isPlain, let valueSpan = members.1
        else { return nil }
        let name = UnsafeBufferPointer(rebasing: bytes[(keySpan.start + 1)..<(keySpan.end - 1)])
        guard PayloadScanner.isPlainName(name), let key = PayloadScanner.text(keySpan, in: bytes) else { return nil }
        return (key, PayloadScanner.json(valueSpan, in: bytes))
    }

    /// `json_set(object, '$."key"', json(value))`: the member's value replaced in place, or
    /// the member appended; nil when `object` is not an object whose members have plain,
    /// distinct-from-`key` names (apart from one occurrence of `key`).
    static func setting(_ key: String, to value: String, in object: String) -> String? {
        var object = object
        return object.withUTF8 { bytes -> String? in
            var found: Span?
            var lastEnd: Int?
            let keyBytes = Array(key.utf8)
            let scanned = PayloadScanner.forEachMember(in: bytes) { name, span in
                lastEnd = span.end
                guard name.elementsEqual(keyBytes) else { return true }
                guard found == nil else { return false }
                found = span
                return true
            }
            guard scanned else { return nil }

            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + keyBytes.count + value.utf8.count + 4)
            if let found {
                out.append(contentsOf: bytes[0..<found.start])
                out.append(contentsOf: value.utf8)
                out.append(contentsOf: bytes[found.end...])
            } else {
                guard let closing = bytes.lastIndex(of: UInt8(ascii: "}")) else { return nil }
                out.append(contentsOf: bytes[0..<closing])
                if lastEnd != nil { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: keyBytes)
                out.append(contentsOf: "\":".utf8)
                out.append(contentsOf: value.utf8)
                out.append(contentsOf: bytes[closing...])
            }
            // SQLite writes the whole object back without whitespace.
            return out.withUnsafeBufferPointer { result in
                let whole = Span(kind: .object, start: 0, end: result.count, isPlain: false, isNull: false)
                return PayloadScanner.json(whole, in: result)
            }
        }
    }
}
