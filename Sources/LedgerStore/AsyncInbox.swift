import Foundation

/// A bounded queue from an async task to a thread: the task suspends (it never blocks its
/// executor) while `capacity` items wait, and the thread blocks while none do.
///
/// ```swift
/// let inbox = AsyncInbox<[Event]>(capacity: 4)
/// // task:   for try await chunk in chunks { try await inbox.send(chunk) }; inbox.finish()
/// // thread: while let chunk = try inbox.receive() { … }
/// ```
/// One sender and one receiver. The sender ends the stream with ``finish(throwing:)`` (an error is
/// delivered to the receiver after the items queued before it); the receiver stops the sender
/// with ``cancel()``.
final class AsyncInbox<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    /// An item that did not fit, with its suspended sender: queued as soon as there is room.
    private var pending: (item: Element, sender: CheckedContinuation<Void, any Error>)?
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    let capacity: Int
    /// How long ``receive()`` waits for the sender before it gives up; nil waits forever.
    let idleTimeout: Duration?

    init(capacity: Int, idleTimeout: Duration? = nil) {
        self.capacity = capacity
        self.idleTimeout = idleTimeout
    }

    /// Queues `item`, suspending until there is room.
    ///
    /// - Throws: `CancellationError` once the receiver cancelled.
    func send(_ item: Element) async throws {
        try await withCheckedThrowingContinuation { (sender: CheckedContinuation<Void, any Error>) in
            condition.lock()
            if cancelled {
                condition.unlock()
                sender.resume(throwing: CancellationError())
            } else if items.count < capacity {
                items.append(item)
                condition.broadcast()
                condition.unlock()
                sender.resume()
            } else {
                pending = (item, sender)
                condition.unlock()
            }
        }
    }

    /// No more items; the receiver gets `error` (if any) once it has taken the queued ones.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next item (blocking), or nil once the stream finished and is drained, or was cancelled.
    ///
    /// - Throws: the error the sender finished with, after the items queued before it;
    ///   ``AsyncInboxIdle`` when nothing came for the idle timeout.
    func receive() throws -> Element? {
        condition.lock()
        let deadline = idleTimeout.map { Date(timeIntervalSinceNow: Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) }
        while items.isEmpty && !finished && !cancelled {
            if let deadline {
                guard condition.wait(until: deadline) || !items.isEmpty || finished || cancelled else {
                    condition.unlock()
                    throw AsyncInboxIdle()
                }
            } else {
                condition.wait()
            }
        }
        guard !cancelled else {
            condition.unlock()
            return nil
        }
        guard !items.isEmpty else {
            let failure = self.failure
            condition.unlock()
            if let failure { throw failure }
            return nil
        }
        let item = items.removeFirst()
        let resumed = pending
        if let resumed {
            items.append(resumed.item)
            pending = nil
        }
        condition.unlock()
        resumed?.sender.resume()
        return item
    }

    /// Stops both sides: the sender's pending and later sends throw, receives return nil.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        let resumed = pending
        pending = nil
        condition.broadcast()
        condition.unlock()
        resumed?.sender.resume(throwing: CancellationError())
    }
}

/// Nothing arrived in an ``AsyncInbox`` for its idle timeout.
struct AsyncInboxIdle: Error {}
