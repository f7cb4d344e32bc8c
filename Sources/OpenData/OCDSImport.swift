import Foundation
import CivicDomain
import LedgerCore

/// What OCDS does not say and the ledger needs (Protocol/OPEN-DATA.md, "OCDS 1.1 in"): read from
/// the JSON file of `civic import --ocds FILE --map MAP.json`; every member checked.
public struct OCDSImportMap: Sendable {
    /// Stripped from an ocid (with the `-` after it) to make a system id: `ocds-nb1234-cams` → `cams`.
    public var ocidPrefix: String?
    /// ocid → system id, where the prefix does not give one.
    public var systems: [String: String] = [:]
    /// The system category of every process, and per ocid.
    public var category: SystemCategory?
    public var categories: [String: SystemCategory] = [:]
    /// The category and funding source of the costs (OCDS transactions carry neither).
    public var costCategory: CostCategory = .maintenance
    public var costSource: FundingSource = .generalFund
    /// How each procurement is funded.
    public var funding: [(source: FundingSource, shareBasisPoints: Int64)] = [(.generalFund, 10_000)]
    /// The contract terms (OCDS has none of them).
    public var terms: [String: Bool] = ["data_portability": false, "open_formats": false, "source_available": false, "exit_clause": false]

    public init() {}

    public init(json: JSONValue) throws(OCDSImportError) {
        guard let members = json.objectValue else { throw OCDSImportError("the map is not a JSON object") }
        func code<T: CodeList>(_ value: JSONValue, _ type: T.Type, _ name: String) throws(OCDSImportError) -> T {
            guard let text = value.stringValue, let code = T(rawValue: text) else {
                throw OCDSImportError("the map's \(name) must be a \(T.listName): one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return code
        }
        for (name, value) in members {
            switch name {
            case "ocid_prefix":
                guard let text = value.stringValue else { throw OCDSImportError("the map's ocid_prefix must be text") }
                ocidPrefix = text
            case "systems", "categories":
                guard let pairs = value.objectValue else { throw OCDSImportError("the map's \(name) must be an object of ocid → value") }
                for (ocid, entry) in pairs {
                    if name == "systems" {
                        guard let id = entry.stringValue, BodyReader.isIdentifier(id) else { throw OCDSImportError("the map's system for \(ocid) is not a system id") }
                        systems[ocid] = id
                    } else {
                        categories[ocid] = try code(entry, SystemCategory.self, "category for \(ocid)")
                    }
                }
            case "category": category = try code(value, SystemCategory.self, name)
            case "cost_category": costCategory = try code(value, CostCategory.self, name)
            case "cost_source": costSource = try code(value, FundingSource.self, name)
            case "funding":
                guard let shares = value.arrayValue, !shares.isEmpty else { throw OCDSImportError("the map's funding must be a list of {source, share_bps}") }
                funding = []
                for share in shares {
                    guard let bps = share["share_bps"]?.integerValue else { throw OCDSImportError("the map's funding shares need share_bps") }
                    funding.append((try code(share["source"] ?? .null, FundingSource.self, "funding source"), bps))
                }
            case "terms":
                guard let flags = value.objectValue else { throw OCDSImportError("the map's terms must be an object of true/false") }
                for (term, flag) in flags {
                    guard terms[term] != nil, case .bool(let set) = flag else {
                        throw OCDSImportError("the map's terms are data_portability, open_formats, source_available, exit_clause: true or false")
                    }
                    terms[term] = set
                }
            default: throw OCDSImportError("the map has an unknown member \(name)")
            }
        }
    }
}

/// Why OCDS data cannot be imported: one line, naming the release (by ocid and id) when one is at fault.
public struct OCDSImportError: Error, Sendable, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// OCDS 1.1 releases into ledger events (Protocol/OPEN-DATA.md, "OCDS 1.1 in"): each contracting
/// process (ocid) a system — procured from its award and contract, amended when its contract value
/// or end changes, paid by its transactions, retired when its contract is terminated.
public enum OCDSImport {
    /// What the ledger already holds of a system: for importing the same releases twice.
    public struct Held: Sendable {
        public var procured = false
        public var retired = false
        /// The OCDS ids the ledger's events were imported from (`transaction …`, `release …`).
        public var imported: Set<String> = []
        public init() {}

        /// Adds what one of the system's events says: procured, retired, or imported from an
        /// OCDS transaction or release (the marks ``OCDSImport`` leaves in notes and reasons).
        public mutating func add(type: String, body: JSONValue) {
            switch type {
            case "system.procured": procured = true
            case "system.retired": retired = true
            case "cost.incurred":
                guard let note = body["note"]?.stringValue, note.hasPrefix(transactionMark), note.hasSuffix(")"),
                    let open = note.range(of: " (", options: .backwards)
                else { return }
                imported.insert("transaction " + note[note.index(note.startIndex, offsetBy: transactionMark.count)..<open.lowerBound])
            case "contract.amended":
                guard let reason = body["reason"]?.stringValue, reason.hasSuffix(")"), let open = reason.range(of: releaseMark, options: .backwards) else { return }
                imported.insert("release " + reason[open.upperBound..<reason.index(before: reason.endIndex)])
            default: return
            }
        }
    }

    /// The marks an import leaves, by which a second import of the same releases records nothing.
    static let transactionMark = "OCDS transaction "
    static let releaseMark = " (OCDS release "

    static func transactionNote(_ id: String, ocid: String) -> String { "\(transactionMark)\(id) (\(ocid))" }

    /// `text` and the release's mark, the text cut so that the whole is a vocabulary text (200 code points).
    static func marked(_ text: String, release id: String) -> String {
        let mark = "\(releaseMark)\(id))"
        return clipped(text, to: max(0, 200 - mark.unicodeScalars.count)) + mark
    }

    /// At most `count` code points of `text` (the vocabulary counts code points).
    static func clipped(_ text: String, to count: Int = 200) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.prefix(count))
        return String(scalars)
    }

