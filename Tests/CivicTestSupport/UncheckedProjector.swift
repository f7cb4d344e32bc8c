import CivicDomain
import GRDB
import LedgerStore

/// The civic projector with recording's context checks left out: what an office whose checks saw
/// another past than this node's (or ran an older version) could have signed. Tests use it to make
/// authentic events that conflict in ways one honest node alone would refuse to record.
struct UncheckedProjector: LedgerProjector {
    /// The same tables as the civic projection.
    var name: String { CivicProjector().name }

    func registerMigrations(_ migrator: inout DatabaseMigrator) {
        CivicProjector().registerMigrations(&migrator)
    }

    func begin(_ db: Database, mode: ProjectionMode) throws -> any ProjectionTransaction {
        try CivicProjector().begin(db, mode: mode == .record ? .receive : mode)
    }
}
