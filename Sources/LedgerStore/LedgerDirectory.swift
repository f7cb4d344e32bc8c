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
    /// A new key being switched to (a rotation under way); it becomes `office.key` once the ledger
    /// says it signs.
    public var nextKeyPath: String { (path as NSString).appendingPathComponent("office.key.next") }

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
        try writeKeyFile(signer.skey + "\n", to: keyPath)
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
    ///
    /// - Parameter connections: a pool (the default), or one connection for a short process
    ///   (``LedgerStore/Connections``).
    public func open(projector: (any LedgerProjector)? = nil, connections: LedgerStore.Connections = .pool) throws -> Opened {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError(.noLedger(path))
        }
        let store = try LedgerStore.open(at: databasePath, projector: projector, connections: connections)
        try finishRotation(store)
        return Opened(store: store, signer: try loadSigner(expectedOrigin: store.identity.origin))
    }

    /// Rotates the office's key (DESIGN §3): a new key signs the office's checkpoints from the next
    /// size on; the old one stays valid for those before. At the registrar, the rotation is an event
    /// of its own log (`office.key-rotated` of itself), signed under the old key, so every node
    /// follows it; at another office the registrar records it for the other nodes (the returned
    /// size is its `from_size`). The old key file is kept as `office.key.retired-<size>`.
    ///
    /// The new key is written as `office.key.next` before the ledger changes and becomes `office.key`
    /// after: a crash in between is finished by the next ``open(projector:)``.
    ///
    /// - Returns: the new key and the size from which it signs.
    public func rotateKey(projector: (any LedgerProjector)? = nil, now: () -> Int64 = LedgerStore.systemMilliseconds) throws
        -> (key: NoteVerifier, fromSize: UInt64)
    {
        let opened = try open(projector: projector)
        let store = opened.store
        guard !FileManager.default.fileExists(atPath: nextKeyPath) else {
            throw StoreError(.keyFile("\(nextKeyPath) exists: a rotation is under way (open the ledger once to finish it)"))
        }
        let next = try NoteSigner(name: store.identity.origin)
        try writeKeyFile(next.skey + "\n", to: nextKeyPath)
        let fromSize: UInt64
        if store.identity.registrar == store.identity.office {
            let seq = (try store.head(office: store.identity.office)?.size ?? 0) + 1
            let rotation = try EventDraft(
                type: "office.key-rotated", effective: LedgerDate(unixMilliseconds: now()),
                body: .object([
                    ("office", .string(store.identity.office)), ("key", .string(next.verifier.vkey)), ("from_size", .integer(Int64(seq + 1))),
                    ("reason", .string("key rotation")),
                ]))
            _ = try store.append([rotation], signer: opened.signer, now: now)
            fromSize = seq + 1
        } else {
            fromSize = try store.rotateOwnKey(to: next.verifier)
        }
        try finishRotation(store)
        return (next.verifier, fromSize)
    }

    /// Once the ledger says the key in `office.key.next` signs (its last rotation), makes it
    /// `office.key` (the old one kept as `office.key.until-<size>`) and signs the latest checkpoint
    /// again with it when the old key signed one of a size the new key now covers.
    private func finishRotation(_ store: LedgerStore) throws {
        guard FileManager.default.fileExists(atPath: nextKeyPath),
            let data = FileManager.default.contents(atPath: nextKeyPath),
            let next = try? NoteSigner(skey: String(decoding: data, as: UTF8.self)),
            let current = try store.keyHistories()[store.identity.office]?.current,
            current.verifier == next.verifier
        else { return }
        let retired = (path as NSString).appendingPathComponent("office.key.until-\(current.fromSize - 1)")
        if FileManager.default.fileExists(atPath: keyPath) {
            guard rename(keyPath, retired) == 0 else { throw StoreError(.keyFile("cannot keep the old key as \(retired)")) }
        }
        guard rename(nextKeyPath, keyPath) == 0 else { throw StoreError(.keyFile("cannot make \(nextKeyPath) the office key")) }
        try store.resignHead(signer: next)
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
    private func writeKeyFile(_ text: String, to keyPath: String) throws {
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
