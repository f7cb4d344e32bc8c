import CivicDomain
import Foundation
import LedgerCore

/// The ledger as OCDS 1.1 (Protocol/OPEN-DATA.md): one release per ledger event about a system
/// that has an `ocid` (its own, or the city's prefix and the system id), tagged after the event's
/// kind, and one record per contracting process with the compiled and versioned releases the
/// merge routine makes of its releases.
public enum OCDSExport {
    /// A ledger event as the export reads it: the body that stands (a correction's replacement in
    /// place of the corrected event's), and the event whose id and time the release takes.
    public struct Event: Sendable {
        /// The release id: the event's id, or the correction's whose replacement this is.
        public let id: String
        public let office: String
        /// When it was recorded (HLC wall time, Unix ms): the release date.
        public let recorded: Int64
        public let body: CivicBody

        public init(id: String, office: String, recorded: Int64, body: CivicBody) {
            self.id = id
            self.office = office
            self.recorded = recorded
            self.body = body
        }
    }

    /// The `ledger_meta` setting holding the city's prefix (`civic init --ocid-prefix`).
    public static let prefixSetting = "ocid_prefix"

    /// Whether `prefix` has the form of an OCDS prefix: `ocds-` and a registered code (letters and digits).
    public static func isPrefix(_ prefix: String) -> Bool {
        let code = prefix.dropFirst(5)
        return prefix.hasPrefix("ocds-") && (1...32).contains(code.count) && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The releases of `events` (in citywide order), and the systems left out for want of an ocid.
    public static func releases(_ events: [Event], ocidPrefix: String?) -> (releases: [JSONValue], withoutOCID: [String]) {
        var ocids: [String: String] = [:]
        var contractValue: [String: Int64] = [:]
        var withoutOCID: Set<String> = []
        var releases: [JSONValue] = []
        for event in events {
            if case .systemProcured(let procured) = event.body {
                if let ocid = procured.ocid ?? ocidPrefix.map({ "\($0)-\(procured.system)" }) { ocids[procured.system] = ocid }
                contractValue[procured.system] = procured.contract.value
            }
            guard let system = event.body.system, event.body.isContractual else { continue }
            guard let ocid = ocids[system] else {
                withoutOCID.insert(system)
                continue
            }
            let date = timestamp(event.recorded)
            var release: [(String, JSONValue)] = [("ocid", .string(ocid)), ("id", .string(event.id)), ("date", .string(date))]
            switch event.body {
            case .systemProcured(let procured):
                let vendor = organization(procured.vendor)
                let buyer: JSONValue = .object([("id", .string(event.office)), ("name", .string(event.office))])
                let value = money(procured.contract.value, procured.contract.currency)
                let period: JSONValue = .object([("startDate", .string(dayStart(procured.contract.start))), ("endDate", .string(dayStart(procured.contract.end)))])
                release += [
                    ("tag", .array([.string("award"), .string("contract")])), ("initiationType", .string("tender")),
                    (
                        "parties",
                        .array([
                            .object([("id", .string(event.office)), ("name", .string(event.office)), ("roles", .array([.string("buyer")]))]),
                            .object([("id", vendor["id"] ?? .null), ("name", vendor["name"] ?? .null), ("roles", .array([.string("supplier")]))]),
                        ])
                    ),
                    ("buyer", buyer),
                    (
                        "tender",
                        .object([
                            ("id", .string(system)), ("title", .string(procured.title)),
                            ("procurementMethod", .string(method(procured.method))), ("procurementMethodDetails", .string(procured.method.rawValue)),
                        ])
                    ),
                    (
                        "awards",
                        .array([
                            .object([
                                ("id", .string(system)), ("title", .string(procured.title)), ("status", .string("active")),
                                ("suppliers", .array([vendor])), ("value", value), ("contractPeriod", period),
                            ])
                        ])
                    ),
                    (
                        "contracts",
                        .array([
                            .object([
                                ("id", .string(system)), ("awardID", .string(system)), ("title", .string(procured.title)),
                                ("status", .string("active")), ("value", value), ("period", period),
                            ])
                        ])
                    ),
                ]
            case .contractAmended(let amendment):
                let total = Money.add(contractValue[system] ?? 0, amendment.valueChange)
                contractValue[system] = total
                var contract: [(String, JSONValue)] = [("id", .string(system)), ("awardID", .string(system)), ("value", money(total, amendment.currency))]
                if let end = amendment.newEnd { contract.append(("period", .object([("endDate", .string(dayStart(end)))]))) }
                contract.append(
                    (
                        "amendments",
                        .array([
                            .object([
                                ("id", .string(event.id)), ("date", .string(date)), ("rationale", .string(amendment.reason)),
                                ("description", .string("contract value changed by \(amendment.currency.format(amendment.valueChange)) \(amendment.currency.code)")),
                            ])
                        ])
                    ))
                release += [("tag", .array([.string("contractAmendment")])), ("initiationType", .string("tender")), ("contracts", .array([.object(contract)]))]
            case .costIncurred(let cost):
                var transaction: [(String, JSONValue)] = [
                    ("id", .string(event.id)), ("date", .string(date)), ("value", money(cost.amount, cost.currency)),
                ]
                if let payee = cost.payee { transaction.append(("payee", organization(payee))) }
                release += [
                    ("tag", .array([.string("implementation")])), ("initiationType", .string("tender")),
                    ("contracts", .array([.object([("id", .string(system)), ("awardID", .string(system)), ("implementation", .object([("transactions", .array([.object(transaction)]))]))])])),
                ]
            case .systemRetired:
                release += [
                    ("tag", .array([.string("contractTermination")])), ("initiationType", .string("tender")),
                    ("contracts", .array([.object([("id", .string(system)), ("awardID", .string(system)), ("status", .string("terminated"))])])),
                ]
            default:
                continue
            }
            releases.append(.object(release))
        }
        return (releases, withoutOCID.sorted())
    }

    /// A release package of `releases` (OCDS 1.1 release-package schema).
    public static func releasePackage(_ releases: [JSONValue], uri: String, publisher: String, published: Int64) -> JSONValue {
        .object([
            ("uri", .string(uri)), ("version", .string("1.1")), ("publishedDate", .string(timestamp(published))),
            ("publisher", .object([("name", .string(publisher))])), ("releases", .array(releases)),
        ])
    }

    /// A record package: one record per ocid, with its releases, compiled and versioned release.
    public static func recordPackage(
        _ releases: [JSONValue], rules: OCDSMergeRules, uri: String, publisher: String, published: Int64
    ) throws(OCDSMergeError) -> JSONValue {
        var order: [String] = []
        var byOCID: [String: [JSONValue]] = [:]
        for release in releases {
            guard let ocid = release["ocid"]?.stringValue else { continue }
            if byOCID[ocid] == nil { order.append(ocid) }
            byOCID[ocid, default: []].append(release)
        }
        var records: [JSONValue] = []
        for ocid in order {
            let list = byOCID[ocid] ?? []
            records.append(
                .object([
                    ("ocid", .string(ocid)), ("releases", .array(list)),
                    ("compiledRelease", try OCDSMerge.compiledRelease(list, rules: rules)),
                    ("versionedRelease", try OCDSMerge.versionedRelease(list, rules: rules)),
                ]))
        }
        return .object([
            ("uri", .string(uri)), ("version", .string("1.1")), ("publishedDate", .string(timestamp(published))),
            ("publisher", .object([("name", .string(publisher))])), ("records", .array(records)),
        ])
    }

    /// The vocabulary's procurement method in OCDS's closed `method` codelist (the ledger's own
    /// value goes to `procurementMethodDetails`).
    static func method(_ method: ProcurementMethod) -> String {
        switch method {
        case .openTender: "open"
        case .framework: "selective"
        case .soleSource, .pilot, .vendorSubsidisedPilot: "direct"
        }
    }

    /// An amount in minor units as OCDS's decimal number of the currency (exact: the decimal text
    /// of the amount, read as the nearest double, prints back as the same decimal).
    static func money(_ minor: Int64, _ currency: Currency) -> JSONValue {
        let amount: JSONValue = currency.exponent == 0 ? .integer(minor) : .number(Double(currency.format(minor)) ?? Double(minor))
        return .object([("amount", amount), ("currency", .string(currency.code))])
    }

    static func organization(_ name: String) -> JSONValue {
        .object([("id", .string(slug(name))), ("name", .string(name))])
    }

    /// A party id from a name: lower-case letters and digits, runs of anything else as one `-`.
    static func slug(_ name: String) -> String {
        var slug = ""
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, !slug.hasSuffix("-") {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "party" : slug
    }

    static func dayStart(_ date: String) -> String { date + "T00:00:00Z" }

    /// Unix milliseconds as an RFC 3339 time in UTC, with milliseconds.
    static func timestamp(_ milliseconds: Int64) -> String {
        let day = LedgerDate(unixMilliseconds: milliseconds).description
        let inDay = ((milliseconds % 86_400_000) + 86_400_000) % 86_400_000
        let (hours, minutes, seconds, millis) = (inDay / 3_600_000, inDay / 60_000 % 60, inDay / 1000 % 60, inDay % 1000)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let three = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(day)T\(two(hours)):\(two(minutes)):\(two(seconds)).\(three)Z"
    }
}

extension CivicBody {
    /// Whether the event changes a contracting process: procured, amended, paid, ended.
    fileprivate var isContractual: Bool {
        switch self {
        case .systemProcured, .contractAmended, .costIncurred, .systemRetired: true
        default: false
        }
    }
}
