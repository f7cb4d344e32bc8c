import GRDB

/// Why a ledger operation failed, as one line for a person, with a ``Category`` that says what a
/// caller can do about it (an HTTP status, an exit code: each mapped in one place).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case noLedger(String)
        case alreadyExists(String)
        case badIdentity(String)
        case keyFile(String)
        case refused(index: Int, reason: String)
        case corrupt(String)
        case notFound(String)
        /// An SQLite error, with its primary result code.
        case database(String, code: Int32)
        case stalled(String)
        /// Work that ended without its result (a thread of a pipeline): a fault of this node.
        case internalFault(String)
    }

    /// What kind of failure it is, whatever its words.
    public enum Category: Sendable, Equatable {
        /// The input was refused: a bad or conflicting event, a range that does not verify (422, exit 1).
        case refused
        /// What was asked for is not held here (404).
        case notFound
        /// The sender went quiet or was too slow (408).
        case stalled
        /// The node cannot do it now — the database is busy or locked, the disk full or failing: try
        /// again later (503, exit 75).
        case unavailable
        /// The ledger's files are damaged (500).
        case corrupt
        /// The ledger or its key is missing or set up wrongly (a local command's mistake, exit 1).
        case setup
        /// A fault of this node (500).
        case failed
    }

    let code: Code

    init(_ code: Code) { self.code = code }

    public static func refused(index: Int, _ reason: String) -> StoreError { StoreError(.refused(index: index, reason: reason)) }

    /// A database error, classified by its result code.
    static func database(_ error: DatabaseError) -> StoreError {
        StoreError(.database(error.message ?? error.description, code: error.resultCode.primaryResultCode.rawValue))
    }

    public var category: Category {
        switch code {
        case .noLedger, .alreadyExists, .badIdentity, .keyFile: return .setup
        case .refused: return .refused
        case .corrupt: return .corrupt
        case .notFound: return .notFound
        case .stalled: return .stalled
        case .internalFault: return .failed
        case .database(_, let code):
            // SQLITE_BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN: nothing wrong with the input.
            return [5, 6, 7, 8, 10, 13, 14].contains(code) ? .unavailable : (code == 11 || code == 26 ? .corrupt : .failed)
        }
    }

    /// The sender of a range went quiet for longer than the idle timeout; nothing of it was stored.
    public var isStall: Bool { category == .stalled }

    /// The 0-based position of the refused draft in its batch, when the error is a refusal.
    public var refusedIndex: Int? {
        if case .refused(let index, _) = code { return index }
        return nil
    }

    public var description: String {
        switch code {
        case .noLedger(let path): return "no ledger at \(path) (run `civic init` first, or pass --data DIR)"
        case .alreadyExists(let path): return "a ledger already exists at \(path)"
        case .badIdentity(let why): return why
        case .keyFile(let why): return "office key: \(why)"
        case .refused(_, let reason): return reason
        case .corrupt(let why): return "ledger is damaged: \(why)"
        case .notFound(let what): return what
        case .database(let why, _): return "database error: \(why)"
        case .stalled(let why): return why
        case .internalFault(let why): return "internal error: \(why)"
        }
    }
}
