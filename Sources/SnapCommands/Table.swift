/// Aligns rows of cells into columns like the real client's tables: every column but
/// the last is padded to its widest cell plus two spaces, and at least five columns
/// wide. Widths count Unicode scalars.
struct Table {
    private var rows: [[String]] = []

    /// Adds a row.
    mutating func append(_ cells: [String]) {
        rows.append(cells)
    }

    /// The rows as text, one line per row, each ending in a newline.
    func rendered() -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated().dropLast() {
                widths[index] = max(widths[index], max(cell.unicodeScalars.count + 2, 5))
            }
        }
        var text = ""
        for row in rows {
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