    /// The releases in `bytes`: a release package, a record package (its records' releases), or one
    /// release per line.
    public static func releases(_ bytes: [UInt8]) throws(OCDSImportError) -> [JSONValue] {
        let trimmed = bytes.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
        if let whole = try? JSONParser.parse(Array(trimmed), profile: .general) {
            if let releases = whole["releases"]?.arrayValue { return releases }
            if let records = whole["records"]?.arrayValue {
                var releases: [JSONValue] = []
                for (index, record) in records.enumerated() {
                    guard let list = record["releases"]?.arrayValue else { throw OCDSImportError("record \(index + 1) has no releases (a record with only a compiled release cannot be imported)") }
                    for release in list where release["url"] != nil && release["ocid"] == nil {
                        throw OCDSImportError("record \(index + 1) links its releases (\(release["url"]?.stringValue ?? "")): give the release packages instead")
                    }
                    releases += list
                }
                return releases
            }
            if whole["ocid"] != nil { return [whole] }
            throw OCDSImportError("not a release package, a record package or a release")
        }
        var releases: [JSONValue] = []
        for (index, line) in trimmed.split(separator: 0x0A).enumerated() {
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { continue }
            do {
                releases.append(try JSONParser.parse(Array(line), profile: .general))
            } catch {
                throw OCDSImportError("line \(index + 1): not JSON: \(error)")
            }
        }
        return releases
    }

