/// Wraps paragraphs the way the real client wraps its longer messages.
///
/// The real client formats such messages with Go's documentation-comment printer, which
/// does not break lines greedily: it picks the breaks that minimise the sum, over every
/// line but the last, of the squared space left at the end of the line, plus 64 for a
/// line that does not end in `.`, `,`, `:` or `;`. Lines too long for the width count
/// first, so a long word only overflows when it must. The width is 79 columns less the
/// indent, and lines after the first are indented; the first line is not, because the
/// caller prints a prefix (`error: `) in its place.
enum TextFill {
    /// `text` wrapped for a prefix of `indent` columns; paragraphs separated by blank
    /// lines stay separate.
    static func fill(_ text: String, indent: Int) -> String {
        let width = 80 - 1 - indent
        let margin = String(repeating: " ", count: indent)
        let paragraphs = text.split(separator: "\n\n", omittingEmptySubsequences: true)
        let wrapped = paragraphs.map { paragraph in
            let words = paragraph.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
            return breakLines(words, width: width).joined(separator: "\n" + margin)
        }
        return wrapped.joined(separator: "\n\n" + margin)
    }

    /// The lines that carry `words` at the lowest cost for `width` columns.
    static func breakLines(_ words: [String], width: Int) -> [String] {
        guard !words.isEmpty else { return [] }
        // offsets[j] is the length of words[..<j] with one space after each word.
        var offsets = [0]
        for word in words {
            offsets.append(offsets[offsets.count - 1] + word.count + 1)
        }

        // best[j] is the cheapest way to set words[..<j]; start[j] where its last line begins.
        var best: [Cost] = [Cost(overflow: 0, slack: 0)]
        var start = [0]
        for end in 1...words.count {
            var cheapest: Cost?
            var cheapestStart = 0
            for begin in 0..<end {
                let cost = best[begin] + lineCost(words, offsets, begin, end, width)
                if cheapest.map({ cost < $0 }) ?? true {
                    cheapest = cost
                    cheapestStart = begin
                }
            }
            best.append(cheapest ?? Cost(overflow: 0, slack: 0))
            start.append(cheapestStart)
        }

        var lines: [String] = []
        var end = words.count
        while end > 0 {
            lines.append(words[start[end]..<end].joined(separator: " "))
            end = start[end]
        }
        return lines.reversed()
    }

    /// What one line costs: overflow first, then squared slack and the punctuation penalty.
    private static func lineCost(_ words: [String], _ offsets: [Int], _ begin: Int, _ end: Int, _ width: Int) -> Cost {
        let length = offsets[end] - 1 - offsets[begin]
        if end == words.count, length <= width {
            return Cost(overflow: 0, slack: 0)
        }
        let penalty = words[end - 1].last.map { ".,:;".contains($0) } == true ? 0 : 64
        let square = (width - length) * (width - length)
        if length > width {
            return Cost(overflow: square, slack: penalty)
        }
        return Cost(overflow: 0, slack: square + penalty)
    }

    /// A line-breaking cost, compared overflow first.
    struct Cost: Comparable {
        var overflow: Int
        var slack: Int

        static func + (left: Cost, right: Cost) -> Cost {
            Cost(overflow: left.overflow + right.overflow, slack: left.slack + right.slack)
        }

        static func < (left: Cost, right: Cost) -> Bool {
            (left.overflow, left.slack) < (right.overflow, right.slack)
        }
    }
}
