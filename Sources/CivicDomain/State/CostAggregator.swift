import Foundation
import GRDB
import GRDBSQLite

/// Sums `civic_costs` rows by (system, year, category, source, currency) in one pass, hashing
/// in memory: SQLite's GROUP BY sorts a million rows, which costs a second; this costs a scan.
struct CostAggregator {
    /// Gives each distinct text a small number, reading it straight from SQLite's buffer.
    private struct Interner {
        private var buckets: [UInt64: [(bytes: [UInt8], index: Int)]] = [:]
        private(set) var values: [String] = []

        mutating func index(_ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int {
            let bytes = UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : count)
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            if let bucket = buckets[hash] {
                for entry in bucket where entry.bytes.count == count {
                    let same = entry.bytes.withUnsafeBufferPointer { stored in
                        guard let left = stored.baseAddress, let right = bytes.baseAddress else { return count == 0 }
                        return memcmp(left, right, count) == 0
                    }
                    if same { return entry.index }
                }
            }
            let index = values.count
            values.append(String(decoding: bytes, as: UTF8.self))
            buckets[hash, default: []].append((Array(bytes), index))
            return index
        }
    }

    private var systems = Interner()
    private var years = Interner()
    private var categories = Interner()
    private var sources = Interner()
    private var currencies = Interner()
    /// Sums by packed key: system (32 bits), year, category, source, currency (8 bits each).
    private var sums: [UInt64: (amount: Int64, count: Int64)] = [:]

    /// Aggregates the rows passing `condition` (SQL over civic_costs columns).
    static func lines(_ db: Database, condition: String, arguments: StatementArguments) throws -> [CostLine] {
        var aggregator = CostAggregator()
        let statement = try db.makeStatement(
            sql: "SELECT system, effective, category, source, currency, amount FROM civic_costs WHERE \(condition)")
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        while true {
            let step = sqlite3_step(handle)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: step), message: "aggregating costs") }
            func text(_ column: Int32, length: Int? = nil) -> (UnsafePointer<UInt8>?, Int) {
                let count = Int(sqlite3_column_bytes(handle, column))
                return (sqlite3_column_text(handle, column), min(count, length ?? count))
            }
            let system = text(0)
            let year = text(1, length: 4)
            let category = text(2)
            let source = text(3)
            let currency = text(4)
            var key = UInt64(aggregator.systems.index(system.0, system.1)) << 32
            key |= UInt64(aggregator.years.index(year.0, year.1) & 0xFF) << 24
            key |= UInt64(aggregator.categories.index(category.0, category.1) & 0xFF) << 16
            key |= UInt64(aggregator.sources.index(source.0, source.1) & 0xFF) << 8
            key |= UInt64(aggregator.currencies.index(currency.0, currency.1) & 0xFF)
            guard aggregator.years.values.count <= 256, aggregator.categories.values.count <= 256,
                aggregator.sources.values.count <= 256, aggregator.currencies.values.count <= 256
            else { throw DatabaseError(message: "more than 256 distinct years, categories, sources or currencies") }
            let amount = sqlite3_column_int64(handle, 5)
            let sum = aggregator.sums[key] ?? (0, 0)
            aggregator.sums[key] = (sum.amount + amount, sum.count + 1)
        }
        return aggregator.sums.map { key, sum in
            CostLine(
                system: aggregator.systems.values[Int(key >> 32)], year: aggregator.years.values[Int(key >> 24 & 0xFF)],
                category: aggregator.categories.values[Int(key >> 16 & 0xFF)], source: aggregator.sources.values[Int(key >> 8 & 0xFF)],
                currency: aggregator.currencies.values[Int(key & 0xFF)], amount: sum.amount, count: sum.count)
        }
    }
}
