import LedgerCore
import LedgerStore

/// What one round moved in each direction, by office.
public struct SyncReport: Sendable, Equatable {
    public var pulled: [String: Int] = [:]
    public var pushed: [String: Int] = [:]
    public var anomalies: [String] = []
    /// Ranges the receiving node refused (unknown office, altered events, fork…), by office.
    public var refused: [String: String] = [:]
    /// Ranges the receiving node could not take now (busy, or the range came too slowly): the next
    /// round tries them again.
    public var retry: [String: String] = [:]
    /// Events stored with clocks ahead of the receiver's by more than the bound, by office.
    public var aheadOfClock: [String: Int] = [:]
    /// Events the receiving node holds in quarantine (their office is not trusted there yet), by office.
    public var quarantined: [String: Int] = [:]
    /// Offices whose checkpoints, shown to the other node (gossip), contradicted a log it holds: kept there as fork evidence.
    public var forks: [String] = []

    public var isEmpty: Bool { pulled.isEmpty && pushed.isEmpty }
}

/// What became of a range a node would not store.
enum RangeOutcome {
    /// Refused: sending it again will not help.
    case refused(String)
    /// Not taken now (busy, too slow): the next round tries again.
    case retry(String)
    /// Something else failed: the round ends with it.
    case failed
}

/// One sync round between a local and a remote node: compare version vectors, pull what this node
/// lacks and push what the peer lacks, one range per office in each direction (the registrar's
/// first). Each range streams from the node that holds it to the one that lacks it, which verifies
/// it (chain, root, the office's signature) while storing it in one transaction, so a refused or
/// interrupted range leaves nothing behind.
public enum SyncEngine {
    ///
    /// - Parameter witness: Whether the round ends by exchanging cosignatures (when the nodes' digests
    ///   differ or a node has checkpoints to cosign); off for rounds that will be followed at once by
    ///   others (the demo's nightly rounds, with one witnessing pass at the end).
    public static func round(local: some SyncPeer, remote: some SyncPeer, witness: Bool = true) async throws -> SyncReport {
        let mine = try await local.status()
        let theirs = try await remote.status()
        guard mine.city == theirs.city else { throw SyncError(.otherCity(mine.city, theirs.city)) }
        let plan = SyncPlan(
            local: mine.vector, localOffice: mine.office, remote: theirs.vector, remoteOffice: theirs.office,
            first: mine.registrar ?? theirs.registrar)
        var report = SyncReport(anomalies: plan.anomalies)
        // A refused range does not stop the others: it is reported, and the round goes on.
        for transfer in plan.pull {
            try await move(transfer, from: remote, to: local, counted: \.pulled, in: &report)
        }
        for transfer in plan.push {
            try await move(transfer, from: local, to: remote, counted: \.pushed, in: &report)
        }
        // Where the statuses disagreed, each node checks the other's checkpoints against its own logs;
        // then each gets the fork proofs (found now or before) only the other holds.
        report.forks = await GossipPlan(local: mine.logs, remote: theirs.logs).run(local: local, remote: remote)
        // Only a fork found just now changes what either holds (a converged round asks nothing more).
        var holdsNow = mine.forkDigests
        var theyHoldNow = theirs.forkDigests
        if !report.forks.isEmpty {
            holdsNow = (try? await local.status().forkDigests) ?? holdsNow
            theyHoldNow = (try? await remote.status().forkDigests) ?? theyHoldNow
        }
        if holdsNow != theyHoldNow {
            _ = await GossipPlan.shareForkProofs(local: local, localHolds: holdsNow, remote: remote, remoteHolds: theyHoldNow)
        }
        // Witnessing: each node is shown the cosignatures the other holds (a converged pair, holding
        // the same, exchanges nothing). A peer that does not take them does not fail the round.
        if witness, !report.isEmpty || mine.cosignatureDigest == nil || mine.cosignatureDigest != theirs.cosignatureDigest {
            if let theirs = try? await remote.cosignatures() { _ = try? await local.keep(cosignatures: theirs) }
            if let mine = try? await local.cosignatures() { _ = try? await remote.keep(cosignatures: mine) }
        }
        return report
    }

    /// Classifies what a receiving node (local, or over HTTP) answered to a range.
    static func outcome(of error: any Error) -> RangeOutcome {
        switch error {
        case let error as PeerRefusal:
            switch error.status {
            case 408, 429, 503: return .retry(error.message)
            case 400..<500: return .refused(error.message)
            default: return .failed
            }
        case let error as StoreError:
            switch error.category {
            case .refused, .notFound: return .refused(error.description)
            case .stalled, .unavailable: return .retry(error.description)
            case .corrupt, .setup, .failed: return .failed
            }
        case let error as SpoolError: return error.isTooLarge ? .refused(error.description) : .retry(error.description)
        case let error as WireError: return .refused(error.description)
        default: return .failed
        }
    }

    /// Moves one office's events from `source` to `target`: one range, or several segments when the
    /// source sends its own long log in parts (each verified and committed on its own). A range the
    /// target refuses is noted, not thrown, and ends the office's transfer.
    private static func move(
        _ transfer: SyncPlan.Transfer, from source: some SyncPeer, to target: some SyncPeer,
        counted direction: WritableKeyPath<SyncReport, [String: Int]>, in report: inout SyncReport
    ) async throws {
        let office = transfer.office
        var after = transfer.after
        repeat {
            let range = try await source.fetch(office: office, after: after)
            // A peer's range must start where it was asked to and move on: one that does not is a
            // peer that cannot be followed (a loop), not an office's events to store.
            guard range.header.office == office, range.header.after == after, range.header.count > 0 else {
                report.refused[office] = "the peer sent a range of \(range.header.office) after \(range.header.after) (\(range.header.count) events) when asked for \(office) after \(after)"
                return
            }
            do {
                let summary = try await target.push(range)
                if summary.stored > 0 { report[keyPath: direction][office, default: 0] += summary.stored }
                if summary.aheadOfClock > 0 { report.aheadOfClock[office, default: 0] += summary.aheadOfClock }
                if summary.quarantined > 0 { report.quarantined[office, default: 0] += summary.quarantined }
            } catch {
                // The receiving side's answer, whichever side it is: a refusal or "not now".
                switch Self.outcome(of: error) {
                case .refused(let why): report.refused[office] = why
                case .retry(let why): report.retry[office] = why
                case .failed: throw error
                }
                return
            }
            let (next, overflow) = after.addingReportingOverflow(range.header.count)
            guard !overflow else { return }
            after = next
        } while after < transfer.through
    }
}
