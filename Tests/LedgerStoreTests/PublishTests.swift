import CivicTestSupport
import Foundation
import LedgerCore
import LedgerStore
import Testing

/// `civic publish`'s files: each office log as C2SP tlog-tiles (the tiles' paths and widths, hash
/// tiles that rebuild the signed root, entry bundles that hash to them), written again only where
/// they changed.
@Suite("Publishing as tlog-tiles")
struct PublishTests {
    @Test func tilePathsAndWidthsFollowTlogTiles() {
        #expect(LogTiles.indexPath(1_234_067) == "x001/x234/067")
        #expect(LogTiles.indexPath(0) == "000")
        #expect(LogTiles.indexPath(1000) == "x001/000")
        #expect(LogTiles.path(level: 2, index: 5, width: 17) == "tile/2/005.p/17")
        #expect(LogTiles.path(level: nil, index: 3) == "tile/entries/003")
        // tlog-tiles' example: 70,000 leaves are 273 full level-0 tiles, a partial one of 112, one full
        // level-1 tile, a partial one of 17 and a partial level-2 tile of 1 (and bundles like level 0).
        let tiles = LogTiles.tiles(size: 70_000)
        func at(_ level: Int?) -> [LogTiles.Tile] { tiles.filter { $0.level == level } }
        #expect(at(0).filter(\.isFull).count == 273 && at(0).last?.width == 112)
        #expect(at(nil).filter(\.isFull).count == 273 && at(nil).last?.path == "tile/entries/273.p/112")
        #expect(at(1).map(\.width) == [256, 17])
        #expect(at(2).map(\.path) == ["tile/2/000.p/1"])
        #expect(at(3).isEmpty)
        // A tree of 256 is one full level-0 tile and a partial level-1 tile of width 1; nothing empty.
        #expect(LogTiles.tiles(size: 256).map(\.path) == ["tile/entries/000", "tile/0/000", "tile/1/000.p/1"])
        #expect(LogTiles.tiles(size: 0).isEmpty)
    }

    @Test func tilesRebuildTheSignedRootAndBundlesHashToThem() throws {
        let ledger = try MerkleNodeTests.ledger(600, batch: 97)
        let store = ledger.store
        let head = try #require(try store.head(office: "transport"))
        var level0: [Hash] = []
        var level1: [Hash] = []
        for tile in LogTiles.tiles(size: head.size) {
            let bytes = try store.tileBytes(office: "transport", tile: tile)
            switch tile.level {
            case nil:
                // Each entry: a 16-bit big-endian length, then the event's exact canonical bytes.
                var offset = 0
                var seq = tile.index * 256 + 1
                while offset < bytes.count {
                    let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                    let entry = Array(bytes[(offset + 2)..<(offset + 2 + length)])
                    #expect(entry == (try store.event(office: "transport", seq: seq))?.canonical, "seq \(seq)")
                    offset += 2 + length
                    seq += 1
                }
                #expect(seq - 1 == tile.index * 256 + tile.width)
            case 0?:
                let hashes = stride(from: 0, to: bytes.count, by: 32).map { Hash(bytes: Array(bytes[$0..<($0 + 32)])) }
                #expect(UInt64(hashes.count) == tile.width)
                level0 += hashes
            case 1?:
                level1 += stride(from: 0, to: bytes.count, by: 32).map { Hash(bytes: Array(bytes[$0..<($0 + 32)])) }
            default:
                Issue.record("600 leaves have no level-2 tile")
            }
        }
        #expect(level0 == (try store.leafHashes(office: "transport", size: head.size)))
        #expect(MerkleTree.root(level0[...]) == head.root)
        // A level-1 hash is the root of a full level-0 tile.
        #expect(level1 == [MerkleTree.root(level0[0..<256]), MerkleTree.root(level0[256..<512])])
        // Each entry's leaf hash is its level-0 hash.
        let first = try store.tileBytes(office: "transport", tile: LogTiles.tiles(size: head.size)[0])
        let length = Int(first[0]) << 8 | Int(first[1])
        #expect(Hash.leaf(Array(first[2..<(2 + length)])) == level0[0])
    }

    @Test func aSecondPublishWritesOnlyWhatChanged() throws {
        let ledger = try MerkleNodeTests.ledger(300, batch: 300)
        let folder = try TemporaryFolder("civic-publish")
        let out = PublishFolder(root: folder.path)
        let first = try ledger.store.publish(into: out)
        // 300 events: bundles 000 and 001.p/44, level 0 the same, level 1 000.p/1; the checkpoint,
        // the citywide checkpoint, city.json and keys.json.
        #expect(first.bundles == 2 && first.tiles == 3 && first.written == 9 && first.kept == 0)
        let again = try ledger.store.publish(into: out)
        #expect(again.written == 0 && again.kept == 9)

        _ = try ledger.store.append((300..<600).map { try TestLedger.draft($0) }, signer: ledger.signer)
        let grown = try ledger.store.publish(into: out)
        // New: bundle 001 (full now) and 002.p/88, level 0 the same, level 1 000.p/2; the three
        // checkpoint files. Kept: bundle and level-0 tile 000 (full, not even read) and keys.json.
        #expect(grown.bundles == 2 && grown.tiles == 3, "\(grown)")
        #expect(grown.written == 8 && grown.kept == 3, "\(grown)")
        // Full tiles stay as they were; partial ones of the earlier size stay for readers of its checkpoint.
        for path in ["tile/entries/000", "tile/entries/001", "tile/entries/001.p/44", "tile/entries/002.p/88", "tile/0/001", "tile/1/000.p/1", "tile/1/000.p/2"] {
            #expect(FileManager.default.fileExists(atPath: folder.path + "/logs/transport/" + path), "\(path)")
        }
        let city = try String(contentsOfFile: folder.path + "/city/checkpoint", encoding: .utf8)
        #expect(city == (try ledger.store.citywideCheckpoint()).text)
        #expect(city.hasSuffix("\n") && city.split(separator: "\n").count == 2)
        let checkpoint = try String(contentsOfFile: folder.path + "/logs/transport/checkpoint", encoding: .utf8)
        #expect(checkpoint == (try ledger.store.head(office: "transport"))?.checkpoint)
        // No temporary file is left behind.
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.path)
        #expect(!names.contains { $0.hasSuffix(".tmp") })
    }
}
