import Foundation
import LedgerCore
import LedgerSync
import NIOCore

/// What the fuzzer feeds bytes to: each target is code that reads input from the network or a file
/// before anything has been verified (DESIGN §4: anyone can reach a sync port). A target must never
/// crash, hang or trap, whatever the bytes; where two readings of the same bytes must agree, it
/// checks that they do (a disagreement is a crash, which the fuzzer reports).
enum FuzzTarget: String, CaseIterable {
    /// The JSON parser in both profiles, the one-pass canonical check, and re-encoding.
    case json
    /// Events from received bytes, and the allocation-free scanner `civic verify` uses.
    case envelope
    /// Signed notes, checkpoints, verifier keys and fork proofs.
    case note
    /// A range's header line.
    case header
    /// A whole range body: its header and event lines, framed and parsed as a receiving node does.
    case range

    /// A fixed key the note target verifies under (its signatures are otherwise random bytes).
    static let verifier = try? NoteSigner(name: "civic/fuzz/office", seed: Hash.sha256(Array("civicledger fuzz key".utf8)).bytes).verifier

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json: Self.json(bytes)
        case .envelope: Self.envelope(bytes)
        case .note: Self.note(bytes)
        case .header: _ = try? RangeHeader(line: bytes)
        case .range: Self.range(bytes)
        }
    }

    private static func json(_ bytes: [UInt8]) {
        let general = try? JSONParser.parse(bytes, profile: .general)
        guard let strict = try? JSONParser.parse(bytes, profile: .strict) else {
            // The one-pass canonical reading accepts nothing the strict profile refuses.
            if (try? JSONParser.parseCanonical(bytes)) != nil { fatalError("parseCanonical accepted what the strict profile refuses") }
            return
        }
        guard general != nil else { fatalError("the general profile refused what the strict one read") }
        guard let encoded = try? CanonicalJSON.encode(strict) else { return }
        // Canonical bytes read back to the same value, and are accepted by the one-pass check.
        guard (try? JSONParser.parse(encoded, profile: .strict)) == strict else { fatalError("canonical bytes do not read back") }
        guard (try? JSONParser.parseCanonical(encoded)) != nil else { fatalError("the one-pass check refused canonical bytes") }
        if (try? JSONParser.parseCanonical(bytes)) != nil, encoded != bytes {
            fatalError("the one-pass check accepted bytes that are not canonical")
        }
    }

    private static func envelope(_ bytes: [UInt8]) {
        let scanned = bytes.withUnsafeBytes { EnvelopeScanner.scan($0) }
        guard let event = try? Event(canonical: bytes) else { return }
        // What `civic verify` reads with the scanner is what the parser read.
        guard let fields = scanned, fields.seq == Int64(event.envelope.seq), let office = fields.office,
            String(decoding: bytes[office], as: UTF8.self) == event.envelope.office
        else { fatalError("the scanner disagrees with the parser on an event") }
        if let range = fields.hlc {
            let hlc = bytes.withUnsafeBytes { EnvelopeScanner.hlc(in: $0, range: range) }
            guard hlc == event.envelope.hlc else { fatalError("the scanner reads another hlc") }
        }
    }

    private static func note(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let note = try? SignedNote(parsing: text) {
            _ = try? Checkpoint(text: note.text)
            _ = note.serialized
        }
        if let verifier {
            _ = try? SignedCheckpoint(note: text, verifier: verifier)
        }
        _ = try? NoteVerifier(vkey: text)
        _ = NoteVerifier.weakness(of: bytes)
        if let value = try? JSONParser.parse(bytes, profile: .general), let proof = try? ForkProof(json: value), let verifier {
            _ = try? proof.verify(firstKey: verifier, secondKey: verifier)
        }
    }

    private static func range(_ bytes: [UInt8]) {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            defer { done.signal() }
            // Split in two chunks at a point the input chooses, as a network would.
            let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
            let chunks = ByteChunks([ByteBuffer(bytes: bytes[..<cut]), ByteBuffer(bytes: bytes[cut...])])
            guard let range = try? await RangeStream.read(chunks) else { return }
            do {
                for try await _ in range.parsedEvents() {}
            } catch {}
        }
        done.wait()
    }
}
