import Foundation

/// A C2SP signed note: UTF-8 text ending in a newline, a blank line, and signature lines
/// `— <key name> base64(key ID ‖ signature)`.
///
/// ```swift
/// let note = try SignedNote(parsing: text)
/// try note.verify(with: verifier)
/// ```
public struct SignedNote: Sendable, Equatable {
    /// One signature line.
    public struct Signature: Sendable, Equatable {
        public let keyName: String
        public let keyID: [UInt8]
        public let signature: [UInt8]

        public init(keyName: String, keyID: [UInt8], signature: [UInt8]) {
            self.keyName = keyName
            self.keyID = keyID
            self.signature = signature
        }

        public var line: String { "— \(keyName) \(Base64Encoding.encode(keyID + signature))\n" }
    }

    /// The signed text, including its final newline.
    public let text: String
    public let signatures: [Signature]

    public init(text: String, signatures: [Signature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The serialized note: text, blank line, signature lines.
    public var serialized: String { text + "\n" + signatures.map(\.line).joined() }

    /// Parses a serialized note.
    ///
    /// - Throws: ``NoteError`` when the text or a signature line is malformed.
    public init(parsing serialized: String) throws(NoteError) {
        guard serialized.hasSuffix("\n") else { throw NoteError(.malformed("a note must end with a newline")) }
        guard let split = serialized.range(of: "\n\n", options: .backwards) else {
            throw NoteError(.malformed("no blank line between the text and the signatures"))
        }
        let text = String(serialized[..<split.lowerBound]) + "\n"
        let block = serialized[split.upperBound...]
        var signatures: [Signature] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            guard line.hasPrefix("— ") else { throw NoteError(.malformed("a signature line must start with an em dash and a space")) }
            let parts = line.dropFirst(2).split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let blob = Base64Encoding.decode(String(parts[1])), blob.count > 4 else {
                throw NoteError(.malformed("a signature line must be `— name base64`"))
            }
            signatures.append(Signature(keyName: String(parts[0]), keyID: Array(blob[0..<4]), signature: Array(blob[4...])))
        }
        guard !signatures.isEmpty else { throw NoteError(.malformed("a note needs at least one signature")) }
        self.init(text: text, signatures: signatures)
    }

    /// Checks that a signature by `verifier` is present and valid; other signatures are ignored.
    ///
    /// - Throws: ``NoteError`` when no signature matches the key or the matching one is invalid.
    public func verify(with verifier: NoteVerifier) throws(NoteError) {
        let candidates = signatures.filter { $0.keyName == verifier.name && $0.keyID == verifier.keyID }
        guard !candidates.isEmpty else { throw NoteError(.unsignedBy(verifier.name)) }
        guard candidates.contains(where: { verifier.isValidSignature($0.signature, for: Array(text.utf8)) }) else {
            throw NoteError(.badSignature(verifier.name))
        }
    }
}

/// Why a note or key was refused.
public struct NoteError: Error, Sendable, Equatable, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        case malformed(String)
        case unsignedBy(String)
        case badSignature(String)
        case badKey(String)
    }

    let code: Code

    init(_ code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .malformed(let why): return "malformed signed note: \(why)"
        case .unsignedBy(let name): return "the note carries no signature by \(name)"
        case .badSignature(let name): return "the signature by \(name) does not verify: the note was altered or signed by another key"
        case .badKey(let why): return "bad key: \(why)"
        }
    }
}
