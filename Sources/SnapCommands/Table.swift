/// Aligns rows of cells into columns like the real client's tables: every column but
/// the last is padded to its widest cell plus `padding` spaces, and at least
/// `minimumWidth` columns wide. Widths count Unicode scalars.
///
/// As in Go's tabwriter, which the real client uses, a row with a single cell ends a
/// block: the rows on either side of it are aligned separately.
struct Table {
    private var rows: [[String]] = []
    var padding = 2
    var minimumWidth = 5

    /// Ends the current block without printing anything, as flushing a tabwriter does.
    mutating func endBlock() {
        rows.append([])
    }

    /// Adds a row.
    mutating func append(_ cells: [String]) {
        rows.append(cells)
    }

    /// The rows as text, one line per row, each ending in a newline.
    func rendered() -> String {
        var text = ""
        var block: [[String]] = []
        for row in rows {
            if row.isEmpty {
                text += render(block)
                block = []
            } else if row.count < 2 {
                text += render(block) + row.joined() + "\n"
                block = []
            } else {
                block.append(row)
            }
        }
        return text + render(block)
    }

    private func render(_ block: [[String]]) -> String {
        let columns = block.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in block {
            for (index, cell) in row.enumerated().dropLast() {
                widths[index] = max(widths[index], max(cell.unicodeScalars.count + padding, minimumWidth))
            }
        }
        var text = ""
        for row in block {
            for (index, cell) in row.enumerated() {
                text += cell
                if index < row.count - 1 {
                    text += String(repeating: " ", count: widths[index] - cell.unicodeScalars.count)
                }
            }
            text += "\n"
        }
        return text
    }
}
