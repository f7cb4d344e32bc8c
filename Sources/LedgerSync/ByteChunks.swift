import NIOCore

/// Bytes as they arrive, in chunks of any size, whatever produces them: an HTTP body, a ledger
/// read in chunks, or buffers in memory.
///
/// ```swift
/// let wire = ByteChunks([ByteBuffer(string: "line one\nline two\n")])
/// for try await chunk in wire { … }
/// ```
/// Most sources can be read only once (a network body): iterate a ``ByteChunks`` once.
public struct ByteChunks: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    private let makeIterator: @Sendable () -> AsyncIterator

    /// Wraps any sequence of byte buffers.
    public init<Base: AsyncSequence & Sendable>(_ base: Base) where Base.Element == ByteBuffer {
        makeIterator = {
            var iterator = base.makeAsyncIterator()
            return AsyncIterator { try await iterator.next() }
        }
    }

    /// The given buffers, in order.
    public init(_ buffers: [ByteBuffer]) {
        makeIterator = {
            var iterator = buffers.makeIterator()
            return AsyncIterator { iterator.next() }
        }
    }

    /// `first`, then the chunks of `rest`.
    public init(_ first: ByteBuffer, then rest: ByteChunks) {
        makeIterator = {
            var first: ByteBuffer? = first
            var iterator = rest.makeAsyncIterator()
            return AsyncIterator {
                if let head = first {
                    first = nil
                    return head
                }
                return try await iterator.next()
            }
        }
    }

    /// The chunks `next` returns, until it returns nil.
    init(_ makeNext: @escaping @Sendable () -> () async throws -> ByteBuffer?) {
        makeIterator = { AsyncIterator(makeNext()) }
    }

    public func makeAsyncIterator() -> AsyncIterator { makeIterator() }

    public struct AsyncIterator: AsyncIteratorProtocol {
        private let pull: () async throws -> ByteBuffer?

        init(_ pull: @escaping () async throws -> ByteBuffer?) {
            self.pull = pull
        }

        public mutating func next() async throws -> ByteBuffer? { try await pull() }
    }
}
