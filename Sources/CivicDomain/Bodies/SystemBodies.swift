import LedgerCore

/// The contract of a procured system.
public struct Contract: Sendable, Equatable, Codable {
    public let value: Int64
    public let currency: Currency
    public let start: String
    public let end: String
}

/// Lock-in relevant terms of a contract.
public struct ContractTerms: Sendable, Equatable, Codable {
    public let dataPortability: Bool
    public let openFormats: Bool
    public let sourceAvailable: Bool
    public let exitClause: Bool
}

/// One funding source's share of a system, in basis points.
public struct FundingShare: Sendable, Equatable, Codable {
    public let source: FundingSource
    public let shareBasisPoints: Int64
}

/// `system.procured`: a system, its vendor, contract, terms and funding split.
public struct SystemProcured: Sendable, Equatable, Codable {
    public let system: String
    public let title: String
    public let category: SystemCategory
    public let vendor: String
    public let method: ProcurementMethod
    public let contract: Contract
    public let ocid: String?
    public let terms: ContractTerms
    public let funding: [FundingShare]

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["system", "title", "category", "vendor", "method", "contract", "ocid", "terms", "funding"])
        system = try reader.identifier("system")
        title = try reader.string("title")
        category = try reader.code("category", as: SystemCategory.self)
        vendor = try reader.string("vendor")
        method = try reader.code("method", as: ProcurementMethod.self)
        let contractReader = try reader.object("contract")
        try contractReader.onlyFields(["value", "currency", "start", "end"])
        let start = try contractReader.date("start")
        let end = try contractReader.date("end")
        guard start <= end else { throw contractReader.fail("end", "must not be before contract.start") }
        contract = Contract(
            value: try contractReader.integer("value", in: 0...BodyReader.maximumMoney), currency: try contractReader.currency("currency"),
            start: start.description, end: end.description)
        if let ocid = try reader.optionalString("ocid", maxLength: 120) {
            guard ocid.hasPrefix("ocds-"), ocid.count > 12 else { throw reader.fail("ocid", "must be an OCDS id (ocds-xxxxxx-…)") }
            self.ocid = ocid
        } else {
            ocid = nil
        }
        let termsReader = try reader.object("terms")
        try termsReader.onlyFields(["data_portability", "open_formats", "source_available", "exit_clause"])
        terms = ContractTerms(
            dataPortability: try termsReader.bool("data_portability"), openFormats: try termsReader.bool("open_formats"),
            sourceAvailable: try termsReader.bool("source_available"), exitClause: try termsReader.bool("exit_clause"))
        var shares: [FundingShare] = []
        for (index, element) in try reader.array("funding", nonEmpty: true).enumerated() {
            let item = BodyReader(type: reader.type, body: element, path: reader.path + "funding[\(index)].")
            try item.onlyFields(["source", "share_bps"])
            let share = FundingShare(source: try item.code("source", as: FundingSource.self), shareBasisPoints: try item.integer("share_bps", in: 0...10_000))
            guard !shares.contains(where: { $0.source == share.source }) else { throw reader.fail("funding", "names \(share.source.rawValue) twice") }
            shares.append(share)
        }
        let total = shares.reduce(0) { $0 + $1.shareBasisPoints }
        guard total == 10_000 else { throw reader.fail("funding", "shares must sum to 10000 basis points, not \(total)") }
        funding = shares
    }
}

/// `contract.amended`: a change in contract value or term.
public struct ContractAmended: Sendable, Equatable, Codable {
    public let system: String
    public let valueChange: Int64
    public let currency: Currency
    public let newEnd: String?
    public let reason: String

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["system", "value_change", "currency", "new_end", "reason"])
        system = try reader.identifier("system")
        valueChange = try reader.integer("value_change", in: -BodyReader.maximumMoney...BodyReader.maximumMoney)
        currency = try reader.currency("currency")
        newEnd = try reader.optionalDate("new_end")?.description
        reason = try reader.string("reason")
    }
}

/// `system.retired` and `algorithm.retired`: an end, with its reason.
public struct Retirement: Sendable, Equatable, Codable {
    public let subject: String
    public let reason: String

    public init(_ reader: BodyReader, subjectField: String) throws(ValidationError) {
        try reader.onlyFields([subjectField, "reason"])
        subject = try reader.identifier(subjectField)
        reason = try reader.string("reason")
    }
}
