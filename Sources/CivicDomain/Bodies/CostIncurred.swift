import LedgerCore

/// `cost.incurred`: money spent on a system, and who paid it.
///
/// Body: `{"system": "lpr-2024", "amount": 12000000, "currency": "USD", "category": "maintenance",
/// "source": "general-fund", "payee": "Plateview Systems", "period": {"from": "2026-01-01", "to": "2026-03-31"}}`.
public struct CostIncurred: Sendable, Equatable, Codable {
    public let system: String
    public let amount: Int64
    public let currency: Currency
    public let category: CostCategory
    public let source: FundingSource
    public let payee: String?
    public let periodFrom: String?
    public let periodTo: String?
    public let note: String?

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["system", "amount", "currency", "category", "source", "payee", "period", "note"])
        system = try reader.identifier("system")
        amount = try reader.integer("amount", in: 1...BodyReader.maximumMoney)
        currency = try reader.currency("currency")
        category = try reader.code("category", as: CostCategory.self)
        source = try reader.code("source", as: FundingSource.self)
        payee = try reader.optionalString("payee")
        if reader.has("period") {
            let period = try reader.object("period")
            try period.onlyFields(["from", "to"])
            let from = try period.date("from")
            let to = try period.date("to")
            guard from <= to else { throw period.fail("to", "must not be before period.from") }
            periodFrom = from.description
            periodTo = to.description
        } else {
            periodFrom = nil
            periodTo = nil
        }
        note = try reader.optionalString("note")
    }
}

/// `deployment.recorded` / `deployment.removed`: units of a system in a district.
public struct Deployment: Sendable, Equatable, Codable {
    public let system: String
    public let district: String
    public let units: Int64
    public let note: String?

    public init(_ reader: BodyReader) throws(ValidationError) {
        try reader.onlyFields(["system", "district", "units", "note"])
        system = try reader.identifier("system")
        district = try reader.identifier("district")
        units = try reader.integer("units", in: 1...1_000_000)
        note = try reader.optionalString("note")
    }
}
