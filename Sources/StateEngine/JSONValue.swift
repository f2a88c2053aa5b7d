import FoundationEssentials
import SnapAPI

extension JSONValue {
    /// Parses JSON text.
    ///
    /// - Throws: `DecodingError` when the text is not JSON.
    public init(parsing text: String) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