    /// The drafts for what the ledger does not hold yet, each with the release it comes from, for
    /// the processes in their order of first appearance; all of them or the first error.
    public static func drafts(
        _ releases: [JSONValue], map: OCDSImportMap, held: (String) throws -> Held
    ) throws -> [(release: String, draft: EventDraft)] {
        var order: [String] = []
        var byOCID: [String: [(date: String, index: Int, release: JSONValue)]] = [:]
        var seen: [String: JSONValue] = [:]
        for (index, release) in releases.enumerated() {
            guard case .object = release else { throw OCDSImportError("release \(index + 1) is not a JSON object") }
            let id = release["id"].map(OCDSMerge.text) ?? ""
            guard let ocid = release["ocid"]?.stringValue, !ocid.isEmpty else { throw OCDSImportError("release \(id.isEmpty ? "\(index + 1)" : id) has no ocid") }
            guard !id.isEmpty, release["id"] != .null else { throw OCDSImportError("a release of \(ocid) has no id") }
            guard let date = release["date"]?.stringValue else { throw OCDSImportError("release \(id) of \(ocid) has no date") }
            let key = ocid + "\u{0}" + id
            if let earlier = seen[key] {
                guard OCDSMerge.equal(earlier, release) else { throw OCDSImportError("release \(id) of \(ocid) appears twice with different content") }
                continue
            }
            seen[key] = release
            if byOCID[ocid] == nil { order.append(ocid) }
            byOCID[ocid, default: []].append((date, index, release))
        }
        var drafts: [(String, EventDraft)] = []
        for ocid in order {
            let list = (byOCID[ocid] ?? []).sorted { ($0.date, $0.index) < ($1.date, $1.index) }.map(\.release)
            drafts += try process(ocid, list, map: map, held: held)
        }
        return drafts
    }

