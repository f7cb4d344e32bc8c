import LedgerCore

/// The fold of the facts recorded up to an instant (their HLC wall time), kept so that state as of
/// a later instant folds only the facts recorded after it (DESIGN §4, "stay cheap"; the costs have
/// their own snapshots, ``CostPeriods``).
///
/// Facts recorded up to an instant are a prefix of the citywide order, so the fold of the prefix
/// is where the fold of any later instant passes. It stays so while three things hold, and state
/// checks them each time it starts from a snapshot:
/// - no fact recorded up to the instant arrived after the snapshot was made (a late event lands
///   inside the prefix: ``FoldSnapshots`` leaves such snapshots out, and drops them when it next
///   catches up);
/// - no correction recorded after the instant applies to a fact of the prefix (``Unusable``, and
///   an earlier snapshot serves);
/// - the ranges revoked keys leave out are the same (``Unusable``, and the whole fold serves).
///
/// Corrections and key events are resolved again each time from all of them, so their findings
/// never come from a snapshot. A snapshot is a cache of the event tables, never evidence: it may
/// be dropped at any time, and the answer is the same without it.
struct FoldSnapshot: Sendable {
    /// A correction or key event recorded after the snapshot changes a fact it folded.
    struct Unusable: Error {
        /// Only snapshots made through an instant before this one may serve (nil: none).
        let before: Int64?
    }

    /// The instant (HLC wall, ms): every fact recorded at or before it is folded in.
    let through: Int64
    let rules: RuleFacts
    let state: FactState
    /// The conflicts the fold resolved.
    let foldFindings: [Finding]
    /// Facts the fold left out: unreadable, or vouched for only by a revoked key.
    let itemFindings: [Finding]
    let revoked: RevokedRanges
    /// How many `civic_facts` rows were recorded through `through` (``LedgerFacts/rows``).
    let factRows: Int64
    /// Why each fact left out was left out.
    let unreadable: [Hash: FindingKind]

    /// The snapshot of a fold of every fact recorded through `through`.
    init(through: Int64, fold: CityFold, ledger: LedgerFacts) {
        self.init(
            through: through, rules: fold.rules, state: fold.state, foldFindings: fold.findings, itemFindings: ledger.itemFindings,
            revoked: ledger.revoked, factRows: ledger.rows)
    }

    private init(
        through: Int64, rules: RuleFacts, state: FactState, foldFindings: [Finding], itemFindings: [Finding], revoked: RevokedRanges, factRows: Int64
    ) {
        (self.through, self.rules, self.state, self.foldFindings, self.itemFindings, self.revoked, self.factRows) =
            (through, rules, state, foldFindings, itemFindings, revoked, factRows)
        unreadable = Dictionary(itemFindings.compactMap { finding in finding.events.first.map { ($0.id, finding.kind) } }) { first, _ in first }
    }

    /// Whether the fact is one the snapshot folded (costs and corrections are not folded).
    func folded(_ ref: EventRef) -> Bool {
        ref.key.hlc.wall <= through && ref.type != "cost.incurred" && ref.type != "event.corrected"
    }

    /// The binary form (``BinaryCoding``).
    func encoded() throws -> [UInt8] {
        try BinaryCoding.encode(
            Stored(
                format: Stored.format, through: through, registrar: rules.registrar, city: rules.city, ruleDistricts: rules.districts.sorted(),
                offices: rules.offices, ruleSystems: rules.systems, ruleAlgorithms: rules.algorithms, districts: state.districts,
                targets: state.targets, systems: state.systems, algorithms: state.algorithms, retiredAlgorithms: state.retiredAlgorithms,
                registrations: state.algorithmRegistrations.mapValues { Stored.Registration(office: $0.office, on: $0.on) },
                registered: state.offices, factCount: Int64(state.factCount), foldFindings: foldFindings, itemFindings: itemFindings,
                revoked: revoked, factRows: factRows))
    }

