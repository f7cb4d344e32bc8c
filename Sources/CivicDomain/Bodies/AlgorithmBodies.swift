import LedgerCore

/// An entry of the algorithm register (fields after the Eurocities Algorithmic Transparency
/// Standard and the UK ATRS).
public struct AlgorithmEntry: Sendable, Equatable, Codable {
    public var algorithm: String
    public var system: String?
    public var name: String
    public var purpose: String
    public var decisionProcess: String
    public var humanOversight: String
    public var dataSources: [String]
    public var risks: String
    public var riskCategory: AlgorithmRiskCategory
    public var status: AlgorithmStatus
    public var contact: String

    static let fields: [String] = [
        "algorithm", "system", "name", "purpose", "decision_process", "human_oversight", "data_sources", "risks", "risk_category",
        "status", "contact",
    ]

    /// `algorithm.registered`: every field but `system` is required.
    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(Self.fields)
        algorithm = try reader.identifier("algorithm")
        system = try reader.optionalIdentifier("system")
        name = try reader.string("name")
        purpose = try reader.string("purpose", maxLength: 4000)
        decisionProcess = try reader.string("decision_process", maxLength: 4000)
        humanOversight = try reader.string("human_oversight", maxLength: 4000)
        dataSources = try reader.strings("data_sources", nonEmpty: true)
        risks = try reader.string("risks", maxLength: 4000)
        riskCategory = try reader.code("risk_category", as: AlgorithmRiskCategory.self)
        status = try reader.code("status", as: AlgorithmStatus.self)
        contact = try reader.string("contact")
    }

    /// Applies an `algorithm.updated` body: the fields it names replace these.
    public mutating func apply(_ update: BodyReader) throws(ValidationError) {
        if update.has("system") { system = try update.identifier("system") }
        if update.has("name") { name = try update.string("name") }
        if update.has("purpose") { purpose = try update.string("purpose", maxLength: 4000) }
        if update.has("decision_process") { decisionProcess = try update.string("decision_process", maxLength: 4000) }
        if update.has("human_oversight") { humanOversight = try update.string("human_oversight", maxLength: 4000) }
        if update.has("data_sources") { dataSources = try update.strings("data_sources", nonEmpty: true) }
        if update.has("risks") { risks = try update.string("risks", maxLength: 4000) }
        if update.has("risk_category") { riskCategory = try update.code("risk_category", as: AlgorithmRiskCategory.self) }
        if update.has("status") { status = try update.code("status", as: AlgorithmStatus.self) }
        if update.has("contact") { contact = try update.string("contact") }
    }
}

/// `algorithm.updated`: the algorithm and at least one register field to replace.
public struct AlgorithmUpdated: Sendable, Equatable {
    public let algorithm: String
    public let reader: BodyReader

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(AlgorithmEntry.fields)
        algorithm = try reader.identifier("algorithm")
        guard (reader.body.objectValue?.count ?? 0) >= 2 else { throw reader.fail(nil, "must change at least one field besides algorithm") }
        // Check every named field's shape now, on a throwaway entry.
        var probe = AlgorithmEntry.placeholder(algorithm)
        try probe.apply(reader)
        self.reader = reader
    }

    public static func == (lhs: AlgorithmUpdated, rhs: AlgorithmUpdated) -> Bool { lhs.reader.body == rhs.reader.body }
}

extension AlgorithmEntry {
    static func placeholder(_ algorithm: String) -> AlgorithmEntry {
        AlgorithmEntry(
            algorithm: algorithm, system: nil, name: "-", purpose: "-", decisionProcess: "-", humanOversight: "-", dataSources: ["-"],
            risks: "-", riskCategory: .minimal, status: .inDevelopment, contact: "-")
    }

    init(
        algorithm: String, system: String?, name: String, purpose: String, decisionProcess: String, humanOversight: String,
        dataSources: [String], risks: String, riskCategory: AlgorithmRiskCategory, status: AlgorithmStatus, contact: String
    ) {
        self.algorithm = algorithm
        self.system = system
        self.name = name
        self.purpose = purpose
        self.decisionProcess = decisionProcess
        self.humanOversight = humanOversight
        self.dataSources = dataSources
        self.risks = risks
        self.riskCategory = riskCategory
        self.status = status
        self.contact = contact
    }
}

/// `event.corrected`: names an event, why it was wrong, and its corrected body.
public struct EventCorrected: Sendable, Equatable {
    public let event: Hash
    public let reason: String
    public let replacement: JSONValue

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["event", "reason", "replacement"])
        let id = try reader.string("event", maxLength: 64)
        guard let hash = Hash(lowercaseHex: id) else { throw reader.fail("event", "must be an event id (64 lowercase hex digits)") }
        event = hash
        reason = try reader.string("reason")
        guard let replacement = reader.body["replacement"] else { throw reader.fail("replacement", "is missing") }
        guard case .object = replacement else { throw reader.fail("replacement", "must be an object, not \(replacement.kindName)") }
        self.replacement = replacement
    }
}
