import Foundation
import LedgerCore

extension EventIDs {
    /// One settled id: the event's whole id and its rowid, ordered by id. A block of a run is
    /// ``perBlock`` of them at most, in order, each written as the id's 32 bytes and the rowid's 8
    /// (big-endian): 3,840 bytes, within one page of the table.
    package struct Entry: Comparable, Sendable {
        /// An id as four words, compared as its bytes are (big-endian).
        package struct Key: Comparable, Sendable {
            let words: (UInt64, UInt64, UInt64, UInt64)

            /// The first 32 bytes of `bytes` (there must be as many).
            package init(_ bytes: UnsafeRawBufferPointer) {
                func word(_ at: Int) -> UInt64 { UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
                words = (word(0), word(8), word(16), word(24))
            }

            package static func < (lhs: Key, rhs: Key) -> Bool { lhs.words < rhs.words }
            package static func == (lhs: Key, rhs: Key) -> Bool { lhs.words == rhs.words }

            /// The id's bytes.
            var bytes: [UInt8] {
                var bytes = [UInt8](repeating: 0, count: idBytes)
                bytes.withUnsafeMutableBytes { Self.write(self, to: $0.baseAddress!) }
                return bytes
            }

            fileprivate static func write(_ key: Key, to base: UnsafeMutableRawPointer) {
                for (index, word) in [key.words.0, key.words.1, key.words.2, key.words.3].enumerated() {
                    base.storeBytes(of: word.bigEndian, toByteOffset: index * 8, as: UInt64.self)
                }
            }
        }

        static let idBytes = 32
        static let size = 40
        /// Entries in a block.
        static let perBlock = 96

        let key: Key
        let rowid: Int64

        init(key: Key, rowid: Int64) {
            (self.key, self.rowid) = (key, rowid)
        }

        /// The entry of an event (its id is 32 bytes, a leaf hash).
        package init(id: Hash, rowid: Int64) {
            self.init(key: id.bytes.withUnsafeBytes { Key($0) }, rowid: rowid)
        }

        package static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.key, lhs.rowid) < (rhs.key, rhs.rowid) }

        /// The bytes of a block of entries, in their order.
        package static func block(_ entries: some Collection<Entry>) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: entries.count * size) { buffer, count in
                var at = buffer.baseAddress!
                for entry in entries {
                    let base = UnsafeMutableRawPointer(at)
                    Key.write(entry.key, to: base)
                    base.storeBytes(of: entry.rowid.bigEndian, toByteOffset: idBytes, as: Int64.self)
                    at += size
                }
                count = entries.count * size
            }
        }

        /// The entries of a block's bytes.
        ///
        /// - Throws: ``Damaged`` when the bytes are not whole entries.
        package static func entries(of block: Data) throws -> [Entry] {
            guard block.count % size == 0 else { throw Damaged(bytes: block.count) }
            return block.withUnsafeBytes { bytes in
                (0..<(bytes.count / size)).map { index in entry(at: index, in: bytes) }
            }
        }

        private static func entry(at index: Int, in bytes: UnsafeRawBufferPointer) -> Entry {
            let base = index * size
            return Entry(
                key: Key(UnsafeRawBufferPointer(rebasing: bytes[base..<(base + idBytes)])),
                rowid: Int64(bigEndian: bytes.loadUnaligned(fromByteOffset: base + idBytes, as: Int64.self)))
        }

        /// The rowid that the block's bytes give the id `key`, by binary search; nil when it holds
        /// no such id (or its bytes are not whole entries).
        package static func find(_ key: Key, in block: UnsafeRawBufferPointer) -> Int64? {
            guard block.count % size == 0 else { return nil }
            var (low, high) = (0, block.count / size)
            while low < high {
                let middle = (low + high) / 2
                let entry = entry(at: middle, in: block)
                if entry.key == key { return entry.rowid }
                if entry.key < key { low = middle + 1 } else { high = middle }
            }
            return nil
        }

        /// How many of the sorted `entries` have an id at or below `bound`.
        static func count(_ entries: [Entry], through bound: Key) -> Int {
            var (low, high) = (0, entries.count)
            while low < high {
                let middle = (low + high) / 2
                if entries[middle].key <= bound { low = middle + 1 } else { high = middle }
            }
            return low
        }

        /// A block whose bytes are not whole entries.
        package struct Damaged: Error, CustomStringConvertible {
            let bytes: Int
            package var description: String { "a block of settled ids of \(bytes) bytes, not a whole number of \(size)-byte entries" }
        }
    }
}
