import Foundation
import GRDB
import LedgerCore

extension LedgerStore {
    /// The bytes of one tile of `office`'s log (``LogTiles/tiles(size:)``): 32-byte hashes for a hash
    /// tile, big-endian 16-bit lengths and canonical bytes for an entry bundle.
    ///
    /// - Throws: ``StoreError`` when the log held is shorter than the tile needs.
    public func tileBytes(office: String, tile: LogTiles.Tile) throws -> [UInt8] {
        try read { db in try Self.tileBytes(db, office: office, tile: tile) }
    }

    static func tileBytes(_ db: Database, office: String, tile: LogTiles.Tile) throws -> [UInt8] {
        let first = tile.index * LogTiles.width
        let rows: [Data]
        switch tile.level {
        case nil:
            rows = try Data.fetchAll(
                db.cachedStatement(sql: EventRuns.select("e.canonical")),
                arguments: [office, Int64(first), Int64(first + tile.width)])
        case 0:
            rows = try Data.fetchAll(
                db.cachedStatement(sql: EventRuns.select("e.id")),
                arguments: [office, Int64(first), Int64(first + tile.width)])
        case let level?:
            rows = try Data.fetchAll(
                db, sql: "SELECT hash FROM merkle_nodes WHERE office = ? AND level = ? AND idx >= ? AND idx < ? ORDER BY idx",
                arguments: [office, level * 8, Int64(first), Int64(first + tile.width)])
        }
        guard UInt64(rows.count) == tile.width else {
            throw StoreError(.notFound("\(office)'s log held here lacks what \(tile.path) needs (\(rows.count) of \(tile.width))"))
        }
        var bytes: [UInt8] = []
        if tile.level == nil {
            bytes.reserveCapacity(rows.reduce(0) { $0 + 2 + $1.count })
            for row in rows {
                guard row.count <= Int(UInt16.max) else { throw StoreError(.corrupt("an event of \(office) is longer than an entry bundle allows")) }
                bytes.append(UInt8(row.count >> 8))
                bytes.append(UInt8(row.count & 0xFF))
                bytes.append(contentsOf: row)
            }
        } else {
            bytes.reserveCapacity(rows.count * Hash.byteCount)
            for row in rows {
                guard row.count == Hash.byteCount else { throw StoreError(.corrupt("a stored hash of \(office) is not 32 bytes")) }
                bytes.append(contentsOf: row)
            }
        }
        return bytes
    }
}
