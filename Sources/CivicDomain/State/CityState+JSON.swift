import LedgerCore

extension CityState {
    /// The state as JSON with stable field names (the output of `civic state --format json`).
    public var json: JSONValue { .object(jsonMembers.map { ($0.0, $0.1.value) }) }

    /// ``json`` written as ``JSONValue/prettyPrinted(indent:)`` writes it, handed to `write` in
    /// pieces as it is made, each system and cost line made only as it is written: a city's state
    /// holds hundreds of thousands of cost lines.
    public func writeJSON(to write: ([UInt8]) -> Void) throws(JSONError) {
        try JSONValue.writePrettyPrinted(members: jsonMembers, to: write)
    }

    /// `civic findings --format json`: the filter and the findings, nothing of the node that made
    /// it, so nodes holding the same events print the same bytes (as long as they saw the same
    /// arrivals).
    public var findingsJSON: JSONValue {
        .object([("filter", filterJSON), ("findings", .array(findings.map(\.json)))])
    }

    private var filterJSON: JSONValue {
        var members: [(String, JSONValue)] = []
        if let asOf = filter.asOf { members.append(("as_of_ms", .integer(asOf))) }
        if let knownAt = filter.knownAt { members.append(("known_at_ms", .integer(knownAt))) }
        if let effectiveOn = filter.effectiveOn { members.append(("effective_on", .string(effectiveOn.description))) }
        return .object(members)
    }

