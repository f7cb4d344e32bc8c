import Foundation
import Hummingbird

/// Runs blocking work — a fold of the whole ledger for a report page, say — for a request handler
/// on a thread of its own, never on Swift's cooperative pool (whose few threads also serve sync),
/// and at most `limit` at once: anyone can send requests, so one past the limit is answered 503
/// (busy: try again later) instead of queueing work without bound.
///
/// ```swift
/// let pages = BlockingWork(limit: 2, busy: "the dashboard is busy")
/// router.get("/") { request, _ in try await pages.run { render(request) } }
/// ```
public final class BlockingWork: Sendable {
    private let limit: Int
    private let busy: String
    private let running = RunningCount()
    private let queue = DispatchQueue(label: "civic.blocking-work", attributes: .concurrent)

    public init(limit: Int, busy: String) {
        self.limit = max(1, limit)
        self.busy = busy
    }

    /// Runs `body` on the work's own queue, or throws a 503 `HTTPError` when `limit` are running.
    public func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        guard running.enter(limit: limit) else { throw HTTPError(.serviceUnavailable, message: busy) }
        defer { running.leave() }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// A count of work in progress, under a lock.
private final class RunningCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func enter(limit: Int) -> Bool {
        lock.withLock {
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() {
        lock.withLock { count -= 1 }
    }
}
