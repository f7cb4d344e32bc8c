/// Why a ledger operation failed, as one line for a person.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case noLedger(String)
        case alreadyExists(String)
        case badIdentity(String)
        case keyFile(String)
        case refused(index: Int, reason: String)
        case corrupt(String)
        case notFound(String)
        case database(String)
        case stalled(String)
    }

    let code: Code

    init(_ code: Code) { self.code = code }

    public static func refused(index: Int, _ reason: String) -> StoreError { StoreError(.refused(index: index, reason: reason)) }

    /// The sender of a range went quiet for longer than the idle timeout; nothing of it was stored.
    public var isStall: Bool {
        if case .stalled = code { return true }
        return false
    }

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
        case .database(let why): return "database error: \(why)"
        case .stalled(let why): return why
        }
    }
}
