import ArgumentParser
import CivicDomain
import Foundation
import LedgerCore
import LedgerStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a ledger and the office's Ed25519 key; prints the public (verifier) key."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The office id, [a-z0-9-]{1,32}, e.g. transport.")
    var office: String

    @Option(help: "The city id, [a-z0-9-]{1,64}, e.g. springfield.")
    var city: String

    @Flag(help: "This office is the city's registrar: the root of trust that registers every other office's key.")
    var registrar = false

    @Option(help: ArgumentHelp("The registrar office's public key (what its `civic init --registrar` printed).", valueName: "KEY"))
    var registrarKey: String?

    func run() throws {
        guard !(registrar && registrarKey != nil) else { throw CLIFailure(message: "give --registrar or --registrar-key, not both") }
        var registrarOffice: String? = registrar ? office : nil
        var key: NoteVerifier? = nil
        if let registrarKey {
            key = try NoteVerifier(vkey: registrarKey)
            let prefix = "civic/\(city)/"
            guard let name = key?.name, name.hasPrefix(prefix) else {
                throw CLIFailure(message: "--registrar-key is a key of \(key?.name ?? "?"), not of an office of \(city)")
            }
            registrarOffice = String(name.dropFirst(prefix.count))
        }
        let identity = try LedgerIdentity(city: city, office: office, registrar: registrarOffice)
        let opened = try global.directory.initialize(identity: identity, registrarKey: key, projector: CivicProjector())
        print(opened.signer.verifier.vkey)
        Terminal.note("initialized \(identity.origin) in \(global.directory.path) (private key in \(global.directory.keyPath), mode 0600)")
    }
}

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "At the registrar: register an office and the key it signs with (an office.registered event)."
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The office id.") var office: String
    @Option(help: ArgumentHelp("The office's public key (what its `civic init` printed).", valueName: "KEY")) var key: String
    @Option(help: "The office's name, e.g. \"Transport Department\".") var name: String
    @Option(help: ArgumentHelp("Effective date (default: today, UTC).", valueName: "YYYY-MM-DD")) var effective: String?

    func run() throws {
        let opened = try global.open()
        let body: JSONValue = .object([("office", .string(office)), ("name", .string(name)), ("key", .string(key))])
        let draft = try EventDraft(
            type: "office.registered", effective: try InputFiles.date(effective, option: "--effective") ?? InputFiles.today, body: body)
        let summary = try opened.store.append([draft], signer: opened.signer)
        guard let event = summary.lastEvent else { throw CLIFailure(message: "nothing was recorded") }
        print("\(event.id) \(event.envelope.seq)")
        for released in summary.released {
            FileHandle.standardError.write(Data("applied \(released.stored) quarantined events of \(released.office)\n".utf8))
        }
    }
}

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Print this office's public (verifier) key.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        print(try global.open().signer.verifier.vkey)
    }
}
