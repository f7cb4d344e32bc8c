import Foundation
import GRDB
import LedgerCore
import Synchronization

/// One key in an office's life: it signs the office's checkpoints from size `fromSize` until the
/// next key's, and — once revoked — none beyond `revokedAfter`.
public struct OfficeKey: Sendable, Equatable {
    public let office: String
    public let fromSize: UInt64
    public let verifier: NoteVerifier
    public let revokedAfter: UInt64?
}

/// An office's keys in order (DESIGN §3: registered, rotated, revoked), as this node knows them.
public struct KeyHistory: Sendable, Equatable {
    public let office: String
    /// By `fromSize`, ascending; never empty.
    public let keys: [OfficeKey]

    /// The key that signs a checkpoint of `size`: the last whose `fromSize` is at most `size`.
    public func key(forSize size: UInt64) -> OfficeKey? {
        keys.last { $0.fromSize <= max(size, 1) }
    }

    /// The key the office signs with now.
    public var current: OfficeKey? { keys.last }

    /// Verifies a signed checkpoint under the key valid at its size, not revoked there.
    ///
    /// - Throws: ``StoreError`` (refused) naming why.
    public func verify(_ note: String) throws -> SignedCheckpoint {
        let size: UInt64
        do {
            size = try Checkpoint(text: try SignedNote(parsing: note).text).size
        } catch {
            throw StoreError.refused(index: 0, "checkpoint of \(office): \(error)")
        }
        guard let key = key(forSize: size) else { throw StoreError.refused(index: 0, "office \(office) has no key for size \(size) here") }
        if let revoked = key.revokedAfter, size > revoked {
            throw StoreError.refused(
                index: 0, "checkpoint of \(office) at size \(size) is signed by a key the registrar revoked after size \(revoked)")
        }
        do {
            return try SignedCheckpoint(note: note, verifier: key.verifier)
        } catch {
            throw StoreError.refused(index: 0, "checkpoint of \(office): \(error)")
        }
    }

    /// The seqs of the office's events whose checkpoints could only be signed by a key beyond its
    /// revocation: what a thief holding that key could have added.
    public var untrusted: [ClosedRange<UInt64>] {
        keys.indices.compactMap { index in
            guard let revoked = keys[index].revokedAfter else { return nil }
            let end = index + 1 < keys.count ? keys[index + 1].fromSize - 1 : UInt64(JSONParser.maximumSafeInteger)
            return revoked + 1 <= end ? (revoked + 1)...end : nil
        }
    }
}

extension LedgerStore {
    /// The current key of every office this node trusts (the last of each history).
    public func officeKeys() throws -> [String: NoteVerifier] {
        try Self.wrapDatabaseErrors { try pool.read { db in try Self.officeKeys(db) } }
    }

    static func officeKeys(_ db: Database) throws -> [String: NoteVerifier] {
        try keyHistories(db).compactMapValues { $0.current?.verifier }
    }

    /// Every office's key history.
    public func keyHistories() throws -> [String: KeyHistory] {
        try Self.wrapDatabaseErrors { try pool.read { db in try Self.keyHistories(db) } }
    }

    static func keyHistories(_ db: Database) throws -> [String: KeyHistory] {
        var keys: [String: [OfficeKey]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT office, from_size, vkey, revoked_after FROM key_history ORDER BY office, from_size") {
            let office: String = row["office"]
            do {
                keys[office, default: []].append(
                    OfficeKey(
                        office: office, fromSize: UInt64(row["from_size"] as Int64), verifier: try parsedKey(row["vkey"]),
                        revokedAfter: (row["revoked_after"] as Int64?).map(UInt64.init)))
            } catch {
                throw StoreError(.corrupt("stored key of office \(office): \(error)"))
            }
        }
        return keys.mapValues { KeyHistory(office: $0[0].office, keys: $0) }
    }

    /// Stored verifier keys parsed from their text, by text: every recording transaction reads its
    /// office's keys, and parsing one (its point checks included) costs more than reading it.
    private static let parsedKeys = Mutex<[String: NoteVerifier]>([:])

    static func parsedKey(_ vkey: String) throws -> NoteVerifier {
        if let key = parsedKeys.withLock({ $0[vkey] }) { return key }
        let key = try NoteVerifier(vkey: vkey)
        parsedKeys.withLock { keys in
            // A city has tens of offices; a store that has seen thousands of keys starts again.
            if keys.count >= 4_096 { keys.removeAll() }
            keys[vkey] = key
        }
        return key
    }

    static func keyHistory(_ db: Database, office: String) throws -> KeyHistory? {
        var keys: [OfficeKey] = []
        let statement = try db.cachedStatement(sql: "SELECT from_size, vkey, revoked_after FROM key_history WHERE office = ? ORDER BY from_size")
        for row in try Row.fetchAll(statement, arguments: [office]) {
            do {
                keys.append(
                    OfficeKey(
                        office: office, fromSize: UInt64(row["from_size"] as Int64), verifier: try parsedKey(row["vkey"]),
                        revokedAfter: (row["revoked_after"] as Int64?).map(UInt64.init)))
            } catch {
                throw StoreError(.corrupt("stored key of office \(office): \(error)"))
            }
        }
        return keys.isEmpty ? nil : KeyHistory(office: office, keys: keys)
    }

    /// Trusts `verifier` as the first key of `office`, so its events can be received (a key known
    /// by hand; the registrar's registrations do the same in the ledger).
    ///
    /// - Throws: ``StoreError`` when the office already has a different first key.
    public func trust(office: String, verifier: NoteVerifier) throws {
        guard Identifiers.isValidOffice(office), verifier.name == Identifiers.origin(city: identity.city, office: office) else {
            throw StoreError(.badIdentity("key \(verifier.name) is not a key of office \(office) of \(identity.city)"))
        }
        try Self.wrapDatabaseErrors {
            try pool.write { db in
                if let existing = try Self.keyHistory(db, office: office) {
                    guard existing.keys[0].verifier == verifier else { throw StoreError(.badIdentity("office \(office) already has another key")) }
                    return
                }
                try Self.addKey(db, office: office, fromSize: 1, verifier: verifier)
            }
        }
    }