    /// Reads the binary form of a snapshot of this ledger's fold.
    ///
    /// - Throws: ``BinaryCoding/Failure`` when the bytes are damaged, of another format, or of
    ///   another registrar or city.
    init(decoding bytes: UnsafeRawBufferPointer, registrar: String?, city: String?) throws {
        let stored: Stored
        do {
            stored = try BinaryCoding.decode(Stored.self, from: bytes)
        } catch let failure as BinaryCoding.Failure {
            throw failure
        } catch {
            throw BinaryCoding.Failure(description: "a damaged fold snapshot: \(error)")
        }
        guard stored.registrar == registrar, stored.city == city else {
            throw BinaryCoding.Failure(description: "a fold snapshot for registrar \(stored.registrar ?? "none") of \(stored.city ?? "no city")")
        }
        var state = FactState()
        (state.districts, state.targets, state.systems, state.algorithms) = (stored.districts, stored.targets, stored.systems, stored.algorithms)
        (state.retiredAlgorithms, state.offices, state.factCount) = (stored.retiredAlgorithms, stored.registered, Int(stored.factCount))
        state.algorithmRegistrations = stored.registrations.mapValues { ($0.office, $0.on) }
        self.init(
            through: stored.through,
            rules: RuleFacts(
                registrar: registrar, city: city, districts: Set(stored.ruleDistricts), offices: stored.offices, systems: stored.ruleSystems,
                algorithms: stored.ruleAlgorithms),
            state: state, foldFindings: stored.foldFindings, itemFindings: stored.itemFindings, revoked: stored.revoked,
            factRows: stored.factRows)
    }

    /// What a snapshot stores, field by field, written and read by hand (``BinaryFields``). A change
    /// to the fold or to a body's fields changes `format`, and snapshots of another format are made
    /// again.
    fileprivate struct Stored: BinaryFields {
        /// 2: with ``FoldSnapshot/factRows``. 3: the state's systems before the rules' systems, whose
        /// deployments are written only when they are not the state's system's
        /// (``RuleFacts/System/init(binary:sharing:)``). 4: strings in a table of texts
        /// (``BinaryCoding``), and a rule system's shared deployments named by the state system's
        /// place, not its name.
        static let format: Int64 = 4

        struct Registration: Codable {
            let office: String
            let on: String
        }

        let format: Int64
        let through: Int64
        let registrar: String?
        let city: String?
        let ruleDistricts: [String]
        let offices: [String: RuleFacts.Keys]
        let ruleSystems: [String: RuleFacts.System]
        let ruleAlgorithms: [String: RuleFacts.Algorithm]
        let districts: [String: DistrictDefined]
        let targets: [String: TargetDeclared]
        let systems: [String: SystemRecord]
        let algorithms: [String: AlgorithmEntry]
        let retiredAlgorithms: [String: String]
        let registrations: [String: Registration]
        let registered: [String: OfficeRegistered]
        let factCount: Int64
        let foldFindings: [Finding]
        let itemFindings: [Finding]
        let revoked: RevokedRanges
        let factRows: Int64
    }
}

// Written and read by hand in an extension, so that `Stored` keeps its memberwise initializer.
extension FoldSnapshot.Stored {
    /// The format comes first, and a snapshot of another format is not read further.
    init(binary reader: BinaryCoding.Reader) throws {
        format = try reader.fixed(Int64.self)
        guard format == Self.format else { throw BinaryCoding.Failure(description: "a fold snapshot of format \(format)") }
        (through, registrar, city) = (try reader.fixed(Int64.self), try reader.optionalString(), try reader.optionalString())
        (ruleDistricts, offices) = (try reader.read([String].self), try reader.read([String: RuleFacts.Keys].self))
        // A rule system and the state's system of its name share one dictionary of deployments,
        // found by the state system's place among those read.
        var deployments: [[String: Int64]] = []
        systems = try reader.pairs { reader in
            let system = try SystemRecord(binary: reader)
            deployments.append(system.deployments)
            return system
        }
        ruleSystems = try reader.pairs { try RuleFacts.System(binary: $0, sharing: deployments) }
        (ruleAlgorithms, districts) = (try reader.read([String: RuleFacts.Algorithm].self), try reader.pairs { try DistrictDefined(binary: $0) })
        (targets, algorithms) = (try reader.read([String: TargetDeclared].self), try reader.read([String: AlgorithmEntry].self))
        (retiredAlgorithms, registrations) = (try reader.read([String: String].self), try reader.read([String: Registration].self))
        (registered, factCount) = (try reader.read([String: OfficeRegistered].self), try reader.fixed(Int64.self))
        (foldFindings, itemFindings) = (try reader.read([Finding].self), try reader.read([Finding].self))
        (revoked, factRows) = (try reader.read(RevokedRanges.self), try reader.fixed(Int64.self))
    }