    private static func process(
        _ ocid: String, _ releases: [JSONValue], map: OCDSImportMap, held heldFor: (String) throws -> Held
    ) throws -> [(String, EventDraft)] {
        let system = try systemID(ocid, map: map)
        let held = try heldFor(system)
        var drafts: [(String, EventDraft)] = []
        var retirement: (String, EventDraft)?
        var procured = held.procured
        var currency: Currency?
        var value: Int64?
        var end: String?
        var paid: Set<String> = []
        // The procurement comes from the first release with a contract value, else with an award
        // value; what it lacks (supplier, title, method) from any release of the process.
        let contractValued = releases.firstIndex { $0["contracts"]?.arrayValue?.first?["value"]?["amount"] != nil }
        let procurementIndex = contractValued ?? releases.firstIndex { $0["awards"]?.arrayValue?.first?["value"]?["amount"] != nil }
        let supplier = releases.lazy.compactMap { release -> String? in
            release["awards"]?.arrayValue?.lazy.compactMap { $0["suppliers"]?.arrayValue?.first?["name"]?.stringValue }.first
                ?? release["parties"]?.arrayValue?.first(where: { $0["roles"]?.arrayValue?.contains(.string("supplier")) == true })?["name"]?.stringValue
        }.first { !$0.isEmpty }
        let tender = releases.lazy.compactMap { $0["tender"] }.first { $0["procurementMethod"] != nil || $0["procurementMethodDetails"] != nil }
        let title = releases.lazy.compactMap { release in
            release["contracts"]?.arrayValue?.first?["title"]?.stringValue ?? release["awards"]?.arrayValue?.first?["title"]?.stringValue
                ?? release["tender"]?["title"]?.stringValue
        }.first { !$0.isEmpty }
        for (index, release) in releases.enumerated() {
            let id = release["id"].map(OCDSMerge.text) ?? ""
            let label = "release \(id) of \(ocid)"
            func fail(_ reason: String) -> OCDSImportError { OCDSImportError("\(label): \(reason)") }
            let contract = release["contracts"]?.arrayValue?.first
            let award = release["awards"]?.arrayValue?.first
            let releaseDay = try day(release["date"] ?? .null, label: label, field: "date")
            if index == procurementIndex, let valued = contractValued == nil ? award?["value"] : contract?["value"] {
                guard let code = valued["currency"]?.stringValue, let known = Currency(code) else {
                    throw fail("value.currency \(valued["currency"].map(OCDSMerge.text) ?? "missing") is not a currency the vocabulary knows")
                }
                currency = known
                value = try minor(valued["amount"] ?? .null, known, label: label, field: "value.amount")
                let period = contractValued == nil ? award?["contractPeriod"] : contract?["period"]
                let start = try period?["startDate"].map { try day($0, label: label, field: "period.startDate") } ?? releaseDay
                end = try period?["endDate"].map { try day($0, label: label, field: "period.endDate") } ?? start
                if !procured {
                    guard let vendor = supplier else { throw fail("no release names a supplier (awards[0].suppliers, or a party with the supplier role)") }
                    guard let category = map.categories[ocid] ?? map.category else { throw fail("the map gives no category (category, or categories[\"\(ocid)\"])") }
                    let method = methodOf(tender)
                    let signed = try contract?["dateSigned"].map { try day($0, label: label, field: "dateSigned") } ?? start
                    let body: JSONValue = .object([
                        ("system", .string(system)), ("title", .string(clipped(title ?? system))), ("category", .string(category.rawValue)),
                        ("vendor", .string(clipped(vendor))), ("method", .string(method.rawValue)),
                        ("contract", .object([("value", .integer(value ?? 0)), ("currency", .string(known.code)), ("start", .string(start)), ("end", .string(end ?? start))])),
                        ("ocid", .string(ocid)),
                        ("terms", .object(["data_portability", "open_formats", "source_available", "exit_clause"].map { ($0, .bool(map.terms[$0] ?? false)) })),
                        ("funding", .array(map.funding.map { .object([("source", .string($0.source.rawValue)), ("share_bps", .integer($0.shareBasisPoints))]) })),
                    ])
                    drafts.append((label, try draft("system.procured", signed, body, label: label)))
                    procured = true
                }
                continue
            }
            guard let currency, let current = value else {
                if contract?["implementation"] != nil || contract?["amendments"] != nil {
                    throw fail("comes before any release with a contract value and a supplier: the process cannot be mapped")
                }
                continue
            }
            // A changed value or end: an amendment.
            if let contract {
                let newValue = try contract["value"].flatMap { $0["amount"] }.map { try minor($0, currency, label: label, field: "contracts[0].value.amount") }
                let newEnd = try contract["period"]?["endDate"].map { try day($0, label: label, field: "contracts[0].period.endDate") }
                if (newValue.map { $0 != current } ?? false) || (newEnd.map { $0 != end } ?? false) {
                    if let code = contract["value"]?["currency"]?.stringValue, code != currency.code {
                        throw fail("contracts[0].value.currency \(code) is not the contract's currency \(currency.code)")
                    }
                    let rationale = contract["amendments"]?.arrayValue?.last?["rationale"]?.stringValue ?? "contract changed"
                    var body: [(String, JSONValue)] = [
                        ("system", .string(system)), ("value_change", .integer((newValue ?? current) - current)), ("currency", .string(currency.code)),
                        ("reason", .string(marked(rationale, release: id))),
                    ]
                    if let newEnd, newEnd != end { body.append(("new_end", .string(newEnd))) }
                    if !held.imported.contains("release \(id)") { drafts.append((label, try draft("contract.amended", releaseDay, .object(body), label: label))) }
                    value = newValue ?? current
                    end = newEnd ?? end
                }
            }
            // Transactions: each a cost, once.
            for contract in release["contracts"]?.arrayValue ?? [] {
                for transaction in contract["implementation"]?["transactions"]?.arrayValue ?? [] {
                    guard let transactionID = transaction["id"].map(OCDSMerge.text), transaction["id"] != .null else { throw fail("a transaction has no id") }
                    guard paid.insert(transactionID).inserted, !held.imported.contains("transaction \(transactionID)") else { continue }
                    let amountValue = transaction["value"] ?? transaction["amount"] ?? .null
                    if let code = amountValue["currency"]?.stringValue, code != currency.code {
                        throw fail("transaction \(transactionID): currency \(code) is not the contract's currency \(currency.code)")
                    }
                    let amount = try minor(amountValue["amount"] ?? .null, currency, label: label, field: "transaction \(transactionID) value.amount")
                    guard amount > 0 else { throw fail("transaction \(transactionID): the amount is not more than 0") }
                    let on = try transaction["date"].map { try day($0, label: label, field: "transaction \(transactionID) date") } ?? releaseDay
                    var body: [(String, JSONValue)] = [
                        ("system", .string(system)), ("amount", .integer(amount)), ("currency", .string(currency.code)),
                        ("category", .string(map.costCategory.rawValue)), ("source", .string(map.costSource.rawValue)),
                    ]
                    if let payee = transaction["payee"]?["name"]?.stringValue, !payee.isEmpty { body.append(("payee", .string(clipped(payee)))) }
                    body.append(("note", .string(transactionNote(transactionID, ocid: ocid))))
                    drafts.append((label, try draft("cost.incurred", on, .object(body), label: label)))
                }
            }
            // Terminated: retired, after everything else of the process.
            let tags = release["tag"]?.arrayValue ?? []
            if !held.retired, retirement == nil, contract?["status"] == .string("terminated") || tags.contains(.string("contractTermination")) {
                let body: JSONValue = .object([("system", .string(system)), ("reason", .string(marked("contract terminated", release: id)))])
                retirement = (label, try draft("system.retired", releaseDay, body, label: label))
            }
        }
        if !procured { throw OCDSImportError("\(ocid): no release has a contract or award value: the process cannot be mapped") }
        if let retirement { drafts.append(retirement) }
        return drafts
    }

