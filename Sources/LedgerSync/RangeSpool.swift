import Foundation
import LedgerCore
import LedgerStore
import NIOCore

/// Where a range waits on disk while it arrives, so that the node's single SQLite writer is taken
/// only once all of it is here — and then only for as long as storing it takes, never while a
/// peer sends (or does not send) its bytes.
///
/// A peer gets bounded resources: a few ranges at once (more are answered 503, busy), a bounded
/// number of bytes on disk, a line at most 64 KiB, no more lines than the header's count, and
/// time: an idle timeout, a minimum rate after a grace period, and a total deadline.
///
/// ```swift
/// let spooled = try await RangeSpool.shared(for: store).spool(range)
/// let summary = try await store.receive(office: …, events: spooled.parsedEvents())
/// ```
public final class RangeSpool: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Ranges arriving at once; another is answered 503 (busy: try again later).
        public var concurrentRanges = 4
        /// Bytes waiting on disk at once, over every range arriving.
        public var maximumBytes: Int64 = 4 << 30
        /// How long the sender may send nothing.
        public var idleTimeout: Duration = .seconds(30)
        /// After `grace`, a range must have arrived at this rate on average (bytes per second).
        public var minimumBytesPerSecond: Int64 = 64 * 1024
        public var grace: Duration = .seconds(30)
        /// The longest any range may take to arrive.
        public var deadline: Duration = .seconds(3600)

        public init() {}
    }

    public let directory: String
    public let limits: Limits
    private let state = SpoolState()

    public init(directory: String, limits: Limits = Limits()) {
        self.directory = directory
        self.limits = limits
    }

    /// The spool beside a store's database (`DIR/spool`), one per folder in this process, so that
    /// every range pushed to the node shares its limits.
    public static func shared(for store: LedgerStore, limits: Limits = Limits()) -> RangeSpool {
        let directory = (store.path as NSString).deletingLastPathComponent + "/spool"
        return registry.spool(for: directory, limits: limits)
    }

    private static let registry = SpoolRegistry()

    /// Writes the event lines of `range` into a file of the spool, checking their framing (at most
    /// the header's count of lines, each at most 64 KiB) and the limits as they arrive; returns once
    /// every line has arrived. The events are parsed only when read back.
    ///
    /// - Throws: ``SpoolError`` (busy, full, too slow, idle, past the deadline), ``WireError`` for
    ///   bad framing, or the source's error; nothing stays on disk then.
    /// - Parameter maximumBytes: the most this range may hold (a range of an office not trusted yet
    ///   is held whole in quarantine, so it gets less room than one that can be checked).
    public func spool(_ range: RangeStream, maximumBytes: Int64 = .max) async throws -> SpooledRange {
        try state.acquire(limit: limits.concurrentRanges)
        defer { state.release() }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/range-\(getpid())-\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: path)
        else { throw SpoolError(.unwritable(path)) }
        let watch = SpoolWatch(limits: limits, office: range.header.office)
        do {
            let bytes = try await withThrowingTaskGroup(of: Int64?.self) { group in
                group.addTask { try await self.write(range, to: handle, watch: watch, maximumBytes: maximumBytes) }
                group.addTask {
                    try await watch.run()
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let bytes = result { return bytes }
                }
                throw SpoolError(.stalled("the range ended without an answer"))
            }
            try handle.close()
            let state = self.state
            return SpooledRange(header: range.header, path: path, bytes: bytes) { state.unreserve($0) }
        } catch {
            try? handle.close()
            unlink(path)
            state.unreserve(watch.reserved)
            throw watch.failure ?? error
        }
    }

    /// Copies the lines to the file, a megabyte at a time, counting them and their bytes.
    private func write(_ range: RangeStream, to handle: FileHandle, watch: SpoolWatch, maximumBytes: Int64) async throws -> Int64 {
        var reader = LineReader(range.events, maximumLineBytes: RangeBatchCodec.maximumLineBytes)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var lines: UInt64 = 0
        var total: Int64 = 0
        while let line = try await reader.nextLine() {
            lines += 1
            guard lines <= range.header.count else {
                throw WireError("the range announces \(range.header.count) events but carries more: truncated or padded")
            }
            let size = Int64(line.count + 1)
            guard total + size <= maximumBytes else {
                throw SpoolError(.tooLarge(maximumBytes))
            }
            try state.reserve(size, limit: limits.maximumBytes)
            watch.arrived(size)
            total += size
            buffer += line
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 {
                try handle.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        guard lines == range.header.count else {
            throw WireError("the range announces \(range.header.count) events but carries \(lines): truncated or padded")
        }
        try handle.write(contentsOf: buffer)
        watch.done()
        return total
    }
}

/// A range that has arrived whole, waiting in its spool file (removed when this goes).
public final class SpooledRange: Sendable {
    public let header: RangeHeader
    public let path: String
    /// The lines' bytes, line feeds included.
    public let bytes: Int64
    private let release: @Sendable (Int64) -> Void

    init(header: RangeHeader, path: String, bytes: Int64, release: @escaping @Sendable (Int64) -> Void = { _ in }) {
        self.header = header
        self.path = path
        self.bytes = bytes
        self.release = release
    }

    deinit {
        unlink(path)
        release(bytes)
    }

    /// The events read back from disk and parsed, in chunks of up to 512.
    public func parsedEvents() -> ParsedEvents {
        let path = self.path
        let chunks = ByteChunks {
            let handle = FileHandle(forReadingAtPath: path)
            return {
                guard let handle, let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else {
                    try? handle?.close()
                    return nil
                }
                return ByteBuffer(bytes: data)
            }
        }
        return ParsedEvents(lines: chunks, count: header.count)
    }
}

/// Why a range was not taken.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    enum Code: Sendable {
        case busy(Int)
        case full(Int64)
        case tooLarge(Int64)
        case stalled(String)
        case unwritable(String)
    }

    let code: Code

    init(_ code: Code) { self.code = code }

    /// The node has no room now (too many ranges arriving, or too many bytes waiting): try later (503).
    public var isBusy: Bool {
        switch code {
        case .busy, .full: return true
        default: return false
        }
    }

    /// The range is larger than the node holds for it (413).
    public var isTooLarge: Bool {
        if case .tooLarge = code { return true }
        return false
    }

    /// The sender was too slow, went quiet, or passed the deadline (408).
    public var isStall: Bool {
        if case .stalled = code { return true }
        return false
    }

    public var description: String {
        switch code {
        case .busy(let limit): return "\(limit) ranges are arriving already: try again later"
        case .full(let limit): return "ranges arriving hold \(limit) bytes on disk already: try again later"
        case .tooLarge(let limit): return "the range is larger than the \(limit) bytes this node holds for it; nothing of it was stored"
        case .stalled(let why): return why + "; nothing of it was stored"
        case .unwritable(let path): return "cannot write the spool file \(path)"
        }
    }
}

