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
}
