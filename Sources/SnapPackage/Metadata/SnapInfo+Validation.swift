extension SnapInfo {
    /// Applies snapd's validation rules to a parsed snap.
    ///
    /// - Throws: ``SnapYAMLError`` with snapd's message for the first rule broken.
    public func validate() throws(SnapYAMLError) {
        if name.isEmpty { throw invalid("snap name cannot be empty") }
        if !Identifiers.isValidSnapName(name) { throw invalid("invalid snap name: \(quoted(name))") }
    }

    /// A validation error for this snap.
    func invalid(_ reason: String) -> SnapYAMLError {
        SnapYAMLError(.validation(snap: name), reason)
    }
}
