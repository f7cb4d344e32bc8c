import Foundation
import GRDB
import LedgerCore

/// What a publish wrote and what it found already there.
public struct PublishCounts: Sendable, Equatable {
    /// Files written (new, or different from what was there).
    public var written = 0
    /// Of those, hash tiles and entry bundles.
    public var tiles = 0
    public var bundles = 0
    /// Files already there with the same bytes (full tiles are not even read back: they never change).
    public var kept = 0

    public init() {}
}

/// Why a published file could not be written.
public struct PublishError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A folder files are published into: each written beside its final name and renamed into place
/// (readers never see half a file), and only when missing or different.
public struct PublishFolder: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    /// Writes `bytes` at `path` (below the root) unless the same bytes are there.
    ///
    /// - Returns: True when it wrote.
    @discardableResult
    public func write(_ path: String, _ bytes: [UInt8]) throws -> Bool {
        let final = root + "/" + path
        if let existing = FileManager.default.contents(atPath: final), existing.elementsEqual(bytes) { return false }
        let folder = (final as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let temporary = folder + "/.\((final as NSString).lastPathComponent).\(getpid()).tmp"
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, final) == 0 else {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(atPath: temporary)
                throw PublishError("cannot rename into \(final): \(reason)")
            }
        } catch let error as PublishError {
            throw error
        } catch {
            throw PublishError("cannot write \(final): \(error.localizedDescription)")
        }
        return true
    }

    public func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: root + "/" + path)
    }
}

extension LedgerStore {
    /// Publishes every office log held as static files (`Protocol/PUBLISH.md`): per office its
    /// tiles, entry bundles, signed checkpoint with the cosignatures held for it and the boundary
    /// checkpoints of its key rotations; the citywide
    /// checkpoint, `city.json` and `keys.json`. Full tiles already published are not rewritten.
    ///
    /// - Parameter progress: Called after each office with its name and the counts so far.
    public func publish(into folder: PublishFolder, progress: (String, PublishCounts) -> Void = { _, _ in }) throws -> PublishCounts {
        var counts = PublishCounts()
        func note(_ wrote: Bool) {
            if wrote { counts.written += 1 } else { counts.kept += 1 }
        }
        // One snapshot of the store, so tiles, checkpoints and the citywide checkpoint agree.
        let snapshot = try read {
            db -> (heads: [OfficeHead], cosigned: [String: String], boundaries: [String: [(Int64, String)]], city: CitywideCheckpoint, keys: [KeyHistory]) in
            let heads = try Row.fetchAll(db, sql: "SELECT * FROM office_heads WHERE size > 0 ORDER BY office").map { try OfficeHead(row: $0) }
            var cosigned: [String: String] = [:]
            for head in heads { cosigned[head.office] = try Self.cosignedCheckpoint(db, head: head) }
            var boundaries: [String: [(Int64, String)]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT office, size, note FROM boundary_checkpoints ORDER BY office, size") {
                boundaries[row["office"], default: []].append((row["size"], row["note"]))
            }
            let held = heads.map { HeldLog(office: $0.office, size: $0.size, root: $0.root, checkpoint: $0.checkpoint) }
            return (heads, cosigned, boundaries, citywide(held), try Self.keyHistories(db).values.sorted { $0.office < $1.office })
        }
        for head in snapshot.heads {
            let prefix = "logs/\(head.office)/"
            for tile in LogTiles.tiles(size: head.size) {
                if tile.isFull, folder.exists(prefix + tile.path) {
                    counts.kept += 1
                    continue
                }
                let wrote = try folder.write(prefix + tile.path, try tileBytes(office: head.office, tile: tile))
                note(wrote)
                if wrote { if tile.level == nil { counts.bundles += 1 } else { counts.tiles += 1 } }
            }
            if let checkpoint = snapshot.cosigned[head.office] { note(try folder.write(prefix + "checkpoint", Array(checkpoint.utf8))) }
            // The last checkpoint of each key the office rotated from: what vouches for its next key.
            for (size, boundary) in snapshot.boundaries[head.office] ?? [] where UInt64(size) <= head.size {
                note(try folder.write(prefix + "boundary/\(size)", Array(boundary.utf8)))
            }
            progress(head.office, counts)
        }
        note(try folder.write("city/checkpoint", Array(snapshot.city.text.utf8)))
        let logs: [JSONValue] = snapshot.heads.map { head in
            .object([
                ("office", .string(head.office)), ("origin", .string(Identifiers.origin(city: identity.city, office: head.office))),
                ("root", .string(head.root.base64)), ("size", .integer(Int64(head.size))),
            ])
        }
        let city: JSONValue = .object([
            ("city", .string(identity.city)), ("events", .integer(Int64(snapshot.city.size))), ("format", .string("civic-publish/1")),
            ("hash", .string(snapshot.city.hash.hex)), ("logs", .array(logs)), ("registrar", identity.registrar.map { .string($0) } ?? .null),
        ])
        note(try folder.write("city.json", try CanonicalJSON.encode(city) + [0x0A]))
        let keys: [JSONValue] = snapshot.keys.map { history in
            .object([
                ("keys", .array(history.keys.map { key in
                    .object([
                        ("from_size", .integer(Int64(key.fromSize))), ("revoked_after", key.revokedAfter.map { .integer(Int64($0)) } ?? .null),
                        ("vkey", .string(key.verifier.vkey)),
                    ])
                })),
                ("office", .string(history.office)),
            ])
        }
        note(try folder.write("keys.json", try CanonicalJSON.encode(.array(keys)) + [0x0A]))
        return counts
    }
}
