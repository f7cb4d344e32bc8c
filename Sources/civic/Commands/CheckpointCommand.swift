import ArgumentParser
import CivicCommandLine
import LedgerCore
import LedgerStore

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the office's latest signed checkpoint (a C2SP signed note)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "text (the signed note) or json.")
    var format: TextOrJSON = .text

    @Flag(help: "The citywide checkpoint instead: every office log held here (origin, size, root) and its hash.")
    var city = false

    func run() throws {
        let opened = try global.open()
        if city {
            let checkpoint = try opened.store.citywideCheckpoint()
            switch format {
            case .text: print(checkpoint.text + "sha256 \(checkpoint.hash.hex)")
            case .json:
                let logs: [JSONValue] = checkpoint.logs.map {
                    .object([("origin", .string($0.origin)), ("size", .integer(Int64($0.size))), ("root", .string($0.root.base64))])
                }
                let value: JSONValue = .object([
                    ("city", .string(checkpoint.city)), ("logs", .array(logs)), ("events", .integer(Int64(checkpoint.size))),
                    ("hash", .string(checkpoint.hash.hex)),
                ])
                print(String(decoding: try CanonicalJSON.encode(value), as: UTF8.self))
            }
            return
        }
        let office = opened.store.identity.office
        guard let note = try opened.store.head(office: office)?.checkpoint else {
            throw CLIFailure(message: "office \(office) has recorded nothing yet, so it has signed no checkpoint")
        }
        let signed = try SignedCheckpoint(note: note, verifier: opened.signer.verifier)
        switch format {
        case .text:
            print(note, terminator: "")
        case .json:
            let value: JSONValue = .object([
                ("origin", .string(signed.checkpoint.origin)),
                ("size", .integer(Int64(signed.checkpoint.size))),
                ("root", .string(signed.checkpoint.root.base64)),
                ("root_hex", .string(signed.checkpoint.root.hex)),
                ("key", .string(opened.signer.verifier.vkey)),
                ("note", .string(note)),
            ])
            print(String(decoding: try CanonicalJSON.encode(value), as: UTF8.self))
        }
    }
}
