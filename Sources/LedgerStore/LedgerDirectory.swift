import Foundation
import LedgerCore

/// A ledger's folder: `ledger.sqlite` and the office's private key `office.key` (mode 0600).
///
/// ```swift
/// let opened = try LedgerDirectory(path: "./civic-data").open()
/// try opened.store.append([draft], signer: opened.signer)
/// ```
public struct LedgerDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var databasePath: String { (path as NSString).appendingPathComponent("ledger.sqlite") }
    public var keyPath: String { (path as NSString).appendingPathComponent("office.key") }

    /// An open ledger with the office's signing key.
    public struct Opened: Sendable {
        public let store: LedgerStore
        public let signer: NoteSigner
    }

    /// Creates the folder if needed, a new office key (or `signer`, when given) and an empty ledger.
    ///
    /// - Throws: ``StoreError`` when a ledger or key already exists there, or on any I/O failure;
    ///   a failed initialization leaves no key or database behind.
    public func initialize(
        identity: LedgerIdentity, registrarKey: NoteVerifier? = nil, projector: (any LedgerProjector)? = nil, signer given: NoteSigner? = nil
    ) throws -> Opened {
        let files = FileManager.default
        guard !files.fileExists(atPath: databasePath), !files.fileExists(atPath: keyPath) else {
            throw StoreError(.alreadyExists(path))
        }
        do {
            try files.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.keyFile("cannot create \(path): \(error.localizedDescription)"))
        }
        let signer = try given ?? NoteSigner(name: identity.origin)
        try writeKeyFile(signer.skey + "\n")
        do {
            let store = try LedgerStore.create(
                at: databasePath, identity: identity, verifier: signer.verifier, registrarKey: registrarKey, projector: projector)
            return Opened(store: store, signer: signer)
        } catch {
            for leftover in [keyPath, databasePath, databasePath + "-wal", databasePath + "-shm"] {
                try? files.removeItem(atPath: leftover)
            }
            throw error
        }
    }

    /// Opens the ledger and loads the office key, refusing a key file readable by others.
    public func open(projector: (any LedgerProjector)? = nil) throws -> Opened {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError(.noLedger(path))
        }
        let store = try LedgerStore.open(at: databasePath, projector: projector)
        return Opened(store: store, signer: try loadSigner(expectedOrigin: store.identity.origin))
    }

    private func loadSigner(expectedOrigin: String) throws -> NoteSigner {
        var info = stat()
        guard stat(keyPath, &info) == 0 else { throw StoreError(.keyFile("cannot read \(keyPath)")) }
        guard info.st_mode & 0o077 == 0 else {
            throw StoreError(.keyFile("\(keyPath) is readable by others; run `chmod 600 \(keyPath)`"))
        }
        guard let data = FileManager.default.contents(atPath: keyPath) else { throw StoreError(.keyFile("cannot read \(keyPath)")) }
        let signer: NoteSigner
        do {
            signer = try NoteSigner(skey: String(decoding: data, as: UTF8.self))
        } catch {
            throw StoreError(.keyFile("\(keyPath): \(error)"))
        }
        guard signer.name == expectedOrigin else { throw StoreError(.keyFile("\(keyPath) is the key of \(signer.name), not \(expectedOrigin)")) }
        return signer
    }

    /// Writes the key with O_EXCL and mode 0600 from the start, then fsyncs it.
    private func writeKeyFile(_ text: String) throws {
        let descriptor = Foundation.open(keyPath, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw StoreError(.keyFile("cannot create \(keyPath): \(String(cString: strerror(errno)))")) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw StoreError(.keyFile("cannot write \(keyPath): \(String(cString: strerror(errno)))"))
        }
    }
}
