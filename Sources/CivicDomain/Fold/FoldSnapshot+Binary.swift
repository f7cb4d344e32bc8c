import LedgerCore

// The binary form of the types a snapshot of a large city's fold holds tens of thousands of
// (``BinaryFields``), written by hand; every other type takes its `Codable` form.

extension EventRef: BinaryFields {
    init(binary reader: BinaryCoding.Reader) throws {
        let hlc = HLCTimestamp(wall: try reader.fixed(Int64.self), logical: try reader.fixed(Int64.self))
        let key = OrderKey(hlc: hlc, office: try reader.string(), seq: try reader.fixed(UInt64.self))
        self.init(key: key, id: Hash(bytes: try reader.bytes()), type: try reader.string())
    }

    func write(binary writer: BinaryCoding.Writer) throws {
        writer.fixed(key.hlc.wall)
        writer.fixed(key.hlc.logical)
        writer.string(office)
        writer.fixed(seq)
        writer.blob(id.bytes)
        writer.string(type)
    }
}

extension RuleFacts.System: BinaryFields {
    init(binary reader: BinaryCoding.Reader) throws { try self.init(binary: reader, sharing: []) }

    /// - Parameter shared: the deployments of the state's systems, in the order the snapshot wrote
    ///   them: the fold applies a deployment to both a rule system and the state's system of its
    ///   name, so a snapshot writes them once, and a rule system names the state's system whose
    ///   deployments are its own by its place (``write(binary:sharing:)``), which finds them without
    ///   hashing its name.
    init(binary reader: BinaryCoding.Reader, sharing shared: [[String: Int64]]) throws {
        let currency = try reader.string()
        guard let known = Currency(currency) else { throw BinaryCoding.Failure(description: "\"\(currency)\" is not a currency") }
        let (procuredOn, procuredBy, retiredOn) = (try reader.string(), try EventRef(binary: reader), try reader.optionalString())
        let retiredBy = try reader.flag() ? try EventRef(binary: reader) : nil
        let deployments: [String: Int64]
        if try reader.flag() {
            let place = Int(try reader.fixed(UInt32.self))
            guard place < shared.count else {
                throw BinaryCoding.Failure(description: "a system's deployments shared with system \(place) of the \(shared.count) the state holds")
            }
            deployments = shared[place]
        } else {
            deployments = try reader.pairs { try $0.fixed(Int64.self) }
        }
        self.init(currency: known, procuredOn: procuredOn, procuredBy: procuredBy, retiredOn: retiredOn, retiredBy: retiredBy, deployments: deployments)
    }

    func write(binary writer: BinaryCoding.Writer) throws { try write(binary: writer, sharing: nil) }

    /// Writes the deployments only when they are not those of `shared` (the state's system of
    /// this name, and its place among the state's systems written).
    func write(binary writer: BinaryCoding.Writer, sharing shared: (place: Int, deployments: [String: Int64])?) throws {
        writer.string(currency.code)
        writer.string(procuredOn)
        try procuredBy.write(binary: writer)
        writer.optionalString(retiredOn)
        try writer.present(retiredBy)
        if let shared, shared.deployments == deployments {
            writer.flag(true)
            writer.fixed(UInt32(truncatingIfNeeded: shared.place))
        } else {
            writer.flag(false)
            writer.pairs(deployments)
        }
    }
}

extension SystemProcured: BinaryFields {
    init(binary reader: BinaryCoding.Reader) throws {
        (system, title, category) = (try reader.string(), try reader.string(), try reader.code(SystemCategory.self))
        (vendor, method) = (try reader.string(), try reader.code(ProcurementMethod.self))
        let (value, code, start, end) = (try reader.fixed(Int64.self), try reader.string(), try reader.string(), try reader.string())
        guard let currency = Currency(code) else { throw BinaryCoding.Failure(description: "\"\(code)\" is not a currency") }
        contract = Contract(value: value, currency: currency, start: start, end: end)
        ocid = try reader.optionalString()
        terms = ContractTerms(
            dataPortability: try reader.flag(), openFormats: try reader.flag(), sourceAvailable: try reader.flag(), exitClause: try reader.flag())
        funding = try reader.array { reader in
            FundingShare(source: try reader.code(FundingSource.self), shareBasisPoints: try reader.fixed(Int64.self))
        }
    }

    func write(binary writer: BinaryCoding.Writer) throws {
        writer.string(system)
        writer.string(title)
        writer.string(category.rawValue)
        writer.string(vendor)
        writer.string(method.rawValue)
        writer.fixed(contract.value)
        writer.string(contract.currency.code)
        writer.string(contract.start)
        writer.string(contract.end)
        writer.optionalString(ocid)
        writer.flag(terms.dataPortability)
        writer.flag(terms.openFormats)
        writer.flag(terms.sourceAvailable)
        writer.flag(terms.exitClause)
        writer.count(funding.count)
        for share in funding {
            writer.string(share.source.rawValue)
            writer.fixed(share.shareBasisPoints)
        }
    }
}

extension SystemRecord: BinaryFields {
    init(binary reader: BinaryCoding.Reader) throws {
        self.init(
            procured: try SystemProcured(binary: reader), office: try reader.string(), procuredOn: try reader.string(),
            contractValue: try reader.fixed(Int64.self), contractEnd: try reader.string())
        // The common fields by hand (``BinaryCoding/Reader/read(_:)`` looks a type up by its value).
        amendments = try reader.array { try $0.read(ContractAmended.self) }
        (retiredOn, retiredReason) = (try reader.optionalString(), try reader.optionalString())
        deployments = try reader.pairs { try $0.fixed(Int64.self) }
        (surveillance, assessedOn) = (try reader.present(SurveillanceAssessed.self), try reader.optionalString())
    }

    func write(binary writer: BinaryCoding.Writer) throws {
        try procured.write(binary: writer)
        writer.string(office)
        writer.string(procuredOn)
        writer.fixed(contractValue)
        writer.string(contractEnd)
        try writer.write(amendments)
        writer.optionalString(retiredOn)
        writer.optionalString(retiredReason)
        writer.pairs(deployments)
        try writer.present(surveillance)
        writer.optionalString(assessedOn)
    }
}

extension DistrictDefined: BinaryFields {
    init(binary reader: BinaryCoding.Reader) throws {
        (district, name, population, needIndex, priority) = (
            try reader.string(), try reader.string(), try reader.fixed(Int64.self), try reader.fixed(Int64.self), try reader.flag()
        )
        geometry = try reader.present(DistrictGeometry.self)
    }

    func write(binary writer: BinaryCoding.Writer) throws {
        writer.string(district)
        writer.string(name)
        writer.fixed(population)
        writer.fixed(needIndex)
        writer.flag(priority)
        try writer.present(geometry)
    }
}
