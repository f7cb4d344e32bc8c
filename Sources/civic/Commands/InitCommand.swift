import ArgumentParser
import CivicCommandLine
import CivicDomain
import Foundation
import LedgerCore
import LedgerStore
import OpenData

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

    @Option(help: ArgumentHelp("The city's OCDS prefix (ocds-XXXXXX): `civic export ocds` names a system without its own ocid PREFIX-<system>.", valueName: "PREFIX"))
    var ocidPrefix: String?

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
        if let ocidPrefix, !OCDSExport.isPrefix(ocidPrefix) {
            throw CLIFailure(message: "--ocid-prefix \(ocidPrefix) is not an OCDS prefix (ocds- and the code the Open Contracting Partnership registered)")
        }
        let opened = try global.directory.initialize(identity: identity, registrarKey: key, projector: CivicProjector())
        if let ocidPrefix { try opened.store.setSetting(OCDSExport.prefixSetting, ocidPrefix) }
        print(opened.signer.verifier.vkey)
        Terminal.note("initialized \(identity.origin) in \(global.directory.path) (private key in \(global.directory.keyPath), mode 0600)")
    }
}

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "At the registrar: register an office's key (office.registered), or rotate it (--rotate: office.key-rotated).",
        discussion: """
            --rotate records that KEY signs OFFICE's checkpoints from --from-size on (what the office's `civic key rotate` \
            printed; default: the office's log size as held here, plus one). The old key stays valid for the sizes before.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The office id.") var office: String
    @Option(help: ArgumentHelp("The office's public key (what its `civic init` or `civic key rotate` printed).", valueName: "KEY")) var key: String
    @Option(help: "The office's name, e.g. \"Transport Department\" (when registering).") var name: String?
    @Flag(help: "Rotate the office's key instead of registering it.") var rotate = false
    @Option(help: ArgumentHelp("With --rotate: the office's log size from which KEY signs.", valueName: "SIZE")) var fromSize: UInt64?
    @Option(help: ArgumentHelp("Effective date (default: today, UTC).", valueName: "YYYY-MM-DD")) var effective: String?

    func validate() throws {
        if rotate == false && name == nil { throw ValidationError("registering an office needs --name") }
        if rotate == false && fromSize != nil { throw ValidationError("--from-size goes with --rotate") }
    }

    func run() throws {
        let opened = try global.open()
        let body: JSONValue
        let type: String
        if rotate {
            let from = try fromSize ?? ((opened.store.head(office: office)?.size ?? 0) + 1)
            type = "office.key-rotated"
            body = .object([("office", .string(office)), ("key", .string(key)), ("from_size", .integer(Int64(from)))])
        } else {
            type = "office.registered"
            body = .object([("office", .string(office)), ("name", .string(name ?? office)), ("key", .string(key))])
        }
        let draft = try EventDraft(type: type, effective: try InputFiles.date(effective, option: "--effective") ?? InputFiles.today, body: body)
        let summary = try opened.store.append([draft], signer: opened.signer)
        guard let event = summary.lastEvent else { throw CLIFailure(message: "nothing was recorded") }
        print("\(event.id) \(event.envelope.seq)")
        for released in summary.released {
            FileHandle.standardError.write(Data("applied \(released.stored) quarantined events of \(released.office)\n".utf8))
        }
    }
}

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "At the registrar: revoke an office's key after a log size (office.key-revoked), e.g. after a laptop was stolen.",
        discussion: """
            Checkpoints that key signs beyond SIZE are refused on every node the event reaches, and the office's events \
            beyond SIZE that only that key vouched for are left out of the state (findings). Rotate the office to a new key \
            (civic register OFFICE --rotate --key NEWKEY --from-size SIZE+1) so it can go on.
            """
    )

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The office id.") var office: String
    @Option(help: ArgumentHelp("The largest log size whose checkpoints the key is still trusted for.", valueName: "SIZE")) var after: UInt64
    @Option(help: "Why the key is revoked.") var reason: String
    @Option(help: ArgumentHelp("The key revoked (default: the office's current key).", valueName: "KEY")) var key: String?
    @Option(help: ArgumentHelp("Effective date (default: today, UTC).", valueName: "YYYY-MM-DD")) var effective: String?

    func run() throws {
        let opened = try global.open()
        guard let revoked = try key ?? opened.store.officeKeys()[office]?.vkey else {
            throw CLIFailure(message: "office \(office) has no key registered here")
        }
        let body: JSONValue = .object([
            ("office", .string(office)), ("key", .string(revoked)), ("after", .integer(Int64(after))), ("reason", .string(reason)),
        ])
        let draft = try EventDraft(
            type: "office.key-revoked", effective: try InputFiles.date(effective, option: "--effective") ?? InputFiles.today, body: body)
        let summary = try opened.store.append([draft], signer: opened.signer)
        guard let event = summary.lastEvent else { throw CLIFailure(message: "nothing was recorded") }
        print("\(event.id) \(event.envelope.seq)")
    }
}

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "This office's public (verifier) key; `civic key rotate` replaces it.",
        subcommands: [ShowKey.self, RotateKey.self], defaultSubcommand: ShowKey.self)
}

struct ShowKey: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print this office's public (verifier) key.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        print(try global.open().signer.verifier.vkey)
    }
}

struct RotateKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Replace this office's key: the new key signs from the next log size on (the old one stays valid before).",
        discussion: """
            At the registrar, the rotation is an event of its own log, signed under the old key, so every node follows it. \
            At another office, the new key signs at once here; print the line for the registrar, who records it for every \
            other node (civic register OFFICE --rotate …). The old key file is kept as office.key.until-SIZE (the last size it signs).
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let directory = global.directory
        let (key, fromSize) = try directory.rotateKey(projector: CivicProjector())
        print(key.vkey)
        let opened = try directory.open(projector: CivicProjector())
        if opened.store.identity.registrar != opened.store.identity.office {
            let office = opened.store.identity.office
            FileHandle.standardError.write(
                Data("the new key signs from size \(fromSize); at the registrar: civic register \(office) --rotate --key \(key.vkey) --from-size \(fromSize)\n".utf8))
        } else {
            FileHandle.standardError.write(Data("the registrar's new key signs from size \(fromSize) of its log\n".utf8))
        }
    }
}
