import ArgumentParser
import CivicCommandLine
import Foundation
import LedgerCore
import LedgerStore

struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Make or check Merkle inclusion and consistency proofs (JSON, hashes in base64).",
        subcommands: [Inclusion.self, Consistency.self, VerifyProof.self]
    )

    struct Inclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inclusion", abstract: "Prove that event seq N is in the office's log at size M.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The event's seq (1-based).") var seq: UInt64
        @Option(help: "The tree size (default: the office's current size).") var size: UInt64?
        @Option(help: "The office (default: this ledger's).") var office: String?

        func run() throws {
            let opened = try global.open()
            let proof = try opened.store.inclusionProof(office: office ?? opened.store.identity.office, seq: seq, size: size)
            print(String(decoding: try CanonicalJSON.encode(proof.json), as: UTF8.self))
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consistency", abstract: "Prove that the office's log at size M is a prefix of its log at size N.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The old size M (≥ 1).") var from: UInt64
        @Option(help: "The new size N (default: the office's current size).") var to: UInt64?
        @Option(help: "The office (default: this ledger's).") var office: String?

        func run() throws {
            let opened = try global.open()
            let proof = try opened.store.consistencyProof(office: office ?? opened.store.identity.office, from: from, to: to)
            print(String(decoding: try CanonicalJSON.encode(proof.json), as: UTF8.self))
        }
    }

    struct VerifyProof: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a proof given on stdin (the JSON printed by `civic proof inclusion|consistency`).",
            discussion: """
                With --key, the proof's root must also be the root of the signed checkpoint it carries, \
                signed by that key. Without it only the Merkle path is checked.
                """
        )

        @Option(help: ArgumentHelp("The office's verifier key, to check the carried checkpoint.", valueName: "VKEY"))
        var key: String?

        func run() throws {
            let input = try InputFiles.read("-", limit: 1 << 20)
            let proof = try JSONParser.parse(input, profile: .general)
            let path = try hashes(proof["proof"] ?? .array([]), field: "proof")
            let checkedRoot: Hash
            let summary: String
            if proof["leafIdx"] != nil {
                let index = try unsigned(proof["leafIdx"], field: "leafIdx")
                let size = try unsigned(proof["treeSize"], field: "treeSize")
                let root = try hash(proof["root"], field: "root")
                try MerkleTree.verifyInclusion(index: index, size: size, leaf: try hash(proof["leafHash"], field: "leafHash"), proof: path, root: root)
                checkedRoot = root
                summary = "inclusion proof verified: leaf \(index) is in the tree of size \(size)"
                try checkSignature(proof, root: root, size: size)
            } else if proof["size1"] != nil {
                let size1 = try unsigned(proof["size1"], field: "size1")
                let size2 = try unsigned(proof["size2"], field: "size2")
                let root2 = try hash(proof["root2"], field: "root2")
                try MerkleTree.verifyConsistency(
                    oldSize: size1, newSize: size2, oldRoot: try hash(proof["root1"], field: "root1"), newRoot: root2, proof: path)
                checkedRoot = root2
                summary = "consistency proof verified: size \(size1) is a prefix of size \(size2)"
                try checkSignature(proof, root: root2, size: size2)
            } else {
                throw CLIFailure(message: "stdin is neither an inclusion proof (leafIdx) nor a consistency proof (size1)")
            }
            let signed = key == nil ? "; root \(checkedRoot.hex) not checked against a signed checkpoint (pass --key)" : "; root signed by \(key ?? "")"
            print(summary + signed)
        }

        private func checkSignature(_ proof: JSONValue, root: Hash, size: UInt64) throws {
            guard let key else { return }
            guard let note = proof["checkpoint"]?.stringValue else {
                throw CLIFailure(message: "--key given but the proof carries no checkpoint for size \(size)")
            }
            let signed = try SignedCheckpoint(note: note, verifier: try NoteVerifier(vkey: key))
            guard signed.checkpoint.size == size, signed.checkpoint.root == root else {
                throw CLIFailure(message: "the signed checkpoint (size \(signed.checkpoint.size)) does not match the proof's root and size")
            }
        }

        private func unsigned(_ value: JSONValue?, field: String) throws -> UInt64 {
            guard let number = value?.integerValue, number >= 0 else { throw CLIFailure(message: "proof field \(field) must be a non-negative integer") }
            return UInt64(number)
        }

        private func hash(_ value: JSONValue?, field: String) throws -> Hash {
            guard let text = value?.stringValue, let bytes = Base64Encoding.decode(text) else {
                throw CLIFailure(message: "proof field \(field) must be a base64 hash")
            }
            return Hash(bytes: bytes)
        }

        private func hashes(_ value: JSONValue, field: String) throws -> [Hash] {
            guard let array = value.arrayValue else { throw CLIFailure(message: "proof field \(field) must be an array") }
            return try array.map { try hash($0, field: field) }
        }
    }
}
