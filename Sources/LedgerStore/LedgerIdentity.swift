import LedgerCore

/// Who this ledger belongs to: the city, the recording office and its checkpoint origin.
public struct LedgerIdentity: Sendable, Equatable {
    public let city: String
    public let office: String
    /// The city's registrar office, whose `office.registered` events say which key each office signs
    /// with; nil for a ledger that trusts keys only by hand.
    public let registrar: String?

    /// Checks the city and office names.
    ///
    /// - Throws: ``StoreError`` when either is malformed.
    public init(city: String, office: String, registrar: String? = nil) throws(StoreError) {
        guard Identifiers.isValidCity(city) else { throw StoreError(.badIdentity("city \"\(city)\" must match [a-z0-9-]{1,64}")) }
        guard Identifiers.isValidOffice(office) else {
            throw StoreError(.badIdentity("office \"\(office)\" must match [a-z0-9-]{1,32}"))
        }
        if let registrar {
            guard Identifiers.isValidOffice(registrar) else { throw StoreError(.badIdentity("registrar \"\(registrar)\" is not an office id")) }
        }
        self.city = city
        self.office = office
        self.registrar = registrar
    }

    /// The checkpoint origin and key name of this office's log, `civic/<city>/<office>`.
    public var origin: String { Identifiers.origin(city: city, office: office) }
}
