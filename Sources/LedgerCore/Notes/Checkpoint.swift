/// A C2SP tlog checkpoint: the origin, size and root of an office's Merkle log.
///
/// ```swift
/// let checkpoint = Checkpoint(origin: "civic/springfield/transport", size: 3, root: root)
/// let note = try signer.signNote(checkpoint.text)
/// ```
public struct Checkpoint: Sendable, Equatable, Hashable {
    public let origin: String
    public let size: UInt64
    public let root: Hash

    public init(origin: String, size: UInt64, root: Hash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note text: `origin\nsize\nbase64(root)\n`.
    public var text: String { "\(origin)\n\(size)\n\(root.base64)\n" }

    /// Parses checkpoint note text (extension lines are refused: the ledger writes none).
    public init(text: String) throws(NoteError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard text.hasSuffix("\n"), lines.count == 4, !lines[0].isEmpty else {
            throw NoteError(.malformed("a checkpoint is exactly origin, size and root lines"))
        }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else { throw NoteError(.malformed("bad tree size \"\(lines[1])\"")) }
        guard let root = Hash(base64: String(lines[2])), root.isWellFormed else { throw NoteError(.malformed("bad root hash")) }
        self.init(origin: String(lines[0]), size: size, root: root)
    }
}

/// A checkpoint together with its signed note.
public struct SignedCheckpoint: Sendable, Equatable {
    public let checkpoint: Checkpoint
    public let note: SignedNote

    /// Parses and checks a signed checkpoint against the office's verifier key.
    public init(note serialized: String, verifier: NoteVerifier) throws(NoteError) {
        let note = try SignedNote(parsing: serialized)
        try note.verify(with: verifier)
        let checkpoint = try Checkpoint(text: note.text)
        guard checkpoint.origin == verifier.name else {
            throw NoteError(.malformed("checkpoint origin \(checkpoint.origin) is not the key name \(verifier.name)"))
        }
        self.checkpoint = checkpoint
        self.note = note
    }

    /// Signs a checkpoint with the office key.
    public init(checkpoint: Checkpoint, signer: NoteSigner) throws(NoteError) {
        self.checkpoint = checkpoint
        self.note = try signer.signNote(checkpoint.text)
    }
}