/// The ranges arriving and the bytes they hold, under one lock.
private final class SpoolState: @unchecked Sendable {
    private let lock = NSLock()
    private var ranges = 0
    private var bytes: Int64 = 0

    func acquire(limit: Int) throws {
        lock.lock()
        defer { lock.unlock() }
        guard ranges < limit else { throw SpoolError(.busy(limit)) }
        ranges += 1
    }

    func release() {
        lock.lock()
        ranges -= 1
        lock.unlock()
    }

    func reserve(_ size: Int64, limit: Int64) throws {
        lock.lock()
        defer { lock.unlock() }
        guard bytes + size <= limit else { throw SpoolError(.full(limit)) }
        bytes += size
    }

    func unreserve(_ size: Int64) {
        lock.lock()
        bytes -= size
        lock.unlock()
    }
}

/// Watches one range arrive: its idle time, its rate after the grace period, its deadline.
private final class SpoolWatch: @unchecked Sendable {
    private let lock = NSLock()
    private let limits: RangeSpool.Limits
    private let office: String
    private let started = ContinuousClock.now
    private var last = ContinuousClock.now
    private var received: Int64 = 0
    private var finished = false
    private(set) var failure: SpoolError?

    init(limits: RangeSpool.Limits, office: String) {
        self.limits = limits
        self.office = office
    }

    /// Bytes counted as reserved in the spool (given back if the range fails).
    var reserved: Int64 {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    func arrived(_ size: Int64) {
        lock.lock()
        received += size
        last = .now
        lock.unlock()
    }

    func done() {
        lock.lock()
        finished = true
        lock.unlock()
    }

    /// Checks the limits every 250 ms until the range is done; throws the first one broken.
    func run() async throws {
        while true {
            try await Task.sleep(for: .milliseconds(250))
            switch check() {
            case .finished: return
            case .running: continue
            case .broken(let error): throw error
            }
        }
    }

    private enum Check {
        case finished, running
        case broken(SpoolError)
    }

    private func check() -> Check {
        lock.lock()
        defer { lock.unlock() }
        if finished { return .finished }
        let now = ContinuousClock.now
        let elapsed = started.duration(to: now)
        var broken: String?
        if last.duration(to: now) > limits.idleTimeout {
            broken = "the range of \(office) stalled: nothing arrived for \(limits.idleTimeout)"
        } else if elapsed > limits.deadline {
            broken = "the range of \(office) stalled: it did not arrive within \(limits.deadline)"
        } else if elapsed > limits.grace {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let expected = Int64(Double(limits.minimumBytesPerSecond) * (seconds - Double(limits.grace.components.seconds)))
            if received < expected {
                broken = "the range of \(office) stalled: it arrived at less than \(limits.minimumBytesPerSecond) bytes/s (\(received) bytes in \(elapsed))"
            }
        }
        guard let broken else { return .running }
        failure = SpoolError(.stalled(broken))
        return .broken(SpoolError(.stalled(broken)))
    }
}

/// The spools of this process, one per folder.
private final class SpoolRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var spools: [String: RangeSpool] = [:]

    func spool(for directory: String, limits: RangeSpool.Limits) -> RangeSpool {
        lock.lock()
        defer { lock.unlock() }
        if let spool = spools[directory], spool.limits == limits { return spool }
        let spool = RangeSpool(directory: directory, limits: limits)
        spools[directory] = spool
        return spool
    }
}
