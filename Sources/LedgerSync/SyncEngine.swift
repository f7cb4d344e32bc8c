import LedgerCore
import LedgerStore

/// What one round moved in each direction, by office.
public struct SyncReport: Sendable, Equatable {
    public var pulled: [String: Int] = [:]
    public var pushed: [String: Int] = [:]
    public var anomalies: [String] = []
    /// Ranges the receiving node refused (unknown office, altered events, fork…), by office.
    public var refused: [String: String] = [:]
    /// Events stored with clocks ahead of the receiver's by more than the bound, by office.
    public var aheadOfClock: [String: Int] = [:]

    public var isEmpty: Bool { pulled.isEmpty && pushed.isEmpty }
}

/// One sync round between a local and a remote node: compare version vectors, pull what this node
/// lacks and push what the peer lacks. Every range is verified by the receiving store (chain, root,
/// the office's signature) before it is stored, in one transaction per range.
public enum SyncEngine {
    public static func round(local: some SyncPeer, remote: some SyncPeer) async throws -> SyncReport {
        let mine = try await local.status()
        let theirs = try await remote.status()
        guard mine.city == theirs.city else { throw SyncError(.otherCity(mine.city, theirs.city)) }
        let plan = SyncPlan(
            local: mine.vector, localOffice: mine.office, remote: theirs.vector, remoteOffice: theirs.office, first: mine.registrar ?? theirs.registrar)
        var report = SyncReport(anomalies: plan.anomalies)
        // A refused range does not stop the others: it is reported, and the round goes on.
        for transfer in plan.pull {
            let batch = try await remote.fetch(office: transfer.office, after: transfer.after)
            do {
                let summary = try await local.push(batch)
                if summary.stored > 0 { report.pulled[transfer.office] = summary.stored }
                if summary.aheadOfClock > 0 { report.aheadOfClock[transfer.office] = summary.aheadOfClock }
            } catch let error as StoreError {
                report.refused[transfer.office] = error.description
            } catch let error as WireError {
                report.refused[transfer.office] = error.description
            }
        }
        for transfer in plan.push {
            let batch = try await local.fetch(office: transfer.office, after: transfer.after)
            do {
                let summary = try await remote.push(batch)
                if summary.stored > 0 { report.pushed[transfer.office] = summary.stored }
                if summary.aheadOfClock > 0 { report.aheadOfClock[transfer.office] = summary.aheadOfClock }
            } catch let error as StoreError {
                report.refused[transfer.office] = error.description
            } catch let error as PeerRefusal where error.status == 422 {
                report.refused[transfer.office] = error.message
            }
        }
        return report
    }
}
