/// The progress display while a change runs: a spinner with a label, or a bar with a
/// percentage, redrawn in place on a terminal; nothing but notices elsewhere.
struct ProgressMeter {
    let console: Console
    private var spinnerStep = 0
    private var drawn = false

    /// A meter writing to `console`.
    init(console: Console) {
        self.console = console
    }

    private static let spinner: [Character] = ["|", "/", "-", "\\"]

    /// Shows a spinner labelled `label`.
    mutating func spin(_ label: String) {
        guard console.outputIsTerminal else { return }
        spinnerStep = (spinnerStep + 1) % Self.spinner.count
        draw("\(label) \(Self.spinner[spinnerStep])")
    }

    /// Shows a bar for `done` of `total`.
    mutating func show(_ label: String, done: Int64, total: Int64) {
        guard console.outputIsTerminal, total > 0 else { return }
        let fraction = Double(min(max(done, 0), total)) / Double(total)
        let percent = Int(fraction * 100)
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        draw("\(label) [\(bar)] \(percent)%")
    }

    /// Prints `message` on a line of its own, above the spinner on a terminal.
    mutating func notify(_ message: String) {
        clear()
        console.out(message + "\n")
    }

    /// Removes whatever the meter drew.
    mutating func finish() {
        clear()
    }

    private mutating func draw(_ line: String) {
        let columns = 79
        let shown = line.count > columns ? String(line.prefix(columns - 1)) + "…" : line
        console.out("\r\u{1B}[K" + shown)
        drawn = true
    }

    private mutating func clear() {
        guard drawn else { return }
        console.out("\r\u{1B}[K")
        drawn = false
    }
}
