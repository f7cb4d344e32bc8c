import GRDB
import LedgerCore

/// Domain tables kept beside the event log, written in the same transaction as the events.
///
/// A projector also decides which events the ledger accepts: ``ProjectionTransaction/apply(_:rowid:arrived:in:)``
/// throws to refuse an event, and the whole batch is then rolled back.
public protocol LedgerProjector: Sendable {
    /// Adds the migrations that create (and backfill) the projection tables; they run after the store's own.
    func registerMigrations(_ migrator: inout DatabaseMigrator)

    /// Starts the projection work of one write transaction.
    func begin(_ db: Database) throws -> any ProjectionTransaction
}

/// The projection work of one write transaction, fed every event as it is inserted (in order:
/// a local batch in seq order, a received range in seq order).
public protocol ProjectionTransaction: AnyObject {
    /// Checks `event` against the ledger and writes its projection rows.
    func apply(_ event: Event, rowid: Int64, arrived: Int64, in db: Database) throws
}
