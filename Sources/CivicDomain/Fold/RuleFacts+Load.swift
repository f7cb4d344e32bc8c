import GRDB
import LedgerStore

extension RuleFacts {
    /// The rule facts of everything the store holds: every fact folded in citywide order.
    public static func load(from store: LedgerStore) throws -> RuleFacts {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        return try store.read { db in
            var fold = CityFold(registrar: registrar, city: city, keepsState: false)
            fold.fold(try LedgerFacts.load(db, filter: .none, registrar: registrar, city: city))
            return fold.rules
        }
    }

    /// The rule facts of the named districts, systems, algorithms and offices only, loaded by key
    /// as recording loads them (``RuleKey``): for those keys, the same as ``load(from:)``.
    public static func load(
        from store: LedgerStore, districts: [String] = [], systems: [String] = [], algorithms: [String] = [], offices: [String] = []
    ) throws -> RuleFacts {
        let (registrar, city) = (store.identity.registrar, store.identity.city)
        let keys = Set(districts.map(RuleKey.district) + systems.map(RuleKey.system) + algorithms.map(RuleKey.algorithm) + offices.map(RuleKey.office))
        return try store.read { db in
            var fold = CityFold(registrar: registrar, city: city, keepsState: false)
            let through = try Int64.fetchOne(db, sql: "SELECT max(rowid) FROM events") ?? 0
            fold.fold(try LedgerFacts.load(db, keys: keys, through: through, registrar: registrar, city: city))
            return fold.rules
        }
    }
}
