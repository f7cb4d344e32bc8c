import Foundation

/// Standard base64 with padding (RFC 4648 §4), as signed notes and proofs use.
public enum Base64Encoding {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes strict base64; nil when malformed.
    public static func decode(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return Array(data)
    }
}
