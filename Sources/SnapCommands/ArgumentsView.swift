import ArgumentParsing

/// Readings of parsed arguments that several commands share.
struct ArgumentsView {
    let parsed: ParsedArguments

    /// The channel from `--channel` or one of `--stable`, `--candidate`, `--beta`,
    /// `--edge`; empty when none is given.
    ///
    /// - Throws: ``CommandFailure`` when more than one channel is given.
    func channel() throws(CommandFailure) -> String {
        var chosen: [String] = []
        if let channel = parsed.option("channel"), !channel.isEmpty { chosen.append(channel) }
        for risk in ["stable", "candidate", "beta", "edge"] where parsed.flag(risk) {
            chosen.append(risk)
        }
        guard chosen.count <= 1 else { throw .error("Please specify a single channel") }
        return chosen.first ?? ""
    }
}
