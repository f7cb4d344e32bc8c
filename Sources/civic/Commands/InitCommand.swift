import ArgumentParser
import CivicDomain
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

    func run() throws {
        let identity = try LedgerIdentity(city: city, office: office)
        let opened = try global.directory.initialize(identity: identity, projector: CivicProjector())
        print(opened.signer.verifier.vkey)
        Terminal.note("initialized \(identity.origin) in \(global.directory.path) (private key in \(global.directory.keyPath), mode 0600)")
    }
}

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Print this office's public (verifier) key.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        print(try global.open().signer.verifier.vkey)
    }
}