    /// The system id of a process: the map's, the ocid without the map's prefix, or the ocid itself
    /// when it is a valid id.
    static func systemID(_ ocid: String, map: OCDSImportMap) throws(OCDSImportError) -> String {
        if let named = map.systems[ocid] { return named }
        var candidate = ocid.lowercased()
        if let prefix = map.ocidPrefix?.lowercased(), candidate.hasPrefix(prefix + "-") { candidate = String(candidate.dropFirst(prefix.count + 1)) }
        guard BodyReader.isIdentifier(candidate) else {
            throw OCDSImportError("\(ocid) gives no valid system id (a-z, 0-9, -, at most 64): name one in the map's systems, or give its ocid_prefix")
        }
        return candidate
    }

    /// The vocabulary's method: OCDS's `procurementMethodDetails` when it is one (as `civic export
    /// ocds` writes it), else from `procurementMethod`.
    static func methodOf(_ tender: JSONValue?) -> ProcurementMethod {
        if let details = tender?["procurementMethodDetails"]?.stringValue, let method = ProcurementMethod(rawValue: details) { return method }
        switch tender?["procurementMethod"]?.stringValue {
        case "open": return .openTender
        case "selective", "limited": return .framework
        default: return .soleSource
        }
    }

    /// An OCDS amount as minor units, exactly: the decimal as written (an integer, or the shortest
    /// text of the number read), at most the currency's decimals and 15 significant digits.
    static func minor(_ value: JSONValue, _ currency: Currency, label: String, field: String) throws(OCDSImportError) -> Int64 {
        let text: String
        switch value {
        case .integer(let number): text = String(number)
        case .number(let number):
            text = "\(number)"
            let digits = text.filter(\.isNumber).drop { $0 == "0" }.count
            guard !text.contains("e"), digits <= 15 else {
                throw OCDSImportError("\(label): \(field) \(text) cannot be read exactly (more than 15 significant digits)")
            }
        case .string(let written): throw OCDSImportError("\(label): \(field) is the text \"\(written)\", not a number")
        default: throw OCDSImportError("\(label): \(field) is missing")
        }
        let plain = text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        guard let minor = currency.minorUnits(plain) else {
            throw OCDSImportError("\(label): \(field) \(text) is not an amount of \(currency.code) (at most \(currency.exponent) decimals, not negative)")
        }
        return minor
    }

    /// The calendar date of an OCDS date-time, as written (in the publisher's time zone).
    static func day(_ value: JSONValue, label: String, field: String) throws(OCDSImportError) -> String {
        guard let text = value.stringValue, text.count >= 10, LedgerDate(String(text.prefix(10))) != nil else {
            throw OCDSImportError("\(label): \(field) \(value.stringValue.map { "\"\($0)\"" } ?? "null") is not a date")
        }
        return String(text.prefix(10))
    }

    private static func draft(_ type: String, _ effective: String, _ body: JSONValue, label: String) throws(OCDSImportError) -> EventDraft {
        guard let date = LedgerDate(effective) else { throw OCDSImportError("\(label): \(effective) is not a date") }
        do {
            return try EventDraft(type: type, effective: date, body: body)
        } catch {
            throw OCDSImportError("\(label): \(error)")
        }
    }
}
