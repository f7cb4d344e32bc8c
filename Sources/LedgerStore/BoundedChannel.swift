import Foundation

/// A blocking, bounded, single-producer single-consumer queue between two threads.
///
/// The producer blocks while `capacity` items wait; the consumer blocks while none do. Either side
/// can end it: ``close()`` lets the consumer drain what is queued, ``cancel()`` makes further pushes
/// throw so a producer stops early.
final class BoundedChannel<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private var cancelled = false
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Queues `item`, waiting for room.
    ///
    /// - Throws: `CancellationError` once the channel was cancelled.
    func push(_ item: Element) throws {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { throw CancellationError() }
        items.append(item)
        condition.broadcast()
    }

    /// The next item, or nil once the channel is closed (or cancelled) and drained.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed && !cancelled { condition.wait() }
        guard !items.isEmpty, !cancelled else { return nil }
        condition.broadcast()
        return items.removeFirst()
    }

    /// No more items will be pushed.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops both sides: pushes throw, pops return nil.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// The chunks a writer has stored, handed back so that the thread that made them frees them (their
/// events, bodies and what was prepared for them) while the writer goes on: freeing them took the
/// writer 5 % of a transaction of 10,000 events.
///
/// The writer calls ``give(_:)`` and, when it is done or has failed, ``close()``; the other thread
/// calls ``release()`` between its own chunks and ``releaseUntilClosed()`` once it has made them all.
final class SpentChunks<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[Element]] = []
    private var closed = false

    func give(_ chunk: consuming [Element]) {
        condition.lock()
        defer { condition.unlock() }
        chunks.append(chunk)
        condition.signal()
    }

    /// Frees the chunks given so far, on the calling thread, without waiting.
    func release() {
        condition.lock()
        let taken = chunks
        chunks = []
        condition.unlock()
        _ = consume taken
    }

    /// Frees the chunks given until ``close()``, on the calling thread.
    func releaseUntilClosed() {
        while true {
            condition.lock()
            while chunks.isEmpty && !closed { condition.wait() }
            let (taken, done) = (chunks, closed)
            chunks = []
            condition.unlock()
            _ = consume taken
            if done { return }
        }
    }

    /// No more chunks will be given.
    func close() {
        condition.lock()
        closed = true
        condition.signal()
        condition.unlock()
    }
}

/// Runs `body` on a new thread; ``join()`` waits for it and returns its result.
///
/// The thread releases `body` (and all it captured) before ``join()`` returns, so closures passed
/// through `withoutActuallyEscaping` may be captured by it.
public final class JoinableThread<Result>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var body: (@Sendable () -> Result)?
    private var result: Result?

    public init(name: String, _ body: @escaping @Sendable () -> Result) {
        self.body = body
        let thread = Thread { [self] in
            runBody()
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    private func runBody() {
        lock.lock()
        let taken = body
        body = nil
        lock.unlock()
        guard let taken else { return }
        let value = taken()
        lock.lock()
        result = value
        lock.unlock()
    }

    /// Waits for the thread; may be called more than once.
    public func join() -> Result? {
        done.wait()
        done.signal()
        lock.lock()
        defer { lock.unlock() }
        return result
    }
}
