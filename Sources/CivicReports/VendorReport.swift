import CivicDomain
import LedgerCore

/// Vendor capture: per vendor, the initial contract value against the lifetime cost to date (the
/// multiplier), the share paid for professional services and hardware refreshes, the lock-in flags
/// of the contract terms, and the concentration of spend across vendors (HHI).
public struct VendorReport: Sendable {
    /// A lock-in flag, from a system's contract terms.
    public enum LockIn: String, Sendable, CaseIterable, Comparable {
        case noDataPortability = "no-data-portability", closedFormats = "closed-formats", noExitClause = "no-exit-clause"

        static func flags(_ terms: ContractTerms) -> [LockIn] {
            (terms.dataPortability ? [] : [.noDataPortability]) + (terms.openFormats ? [] : [.closedFormats]) + (terms.exitClause ? [] : [.noExitClause])
        }

        public static func < (lhs: LockIn, rhs: LockIn) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    public struct SystemLine: Sendable, Equatable {
        public let record: SystemRecord
        public let lifetimeCost: Int64
        public let multiplier: Double?
        public let lockIn: [LockIn]
    }

    public struct Vendor: Sendable, Equatable {
        public let vendor: String
        public let systems: [SystemLine]
        public let initialContract: Int64
        public let contractValue: Int64
        public let lifetimeCost: Int64
        public let multiplier: Double?
        public let professionalServices: Int64
        public let hardwareRefresh: Int64
        public let spendShareBasisPoints: Int64?
        public var lockIn: [LockIn] { Set(systems.flatMap(\.lockIn)).sorted() }
        public var professionalServicesShareBasisPoints: Int64? { Metrics.basisPoints(professionalServices, of: lifetimeCost) }
        public var hardwareRefreshShareBasisPoints: Int64? { Metrics.basisPoints(hardwareRefresh, of: lifetimeCost) }
    }

    public let context: ReportContext
    /// By lifetime cost, largest first (then by name).
    public let vendors: [Vendor]
    public let totalSpend: Int64
    /// The HHI of spend across vendors, 0–10,000; nil when nothing was spent.
    public let herfindahlHirschman: Int64?
    /// The vendor with the highest multiplier (then the larger lifetime cost, then the name).
    public var worstMultiplier: Vendor? {
        vendors.filter { $0.multiplier != nil }.max {
            ($0.multiplier ?? 0, $0.lifetimeCost, $1.vendor) < ($1.multiplier ?? 0, $1.lifetimeCost, $0.vendor)
        }
    }

    public init(_ context: ReportContext) {
        self.context = context
        let spend = context.spend
        // Per system, what professional services and hardware refreshes cost, summed over each
        // system's run of lines.
        var byCategory: [String: (services: Int64, refresh: Int64)] = [:]
        let (services, refresh) = (CostCategory.professionalServices.rawValue, CostCategory.hardwareRefresh.rawValue)
        context.costLines.forEachSystem { system, run in
            var sums = byCategory[system] ?? (0, 0)
            for line in run {
                if line.category == services {
                    sums.services = Money.add(sums.services, line.amount)
                } else if line.category == refresh {
                    sums.refresh = Money.add(sums.refresh, line.amount)
                }
            }
            byCategory[system] = sums
        }
        // Each system's line, with what the vendor sums need of its procurement, grouped by vendor
        // in one pass.
        var byVendor: [String: [(line: SystemLine, initial: Int64, services: Int64, refresh: Int64)]] = [:]
        var lifetimes: [Int64] = []
        for record in context.systems {
            let procured = record.procured
            let lifetime = spend[procured.system] ?? 0
            let line = SystemLine(
                record: record, lifetimeCost: lifetime, multiplier: Metrics.multiplier(lifetime: lifetime, initial: procured.contract.value),
                lockIn: LockIn.flags(procured.terms))
            lifetimes.append(lifetime)
            let sums = byCategory[procured.system] ?? (0, 0)
            byVendor[procured.vendor, default: []].append((line, procured.contract.value, sums.services, sums.refresh))
        }
        totalSpend = Money.sum(lifetimes)
        let total = totalSpend
        vendors = byVendor.map { vendor, systems in
            let initial = Money.sum(systems.map(\.initial))
            let lifetime = Money.sum(systems.map(\.line.lifetimeCost))
            return Vendor(
                vendor: vendor, systems: systems.map(\.line), initialContract: initial,
                contractValue: Money.sum(systems.map { $0.line.record.contractValue }), lifetimeCost: lifetime,
                multiplier: Metrics.multiplier(lifetime: lifetime, initial: initial), professionalServices: Money.sum(systems.map(\.services)),
                hardwareRefresh: Money.sum(systems.map(\.refresh)), spendShareBasisPoints: Metrics.basisPoints(lifetime, of: total))
        }.sorted { ($0.lifetimeCost, $1.vendor) > ($1.lifetimeCost, $0.vendor) }
        herfindahlHirschman = Metrics.herfindahlHirschman(vendors.map(\.lifetimeCost))
    }

