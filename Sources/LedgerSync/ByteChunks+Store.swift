import LedgerStore
import NIOCore

extension ByteChunks {
    /// Events read from a ledger this many at a time: about 1.5 MB of lines per read.
    public static let eventsPerRead: UInt64 = 4096

    /// The canonical bytes of an office's events with seq in `seqs`, one per line, read from
    /// `store` ``eventsPerRead`` events at a time as the chunks are consumed (each read is its own
    /// read transaction: stored events never change).
    ///
    /// ```swift
    /// let lines = ByteChunks.canonicalLines(of: store, office: "police", seqs: 1...head.size)
    /// ```
    public static func canonicalLines(of store: LedgerStore, office: String, seqs: ClosedRange<UInt64>) -> ByteChunks {
        ByteChunks {
            var next: UInt64? = seqs.lowerBound
            return {
                guard let first = next else { return nil }
                let last = seqs.upperBound - first < eventsPerRead ? seqs.upperBound : first + eventsPerRead - 1
                next = last < seqs.upperBound ? last + 1 : nil
                let capacity = Int(last - first + 1) * 400
                return try await store.readCanonical(office: office, seqs: first...last, into: ByteBufferAllocator().buffer(capacity: capacity)) {
                    lines, event in
                    lines.writeBytes(event)
                    lines.writeInteger(UInt8(0x0A))
                }
            }
        }
    }
}
