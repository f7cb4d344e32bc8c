import Foundation
import GRDB
import LedgerCore

/// What a node makes of a range's header, before it reads any of its events.
public enum RangeAdmission: Sendable, Equatable {
    /// The office's key is trusted here and signed the checkpoint, whose size the range reaches.
    case verified
    /// The office is not trusted here yet: the range may wait in quarantine (bounded in bytes).
    case quarantine(maximumBytes: Int64)
}

extension LedgerStore {
    /// Checks a range's header with a read (the writer is not taken): not this node's own office,
    /// some events, and the office's signed checkpoint at `after + count` — or, for an office not
    /// trusted yet, a well-formed checkpoint of that office's log at that size, for quarantine.
    ///
    /// - Throws: ``StoreError`` refusing the range, before any of its events is read.
    public func admit(office: String, after: UInt64, count: UInt64, checkpoint note: String) throws -> RangeAdmission {
        let end = try rangeEnd(office: office, after: after, count: count)
        let keys = try Self.wrapDatabaseErrors { try pool.read { db in try Self.keyHistory(db, office: office) } }
        return try admission(office: office, after: after, count: count, end: end, checkpoint: note, keys: keys)
    }

    /// ``admit(office:after:count:checkpoint:)`` for async callers: the read suspends the task.
    public func admitAsync(office: String, after: UInt64, count: UInt64, checkpoint note: String) async throws -> RangeAdmission {
        let end = try rangeEnd(office: office, after: after, count: count)
        let keys = try await readAsync { db in try Self.keyHistory(db, office: office) }
        return try admission(office: office, after: after, count: count, end: end, checkpoint: note, keys: keys)
    }

    /// The size a range reaches, once the header is checked for what needs no read.
    private func rangeEnd(office: String, after: UInt64, count: UInt64) throws -> UInt64 {
        guard Identifiers.isValidOffice(office) else { throw StoreError.refused(index: 0, "\(office) is not an office id") }
        guard office != identity.office else {
            throw StoreError.refused(index: 0, "events of \(office) can only be recorded here, not received")
        }
        guard count > 0 else { throw StoreError.refused(index: 0, "no events to receive") }
        let (end, overflow) = after.addingReportingOverflow(count)
        guard !overflow else { throw StoreError.refused(index: 0, "the range of \(office) ends past the largest size") }
        return end
    }

    private func admission(office: String, after: UInt64, count: UInt64, end: UInt64, checkpoint note: String, keys: KeyHistory?) throws
        -> RangeAdmission
    {
        guard let keys else {
            // Nothing can be verified yet; the checkpoint must at least be one of this office's log.
            let origin = Identifiers.origin(city: identity.city, office: office)
            let checkpoint: Checkpoint
            do {
                checkpoint = try Checkpoint(text: try SignedNote(parsing: note).text)
            } catch {
                throw StoreError.refused(index: 0, "checkpoint of \(office): \(error)")
            }
            guard checkpoint.origin == origin, checkpoint.size == end else {
                throw StoreError.refused(index: 0, "the range of \(office) is not under a checkpoint of \(origin) at size \(end)")
            }
            return .quarantine(maximumBytes: Self.quarantineRangeBytes)
        }
        let signed = try keys.verify(note)
        guard signed.checkpoint.size == end else {
            throw StoreError.refused(
                index: 0, "the range of \(office) ends after seq \(after) + \(count), not at its checkpoint's size \(signed.checkpoint.size)")
        }
        return .verified
    }
}