    func write(binary writer: BinaryCoding.Writer) throws {
        writer.fixed(format)
        writer.fixed(through)
        try writer.present(registrar)
        try writer.present(city)
        try writer.write(ruleDistricts)
        try writer.write(offices)
        // Each state system's place among those written, by its name's number in the table of
        // texts (a rule system of the same name gets the same number), and its deployments by
        // place: a rule system finds the state's system of its name without hashing the name.
        var places: [Int32] = []
        var deployments: [[String: Int64]] = []
        deployments.reserveCapacity(systems.count)
        writer.count(systems.count)
        for (place, (name, system)) in systems.enumerated() {
            let number = writer.string(name)
            try system.write(binary: writer)
            if number >= places.count { places.append(contentsOf: repeatElement(-1, count: number + 1 - places.count)) }
            places[number] = Int32(place)
            deployments.append(system.deployments)
        }
        writer.count(ruleSystems.count)
        for (name, system) in ruleSystems {
            let number = writer.string(name)
            let place = number < places.count ? Int(places[number]) : -1
            try system.write(binary: writer, sharing: place >= 0 ? (place, deployments[place]) : nil)
        }
        try writer.write(ruleAlgorithms)
        try writer.write(districts)
        try writer.write(targets)
        try writer.write(algorithms)
        try writer.write(retiredAlgorithms)
        try writer.write(registrations)
        try writer.write(registered)
        writer.fixed(factCount)
        try writer.write(foldFindings)
        try writer.write(itemFindings)
        try writer.write(revoked)
        writer.fixed(factRows)
    }

    // The binary form above is the only one a snapshot is written in.
    init(from decoder: any Decoder) throws {
        guard let reader = decoder as? BinaryCoding.Reader else { throw BinaryCoding.Failure(description: "a fold snapshot read from another form") }
        try self.init(binary: reader)
    }

    func encode(to encoder: any Encoder) throws {
        guard let writer = encoder as? BinaryCoding.Writer else { throw BinaryCoding.Failure(description: "a fold snapshot written in another form") }
        try write(binary: writer)
    }
}

// The fold's types in the binary form of its snapshots.

extension EventRef: Codable {
    private enum CodingKeys: CodingKey { case wall, logical, office, seq, id, type }

    public init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        let hlc = HLCTimestamp(wall: try fields.decode(Int64.self, forKey: .wall), logical: try fields.decode(Int64.self, forKey: .logical))
        self.init(
            key: OrderKey(hlc: hlc, office: try fields.decode(String.self, forKey: .office), seq: try fields.decode(UInt64.self, forKey: .seq)),
            id: Hash(bytes: try fields.decode([UInt8].self, forKey: .id)), type: try fields.decode(String.self, forKey: .type))
    }

    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: CodingKeys.self)
        try fields.encode(key.hlc.wall, forKey: .wall)
        try fields.encode(key.hlc.logical, forKey: .logical)
        try fields.encode(office, forKey: .office)
        try fields.encode(seq, forKey: .seq)
        try fields.encode(id.bytes, forKey: .id)
        try fields.encode(type, forKey: .type)
    }
}

extension RuleFacts.Keys: Codable {
    private enum CodingKeys: CodingKey { case sizes, vkeys, registeredBy }

    public init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        let (sizes, vkeys) = (try fields.decode([UInt64].self, forKey: .sizes), try fields.decode([String].self, forKey: .vkeys))
        guard sizes.count == vkeys.count else {
            throw DecodingError.dataCorruptedError(forKey: .vkeys, in: fields, debugDescription: "\(sizes.count) sizes for \(vkeys.count) keys")
        }
        self.init(keys: Array(zip(sizes, vkeys)), registeredBy: try fields.decodeIfPresent(EventRef.self, forKey: .registeredBy))
    }

    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: CodingKeys.self)
        try fields.encode(keys.map(\.fromSize), forKey: .sizes)
        try fields.encode(keys.map(\.vkey), forKey: .vkeys)
        try fields.encodeIfPresent(registeredBy, forKey: .registeredBy)
    }
}

extension OfficeRegistered: Codable {
    private enum CodingKeys: CodingKey { case office, name, key }

    public init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: CodingKeys.self)
        let (office, name) = (try fields.decode(String.self, forKey: .office), try fields.decode(String.self, forKey: .name))
        let vkey = try fields.decode(String.self, forKey: .key)
        do {
            self.init(office: office, name: name, key: try NoteVerifier(vkey: vkey))
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .key, in: fields, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: CodingKeys.self)
        try fields.encode(office, forKey: .office)
        try fields.encode(name, forKey: .name)
        try fields.encode(key.vkey, forKey: .key)
    }
}
