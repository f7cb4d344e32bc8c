import LedgerCore

/// The seqs of each office's log that only a revoked key vouched for (DESIGN §3): events a thief
/// holding the key could have added after the registrar's last trusted size. The fold leaves them
/// out of the state and lists each as a `revoked-key` finding; money they carry is not counted
/// (it is not a signed statement of the office any more).
///
/// Computed from the registrar's registrations, rotations and revocations alone, in citywide order,
/// so every node holding the same events finds the same ranges.
struct RevokedRanges: Sendable, Equatable, Codable {
    private(set) var byOffice: [String: [ClosedRange<UInt64>]] = [:]

    init() {}

    /// Folds the key events of `items` (the registrar's, those that stand).
    init(_ items: [LedgerFacts.Item], registrar: String?, city: String?) {
        var rules = RuleFacts(registrar: registrar, city: city)
        var revocations: [(office: String, vkey: String, after: UInt64)] = []
        for item in items {
            guard let body = item.body else { continue }
            switch body {
            case .officeRegistered, .officeKeyRotated, .officeKeyRevoked: break
            default: continue
            }
            let conflicts = rules.conflicts(of: body, at: item.ref, effective: item.effective)
            guard !conflicts.contains(where: { $0.resolution == .ignored }) else { continue }
            rules.apply(body, at: item.ref, effective: item.effective)
            if case .officeKeyRevoked(let revocation) = body {
                revocations.append((revocation.office, revocation.key.vkey, revocation.after))
            }
        }
        for revocation in revocations {
            guard let keys = rules.offices[revocation.office]?.keys,
                let index = keys.firstIndex(where: { $0.vkey == revocation.vkey })
            else { continue }
            let end = index + 1 < keys.count ? keys[index + 1].fromSize - 1 : UInt64(JSONParser.maximumSafeInteger)
            let start = max(revocation.after + 1, keys[index].fromSize)
            if start <= end { byOffice[revocation.office, default: []].append(start...end) }
        }
    }

    var isEmpty: Bool { byOffice.isEmpty }

    func contains(office: String, seq: UInt64) -> Bool {
        byOffice[office]?.contains { $0.contains(seq) } ?? false
    }
}