    /// Adds a key to an office's history (in the caller's transaction). A projection of the
    /// registrar's events calls it: `office.registered` (from size 1) and `office.key-rotated`.
    public static func addKey(_ db: Database, office: String, fromSize: UInt64, verifier: NoteVerifier) throws {
        try db.execute(
            sql: "INSERT INTO key_history(office, from_size, vkey) VALUES (?, ?, ?) ON CONFLICT(office, from_size) DO NOTHING",
            arguments: [office, Int64(fromSize), verifier.vkey])
    }

    /// Revokes a key of an office after `size` (in the caller's transaction): its checkpoints of
    /// larger sizes are refused from now on. A second revocation can only move the limit back.
    public static func revokeKey(_ db: Database, office: String, verifier: NoteVerifier, after size: UInt64) throws {
        try db.execute(
            sql: """
                UPDATE key_history SET revoked_after = min(coalesce(revoked_after, ?), ?) WHERE office = ? AND vkey = ?
                """, arguments: [Int64(size), Int64(size), office, verifier.vkey])
    }

    /// An office's key history, read in the caller's transaction (for a projection's checks).
    public static func keyHistory(in db: Database, office: String) throws -> KeyHistory? {
        try keyHistory(db, office: office)
    }
}

extension LedgerStore {
    /// Keeps `note` (the checkpoint of `office` at `size`) when the office's key changes right after
    /// it — its last checkpoint under the old key — so the log can be sent in parts that each verify
    /// under a key the receiver knows (a node created with the registrar's first key follows the
    /// registrar's rotations this way).
    ///
    /// - Parameter keys: the office's key history, when already read in this transaction.
    static func keepBoundary(_ db: Database, keys: KeyHistory? = nil, office: String, size: UInt64, note: String) throws {
        guard size > 0, let keys = try keys ?? keyHistory(db, office: office), keys.keys.contains(where: { $0.fromSize == size + 1 }) else { return }
        try db.execute(
            sql: "INSERT INTO boundary_checkpoints(office, size, note) VALUES (?, ?, ?) ON CONFLICT(office, size) DO NOTHING",
            arguments: [office, Int64(size), note])
    }

    /// The first key boundary of `office` after `after` and before `end`, with its checkpoint: a range
    /// sent from `after` ends there.
    public func boundary(office: String, after: UInt64, before end: UInt64) async throws -> (size: UInt64, note: String)? {
        try await readAsync { db in
            try Row.fetchOne(
                db, sql: "SELECT size, note FROM boundary_checkpoints WHERE office = ? AND size > ? AND size < ? ORDER BY size LIMIT 1",
                arguments: [office, Int64(after), Int64(end)]
            ).map { Boundary(size: UInt64($0["size"] as Int64), note: $0["note"]) }
        }.map { ($0.size, $0.note) }
    }

    private struct Boundary: Sendable {
        let size: UInt64
        let note: String
    }
}

extension LedgerStore {
    /// This office's own key rotation (not the registrar's): `verifier` signs its checkpoints from
    /// the next size on. The registrar records the same in the ledger (`office.key-rotated` with
    /// that `from_size`) for every other node; until its rotation reaches a node, that node refuses
    /// this office's new checkpoints (and takes them in a later round).
    ///
    /// - Returns: the size from which the new key signs.
    /// - Throws: ``StoreError`` at the registrar (its rotation is an event of its own log), or when
    ///   the key is not one of this office.
    public func rotateOwnKey(to verifier: NoteVerifier) throws -> UInt64 {
        guard identity.registrar != identity.office else {
            throw StoreError(.badIdentity("the registrar's key rotates by an event of its own log (civic key rotate does it)"))
        }
        guard verifier.name == identity.origin else { throw StoreError(.badIdentity("key \(verifier.name) is not a key of \(identity.origin)")) }
        return try Self.wrapDatabaseErrors {
            try pool.write { db in
                let head = try OfficeHead.fetch(db, office: identity.office) ?? .empty(office: identity.office)
                let from = head.size + 1
                if let current = try Self.keyHistory(db, office: identity.office)?.current, current.fromSize >= from {
                    throw StoreError(.badIdentity("a key of this office already signs from size \(current.fromSize): record an event first"))
                }
                try Self.addKey(db, office: identity.office, fromSize: from, verifier: verifier)
                return from
            }
        }
    }

    /// Signs the office's latest checkpoint again with `signer`, when the key valid at its size is
    /// the signer's and the held note is not (after a rotation): the same tree, now vouched for by
    /// the key that signs it.
    public func resignHead(signer: NoteSigner) throws {
        try Self.wrapDatabaseErrors {
            try pool.write { db in
                guard let head = try OfficeHead.fetch(db, office: identity.office), head.size > 0,
                    let key = try Self.keyHistory(db, office: identity.office)?.key(forSize: head.size), key.verifier == signer.verifier
                else { return }
                if let note = head.checkpoint, (try? SignedCheckpoint(note: note, verifier: signer.verifier)) != nil { return }
                let signed = try SignedCheckpoint(checkpoint: Checkpoint(origin: identity.origin, size: head.size, root: head.root), signer: signer)
                try OfficeHead(
                    office: head.office, size: head.size, lastHash: head.lastHash, frontier: head.frontier, lastHLC: head.lastHLC,
                    checkpoint: signed.note.serialized
                ).save(db)
            }
        }
    }
}