    /// The members of ``json``, the long arrays (systems, cost lines) made an element at a time.
    private var jsonMembers: [(String, PrettyMember)] {
        func string(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
        func strings(_ texts: [String]) -> JSONValue { .array(texts.map { .string($0) }) }
        let districts: [JSONValue] = facts.districts.values.sorted { $0.district < $1.district }.map { district in
            .object([
                ("district", .string(district.district)), ("name", .string(district.name)), ("population", .integer(district.population)),
                ("need_index", .integer(district.needIndex)), ("priority", .bool(district.priority)),
            ])
        }
        let targets: [JSONValue] = facts.targets.values.sorted { $0.target < $1.target }.map { target in
            .object([
                ("target", .string(target.target)), ("title", .string(target.title)), ("metric", .string(target.metric.rawValue)),
                ("comparison", .string(target.comparison.rawValue)), ("threshold_bps", .integer(target.thresholdBasisPoints)),
                ("categories", target.categories.map { strings($0.map(\.rawValue)) } ?? .null),
            ])
        }
        // Each system's cost lines, by their places: the lines are in order of system
        // (``CostLines``), so a system's are one run of places (more than one if not).
        let costs = self.costs
        var runs: [String: [Range<Int>]] = [:]
        let packed = costs.packed
        var index = packed.startIndex
        while index < packed.endIndex {
            let system = packed[index].system
            var end = index + 1
            while end < packed.endIndex, packed[end].system == system { end += 1 }
            runs[costs.texts.systems[Int(system)], default: []].append(index..<end)
            index = end
        }
        let records = systemsByID
        let systems = PrettyMember.elements(records.count) { position in
            let record = records[position]
            let procured = record.procured
            var total: Int64 = 0
            var byCategory: [String: Int64] = [:]
            var bySource: [String: Int64] = [:]
            for run in runs[procured.system] ?? [] {
                for line in costs[run] {
                    total = Money.add(total, line.amount)
                    byCategory[line.category] = Money.add(byCategory[line.category] ?? 0, line.amount)
                    bySource[line.source] = Money.add(bySource[line.source] ?? 0, line.amount)
                }
            }
            // Every object in key order, so that printing tens of thousands of systems sorts none of them.
            var surveillance: JSONValue = .null
            if let assessment = record.surveillance {
                surveillance = .object([
                    ("assessed_on", string(record.assessedOn)), ("automated_decisions", .bool(assessment.automatedDecisions)),
                    ("communities", strings(assessment.communities)), ("data_types", strings(assessment.dataTypes.map(\.rawValue))),
                    ("districts", strings(assessment.districts)), ("mitigations", strings(assessment.mitigations)),
                    ("retention_days", .integer(assessment.retentionDays)), ("risk", .string(assessment.risk.rawValue)),
                    ("sharing", strings(assessment.sharing.map(\.rawValue))), ("use_policy", string(assessment.usePolicy)),
                ])
            }
            return .object([
                ("category", .string(procured.category.rawValue)),
                ("contract", .object([
                    ("amendments", .integer(Int64(record.amendments.count))), ("currency", .string(procured.contract.currency.code)),
                    ("end", .string(record.contractEnd)), ("initial_value", .integer(procured.contract.value)),
                    ("start", .string(procured.contract.start)), ("value", .integer(record.contractValue)),
                ])),
                ("cost", .object([
                    ("by_category", .object(byCategory.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
                    ("by_source", .object(bySource.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
                    ("total", .integer(total)),
                ])),
                ("deployments", .object(record.deployments.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
                ("funding", .array(procured.funding.map { .object([("share_bps", .integer($0.shareBasisPoints)), ("source", .string($0.source.rawValue))]) })),
                ("method", .string(procured.method.rawValue)), ("ocid", string(procured.ocid)), ("office", .string(record.office)),
                ("procured_on", .string(record.procuredOn)), ("retired_on", string(record.retiredOn)),
                ("status", .string(record.retiredOn == nil ? "active" : "retired")), ("surveillance", surveillance),
                ("system", .string(procured.system)),
                ("terms", .object([
                    ("data_portability", .bool(procured.terms.dataPortability)), ("exit_clause", .bool(procured.terms.exitClause)),
                    ("open_formats", .bool(procured.terms.openFormats)), ("source_available", .bool(procured.terms.sourceAvailable)),
                ])),
                ("title", .string(procured.title)), ("vendor", .string(procured.vendor)),
            ])
        }
        let costLines = PrettyMember.elements(costs.count) { position in
            let line = costs[costs.startIndex + position]
            // In key order, so that printing half a million lines sorts none of them.
            return .object([
                ("amount", .integer(line.amount)), ("category", .string(line.category)), ("currency", .string(line.currency)),
                ("events", .integer(line.count)), ("source", .string(line.source)), ("system", .string(line.system)), ("year", .string(line.year)),
            ])
        }
        let algorithms: [JSONValue] = facts.algorithms.values.sorted { $0.algorithm < $1.algorithm }.map { entry in
            .object([
                ("algorithm", .string(entry.algorithm)), ("system", string(entry.system)), ("name", .string(entry.name)),
                ("purpose", .string(entry.purpose)), ("decision_process", .string(entry.decisionProcess)),
                ("human_oversight", .string(entry.humanOversight)), ("data_sources", strings(entry.dataSources)),
                ("risks", .string(entry.risks)), ("risk_category", .string(entry.riskCategory.rawValue)),
                ("status", .string(facts.retiredAlgorithms[entry.algorithm] == nil ? entry.status.rawValue : "retired")),
                ("retired_on", string(facts.retiredAlgorithms[entry.algorithm])), ("contact", .string(entry.contact)),
            ])
        }
        let corrections: [JSONValue] = self.corrections.map { correction in
            .object([
                ("event", .string(correction.event)), ("type", .string(correction.type)), ("corrected_by", .string(correction.correctedBy)),
                ("reason", .string(correction.reason)),
            ])
        }
        return [
            ("filter", .value(filterJSON)),
            ("events", .value(.integer(eventCount))),
            ("offices", .value(strings(facts.offices.keys.sorted()))),
            ("districts", .value(.array(districts))),
            ("targets", .value(.array(targets))),
            ("systems", systems),
            ("costs", costLines),
            ("algorithms", .value(.array(algorithms))),
            ("corrections", .value(.array(corrections))),
            ("findings", .value(.array(findings.map(\.json)))),
        ]
    }
}
