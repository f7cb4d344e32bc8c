import Crypto
import Foundation
import LedgerCore
import Testing

@Suite("C2SP signed notes")
struct NoteConformanceTests {
    @Test func verifiesTheSignedNoteExample() throws {
        let file = try Conformance.text("c2sp/signed-note-ed25519-example.txt")
        let vkeyLine = try #require(file.split(separator: "\n").first { $0.hasPrefix("VKEY=") })
        let verifier = try NoteVerifier(vkey: String(vkeyLine.dropFirst(5)))
        let begin = try #require(file.range(of: "NOTE_BEGIN\n"))
        let end = try #require(file.range(of: "NOTE_END"))
        let noteText = String(file[begin.upperBound..<end.lowerBound])
        let note = try SignedNote(parsing: noteText)
        #expect(note.text == "This is an example message.\n")
        try note.verify(with: verifier)
        #expect(note.serialized == noteText)
        #expect(verifier.vkey == String(vkeyLine.dropFirst(5)))

        let altered = SignedNote(text: "This is an altered message.\n", signatures: note.signatures)
        #expect(throws: NoteError.self) { try altered.verify(with: verifier) }
    }

    @Test func signsAndVerifiesCheckpoints() throws {
        let signer = try NoteSigner(name: "civic/springfield/transport", seed: Array(repeating: 7, count: 32))
        let checkpoint = Checkpoint(origin: signer.name, size: 3, root: Hash.leaf([1]))
        let signed = try SignedCheckpoint(checkpoint: checkpoint, signer: signer)
        let reread = try SignedCheckpoint(note: signed.note.serialized, verifier: signer.verifier)
        #expect(reread.checkpoint == checkpoint)
        #expect(try NoteSigner(skey: signer.skey).verifier == signer.verifier)
        let other = try NoteSigner(name: "civic/springfield/transport")
        #expect(throws: NoteError.self) { try SignedCheckpoint(note: signed.note.serialized, verifier: other.verifier) }
        let tampered = signed.note.serialized.replacingOccurrences(of: "\n3\n", with: "\n4\n")
        #expect(throws: NoteError.self) { try SignedCheckpoint(note: tampered, verifier: signer.verifier) }
    }

    @Test(arguments: ["", "a+b", "name+zz+AAAA", "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"])
    func refusesMalformedVerifierKeys(vkey: String) {
        #expect(throws: NoteError.self) { try NoteVerifier(vkey: vkey) }
    }
}

@Suite("Note keys")
struct NoteKeyTests {
    /// Base64 may contain '+', the separator of the key forms: every random key must round-trip.
    @Test func randomKeysRoundTripThroughTheirTextForms() throws {
        for _ in 0..<200 {
            let signer = try NoteSigner(name: "civic/springfield/transport")
            #expect(try NoteVerifier(vkey: signer.verifier.vkey) == signer.verifier)
            #expect(try NoteSigner(skey: signer.skey).verifier == signer.verifier)
        }
    }

    /// A key file's text is read with the white space at its ends cut: what Foundation's
    /// `.whitespacesAndNewlines` cuts (a line end, CRLF, tabs, no-break and other Unicode spaces),
    /// and nothing within.
    @Test func keyTextIsReadWithoutTheWhiteSpaceAtItsEnds() throws {
        let signer = try NoteSigner(name: "civic/springfield/transport", seed: Array(repeating: 9, count: 32))
        for (before, after) in [("", "\n"), ("", "\r\n"), ("  \t", " \n\n"), ("\u{A0}", "\u{2028}"), ("\u{3000}\u{85}", "\u{2029}\u{B}")] {
            let text = before + signer.skey + after
            #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == signer.skey, "Foundation cuts the same")
            #expect(try NoteSigner(skey: text).verifier == signer.verifier, "\(Array(text.unicodeScalars.prefix(2)))")
        }
        for text in ["", " \n", signer.skey.replacingOccurrences(of: "+KEY+", with: "+KEY +"), "\u{200B}" + signer.skey] {
            // Within the text, or a zero-width space (not white space to Unicode or Foundation): refused.
            #expect(throws: NoteError.self) { try NoteSigner(skey: text) }
        }
    }
}

/// Keys under which signatures can be forged are refused wherever a key is read.
@Suite("Weak keys")
struct WeakKeyTests {
    /// R = identity and S = 0: the forged signature of every message under a small-order key.
    static let forged: [UInt8] = [1] + [UInt8](repeating: 0, count: 63)

    @Test func theIdentityKeyVerifiesAForgedSignatureAndIsRefused() throws {
        let identity: [UInt8] = [1] + [UInt8](repeating: 0, count: 31)
        // What a verifier that took the key would accept (swift-crypto checks no key's order):
        let raw = try Curve25519.Signing.PublicKey(rawRepresentation: identity)
        #expect(raw.isValidSignature(Self.forged, for: Array("any checkpoint at all".utf8)))
        #expect(throws: NoteError.self) { try NoteVerifier(name: "civic/springfield/evil", publicKey: identity) }
        let text = NoteVerifier.keyID(name: "civic/springfield/evil", publicKey: identity)
        let vkey = "civic/springfield/evil+\(HexEncoding.encode(text))+\(Base64Encoding.encode([1] + identity))"
        let error = #expect(throws: NoteError.self) { try NoteVerifier(vkey: vkey) }
        #expect("\(error.map { String(describing: $0) } ?? "")".contains("small order"))
    }

    /// Every listed point really has small order: the forged signature verifies some of 64 messages
    /// under it (all of them under the identity); a sound key verifies none of them.
    @Test(arguments: Array(NoteVerifier.smallOrderPoints))
    func everyListedPointHasSmallOrder(point: [UInt8]) throws {
        #expect(NoteVerifier.weakness(of: point) != nil)
        guard let raw = try? Curve25519.Signing.PublicKey(rawRepresentation: point) else { return }
        let verified = (0..<64).filter { raw.isValidSignature(Self.forged, for: Array("message \($0)".utf8)) }
        #expect(!verified.isEmpty, "\(HexEncoding.encode(point)) verified none of 64 messages")
        let sound = Curve25519.Signing.PrivateKey().publicKey
        #expect(NoteVerifier.weakness(of: Array(sound.rawRepresentation)) == nil)
        #expect(!(0..<64).contains { sound.isValidSignature(Self.forged, for: Array("message \($0)".utf8)) })
    }

    @Test func nonCanonicalEncodingsAreRefused() {
        let p: [UInt8] = [0xED] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]
        let pPlusOne: [UInt8] = [0xEE] + [UInt8](repeating: 0xFF, count: 30) + [0x7F]
        let top: [UInt8] = [UInt8](repeating: 0xFF, count: 32)
        for key in [p, pPlusOne, top] { #expect(NoteVerifier.weakness(of: key)?.contains("canonical") == true) }
    }
}
