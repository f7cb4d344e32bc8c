/// An office's log as C2SP tlog-tiles lays it out (`Protocol/PUBLISH.md` §1): hash tiles of 256
/// hashes at levels 0, 1, 2 … and entry bundles of the events' canonical bytes, each at its path
/// below the log's prefix (`tile/0/x001/234`, `tile/entries/005.p/17`).
///
/// A level-L hash is the root of a perfect subtree of 256^L leaves: the leaves themselves (the
/// events' ids) at level 0, and above the subtree roots the store keeps every 8 levels
/// (`merkle_nodes`, LedgerStore), so a tile is one indexed read whatever the log's size.
public enum LogTiles {
    /// Hashes in a full tile, entries in a full bundle.
    public static let width: UInt64 = 256

    /// `<N>` of a tile path: 3-digit groups, all but the last prefixed with `x` (1234067 → `x001/x234/067`).
    public static func indexPath(_ index: UInt64) -> String {
        var groups: [String] = []
        var rest = index
        repeat {
            let group = String(rest % 1000)
            groups.insert(String(repeating: "0", count: 3 - group.count) + group, at: 0)
            rest /= 1000
        } while rest > 0
        return groups.enumerated().map { $0.offset < groups.count - 1 ? "x" + $0.element : $0.element }.joined(separator: "/")
    }

    /// The path of a hash tile (`level` ≥ 0) or, with `level` nil, of an entry bundle; `width` below
    /// 256 makes it partial.
    public static func path(level: Int?, index: UInt64, width: UInt64 = LogTiles.width) -> String {
        let base = "tile/" + (level.map(String.init) ?? "entries") + "/" + indexPath(index)
        return width == Self.width ? base : base + ".p/\(width)"
    }

    /// One tile or bundle of a log at a size.
    public struct Tile: Sendable, Equatable {
        /// The path below the log's prefix.
        public let path: String
        /// Nil for an entry bundle.
        public let level: Int?
        public let index: UInt64
        /// 256 for a full tile; fewer for the partial one.
        public let width: UInt64
        public var isFull: Bool { width == LogTiles.width }
    }

    /// Every tile and bundle of a log of `size`: the full ones, then the partial one, level by level
    /// (bundles first), none empty.
    public static func tiles(size: UInt64) -> [Tile] {
        var tiles: [Tile] = []
        func add(level: Int?, hashes: UInt64) {
            for index in 0..<(hashes / width) { tiles.append(Tile(path: path(level: level, index: index), level: level, index: index, width: width)) }
            let partial = hashes % width
            if partial > 0 {
                let index = hashes / width
                tiles.append(Tile(path: path(level: level, index: index, width: partial), level: level, index: index, width: partial))
            }
        }
        add(level: nil, hashes: size)
        var level = 0
        var hashes = size
        while hashes > 0 {
            add(level: level, hashes: hashes)
            hashes /= width
            level += 1
        }
        return tiles
    }
}
