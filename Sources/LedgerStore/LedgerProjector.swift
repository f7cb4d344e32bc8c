import GRDB
import LedgerCore

/// Why a transaction's events are being projected, which decides what may refuse them.
public enum ProjectionMode: Sendable {
    /// This node's office records them: their structure is checked, and their context — against
    /// everything the node holds — too.
    case record
    /// They arrived from a peer and are authentic (the office signed them): only their structure is
    /// checked; what conflicts with other offices' events is the fold's business, never a refusal.
    case receive
    /// Events already stored are projected again (a migration): nothing is refused.
    case rebuild
}

/// Domain tables kept beside the event log, written in the same transaction as the events.
///
/// A projector also decides which events the ledger accepts: ``ProjectionTransaction/prepare(_:)``
/// and ``ProjectionTransaction/apply(_:prepared:rowid:arrived:in:)`` throw to refuse an event, and
/// the whole batch is then rolled back.
public protocol LedgerProjector: Sendable {
    /// The projection's name and version (e.g. `civic/1`), recorded in `ledger_meta` when a ledger
    /// is created with it: the ledger is then never written without it.
    var name: String { get }

    /// Adds the migrations that create (and backfill) the projection tables; they run after the store's own.
    func registerMigrations(_ migrator: inout DatabaseMigrator)

    /// Starts the projection work of one write transaction.
    func begin(_ db: Database, mode: ProjectionMode) throws -> any ProjectionTransaction
    /// Starts a recording transaction that follows this store's last committed append with nothing
    /// written since: `after` is that append's last event, still the last one stored. What the
    /// projector kept from that append (its ``ProjectionTransaction/finish(in:)``) holds as it was.
    /// By default, the same as `begin(db, mode: .record)`.
    func beginRecording(_ db: Database, after: (rowid: Int64, id: Hash)) throws -> any ProjectionTransaction
}

extension LedgerProjector {
    public func beginRecording(_ db: Database, after: (rowid: Int64, id: Hash)) throws -> any ProjectionTransaction {
        try begin(db, mode: .record)
    }
}

/// The projection work of one write transaction, fed every event in order (a local batch or a
/// received range, in seq order) in two steps:
///
/// - ``prepare(_:)`` checks what needs no database and returns what ``apply(_:prepared:rowid:arrived:in:)``
///   needs. For a local batch it runs on the append pipeline's producer thread, while the writer
///   inserts earlier events, so it must not touch what `apply` touches.
/// - ``apply(_:prepared:rowid:arrived:in:)`` runs on the writer with the transaction's connection:
///   the remaining checks and the projection rows.
public protocol ProjectionTransaction: AnyObject, Sendable {
    func prepare(_ event: Event) throws -> (any Sendable)?
    func apply(_ event: Event, prepared: (any Sendable)?, rowid: Int64, arrived: Int64, in db: Database) throws
    /// Called once after the last event is applied, before the transaction commits (which it may
    /// still not do: a projection must not assume it did).
    func finish(in db: Database) throws
}

extension ProjectionTransaction {
    public func finish(in db: Database) throws {}
}
