extension Epoch {
    /// Reads an epoch in any of snap.yaml's forms and checks it as snapd does while decoding.
    ///
    /// - Throws: ``SnapYAMLError`` of kind `.decoding`, e.g. `0* is an invalid epoch`.
    public init(yaml node: YAMLNode) throws(SnapYAMLError) {
        let decoder = YAMLDecoder()
        try self.init(yaml: node, decoder: decoder)
        try decoder.finish()
    }

    /// Reads an epoch; a node of the wrong shape is a type error left in `decoder`.
    init(yaml node: YAMLNode, decoder: YAMLDecoder) throws(SnapYAMLError) {
        if let text = node.scalarText {
            self = try Epoch(shortForm: text)
        } else if let fields = node.mapping {
            let read = try Self.numbers(fields["read"])
            let write = try Self.numbers(fields["write"])
            switch (read, write) {
            case (nil, nil): self.init()
            case (let read?, nil): self.init(read: read, write: read.last.map { [$0] } ?? [])
            case (nil, let write?): self.init(read: write, write: write)
            case (let read?, let write?): self.init(read: read, write: write)
            }
        } else {
            decoder.mismatch(node, into: "snap.structuredEpoch")
            self.init()
            return
        }
        try check()
    }

    /// Reads `N` (`[N]` both ways) or `N*` (reads `[N-1, N]`, writes `[N]`); empty is zero.
    public init(shortForm text: String) throws(SnapYAMLError) {
        if text.isEmpty {
            self.init()
            return
        }
        if text.hasSuffix("*") {
            let number = try Self.number(String(text.dropLast()))
            guard number > 0 else { throw SnapYAMLError(.decoding, "0* is an invalid epoch") }
            self.init(read: [number - 1, number], write: [number])
        } else {
            let number = try Self.number(text)
            self.init(read: [number], write: [number])
        }
    }

    /// Applies snapd's epoch rules to both lists.
    public func check() throws(SnapYAMLError) {
        for list in [read, write] {
            if list.isEmpty { throw SnapYAMLError(.decoding, "epoch list cannot be explicitly empty") }
            if list.count > 10 { throw SnapYAMLError(.decoding, "epoch list must not have more than 10 entries") }
            for (earlier, later) in zip(list, list.dropFirst()) where earlier >= later {
                throw SnapYAMLError(.decoding, "epoch list must be a strictly increasing sequence")
            }
        }
        guard read.contains(where: write.contains) else {
            throw SnapYAMLError(.decoding, "epoch read and write lists must have a non-empty intersection")
        }
    }

    /// Reads a list of epoch numbers; nil when absent or null, `[]` when written empty.
    private static func numbers(_ node: YAMLNode?) throws(SnapYAMLError) -> [UInt32]? {
        guard let node, !node.isNull else { return nil }
        let failure = SnapYAMLError(.decoding, "epoch read/write attributes must be lists of epoch numbers")
        guard let items = node.sequence else { throw failure }
        var result: [UInt32] = []
        for item in items {
            guard let text = item.scalarText else { throw failure }
            result.append(try number(text))
        }
        return result
    }

    /// Reads one number: base 10, no sign, no zero padding, below 2³².
    private static func number(_ text: String) throws(SnapYAMLError) -> UInt32 {
        let digitsOnly = !text.isEmpty && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        guard digitsOnly, text == "0" || !text.hasPrefix("0") else {
            throw SnapYAMLError(
                .decoding,
                "epoch numbers must be base 10 with no zero padding, but got \(quoted(text))"
            )
        }
        guard let value = UInt32(text) else {
            throw SnapYAMLError(.decoding, "epoch numbers must be less than 2³², but got \(quoted(text))")
        }
        return value
    }
}