    public var json: JSONValue {
        func flags(_ values: [LockIn]) -> JSONValue { .array(values.map { .string($0.rawValue) }) }
        let worst = worstMultiplier
        return .object(
            context.header("vendors") + [
                ("total_spend", .integer(totalSpend)), ("hhi", herfindahlHirschman.json),
                ("worst_multiplier", worst.map { .object([("vendor", .string($0.vendor)), ("multiplier", $0.multiplier.json)]) } ?? .null),
                ("vendors", .array(vendors.map { vendor in
                    .object([
                        ("vendor", .string(vendor.vendor)), ("initial_contract", .integer(vendor.initialContract)),
                        ("contract_value", .integer(vendor.contractValue)), ("lifetime_cost", .integer(vendor.lifetimeCost)),
                        ("multiplier", vendor.multiplier.json), ("spend_share_bps", vendor.spendShareBasisPoints.json),
                        ("professional_services", .integer(vendor.professionalServices)),
                        ("professional_services_share_bps", vendor.professionalServicesShareBasisPoints.json),
                        ("hardware_refresh", .integer(vendor.hardwareRefresh)),
                        ("hardware_refresh_share_bps", vendor.hardwareRefreshShareBasisPoints.json), ("lock_in", flags(vendor.lockIn)),
                        ("systems", .array(vendor.systems.map { line in
                            .object([
                                ("system", .string(line.record.procured.system)), ("title", .string(line.record.procured.title)),
                                ("method", .string(line.record.procured.method.rawValue)),
                                ("initial_contract", .integer(line.record.procured.contract.value)),
                                ("lifetime_cost", .integer(line.lifetimeCost)), ("multiplier", line.multiplier.json), ("lock_in", flags(line.lockIn)),
                            ])
                        })),
                    ])
                })),
            ])
    }

    /// One row a vendor, largest lifetime cost first.
    public var table: ReportTable {
        ReportTable(
            title: "Vendor capture (\(context.currencyCode))",
            columns: ["vendor", "systems", "initial_contract", "lifetime_cost", "multiplier", "prof_services", "hw_refresh", "spend_share", "lock_in"],
            rows: vendors.map { vendor in
                [
                    vendor.vendor, String(vendor.systems.count), context.money(vendor.initialContract), context.money(vendor.lifetimeCost),
                    vendor.multiplier.map { "\($0)x" } ?? "n/a", vendor.professionalServicesShareBasisPoints.percent,
                    vendor.hardwareRefreshShareBasisPoints.percent, vendor.spendShareBasisPoints.percent,
                    vendor.lockIn.map(\.rawValue).joined(separator: " "),
                ]
            })
    }

    public var tables: [ReportTable] {
        let worst = worstMultiplier
        return [
            table,
            ReportTable(
                title: "Summary", columns: ["measure", "value"],
                rows: [
                    ["HHI of spend across vendors (0-10000)", herfindahlHirschman.text],
                    ["worst multiplier", worst.map { "\($0.vendor) \($0.multiplier.text)x" } ?? "none"],
                    ["total spend", context.money(totalSpend)],
                ]),
        ]
    }
}
