/// Evidence that an office signed two histories of its log, checkable by anyone with the office's
/// key and nothing else: two checkpoints the office signed, the smaller first, and a consistency
/// proof (RFC 9162 §2.1.4) from the first's size to the second's, in the second's tree, which shows
/// that the second's tree had another root at the first's size than the first says.
///
/// Only signatures make evidence: bytes that do not match the checkpoint they came with prove
/// nothing about the office, and are never recorded as a fork.
///
/// ```swift
/// let proof = try ForkProof(first: heldNote, second: otherNote, secondRootAtFirstSize: root, proof: path)
/// try proof.verify(firstKey: key, secondKey: key)
/// ```
public struct ForkProof: Sendable, Equatable {
    /// The signed checkpoint of the smaller (or equal) size, as its note.
    public let first: String
    /// The signed checkpoint of the larger (or equal) size.
    public let second: String
    /// The root of the second's tree at the first's size (for equal sizes, the second's root).
    public let secondRootAtFirstSize: Hash
    /// The consistency proof from the first's size to the second's, in the second's tree (empty for equal sizes).
    public let proof: [Hash]

    /// A proof from `first` (the smaller size) to `second`. Two checkpoints of the same size are put
    /// in the order of their notes' text, so every node that finds the same pair makes the same proof.
    ///
    /// - Throws: ``NoteError`` when either note is not a checkpoint, or the first is the larger.
    public init(first: String, second: String, secondRootAtFirstSize: Hash, proof: [Hash]) throws(NoteError) {
        let a = try Checkpoint(text: try SignedNote(parsing: first).text)
        let b = try Checkpoint(text: try SignedNote(parsing: second).text)
        guard a.size <= b.size else { throw NoteError(.malformed("the first checkpoint of a fork proof must be the smaller")) }
        if a.size == b.size {
            (self.first, self.second) = first <= second ? (first, second) : (second, first)
            self.secondRootAtFirstSize = first <= second ? b.root : a.root
            self.proof = []
        } else {
            self.first = first
            self.second = second
            self.secondRootAtFirstSize = secondRootAtFirstSize
            self.proof = proof
        }
    }

    /// Checks the evidence: each note verifies under the key valid at its size, they name the same
    /// log, the proof leads from `secondRootAtFirstSize` to the second's root, and that root at the
    /// first's size differs from the first's root. Returns the two checkpoints.
    ///
    /// - Throws: ``ForkProofError`` naming what does not hold.
    @discardableResult
    public func verify(firstKey: NoteVerifier, secondKey: NoteVerifier) throws(ForkProofError) -> (SignedCheckpoint, SignedCheckpoint) {
        let a: SignedCheckpoint
        let b: SignedCheckpoint
        do {
            a = try SignedCheckpoint(note: first, verifier: firstKey)
            b = try SignedCheckpoint(note: second, verifier: secondKey)
        } catch {
            throw ForkProofError("a checkpoint of the proof is not signed by the office: \(error)")
        }
        guard a.checkpoint.origin == b.checkpoint.origin else { throw ForkProofError("the two checkpoints are of different logs") }
        guard a.checkpoint.size >= 1, a.checkpoint.size <= b.checkpoint.size else {
            throw ForkProofError("the first checkpoint must be of a size from 1 to the second's")
        }
        if a.checkpoint.size == b.checkpoint.size {
            guard proof.isEmpty, secondRootAtFirstSize == b.checkpoint.root else {
                throw ForkProofError("at equal sizes the proof is empty and names the second's root")
            }
        } else {
            do {
                try MerkleTree.verifyConsistency(
                    oldSize: a.checkpoint.size, newSize: b.checkpoint.size, oldRoot: secondRootAtFirstSize, newRoot: b.checkpoint.root, proof: proof)
            } catch {
                throw ForkProofError("the consistency proof does not lead to the second checkpoint's root: \(error)")
            }
        }
        guard secondRootAtFirstSize != a.checkpoint.root else {
            throw ForkProofError("the two checkpoints agree at size \(a.checkpoint.size): no fork")
        }
        return (a, b)
    }

    /// What identifies the evidence (two stores of the same pair of notes are one fork proof).
    public var digest: Hash { Hash.sha256(Array(first.utf8) + [0x0A] + Array(second.utf8)) }

    /// The proof as `civic verify --evidence --format json` exports it (hashes in base64).
    public var json: JSONValue {
        .object([
            ("first", .string(first)), ("second", .string(second)), ("second_root_at_first_size", .string(secondRootAtFirstSize.base64)),
            ("proof", .array(proof.map { .string($0.base64) })),
        ])
    }

    /// Reads the exported JSON.
    ///
    /// - Throws: ``ForkProofError`` for a missing or malformed member.
    public init(json value: JSONValue) throws(ForkProofError) {
        guard let first = value["first"]?.stringValue, let second = value["second"]?.stringValue,
            let root = value["second_root_at_first_size"]?.stringValue.flatMap(Hash.init(base64:)),
            let path = value["proof"]?.arrayValue
        else { throw ForkProofError("a fork proof needs first, second, second_root_at_first_size and proof") }
        var hashes: [Hash] = []
        for element in path {
            guard let hash = element.stringValue.flatMap(Hash.init(base64:)) else { throw ForkProofError("proof hashes are 32 bytes in base64") }
            hashes.append(hash)
        }
        do {
            try self.init(first: first, second: second, secondRootAtFirstSize: root, proof: hashes)
        } catch {
            throw ForkProofError("\(error)")
        }
    }
}

/// Why a fork proof does not prove a fork.
public struct ForkProofError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
