import LedgerCore

extension CityState {
    /// The state as JSON with stable field names (the output of `civic state --format json`).
    public var json: JSONValue {
        func string(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
        func strings(_ texts: [String]) -> JSONValue { .array(texts.map { .string($0) }) }
        var filterMembers: [(String, JSONValue)] = []
        if let asOf = filter.asOf { filterMembers.append(("as_of_ms", .integer(asOf))) }
        if let knownAt = filter.knownAt { filterMembers.append(("known_at_ms", .integer(knownAt))) }
        if let effectiveOn = filter.effectiveOn { filterMembers.append(("effective_on", .string(effectiveOn.description))) }

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
        let linesBySystem = Dictionary(grouping: costs, by: \.system)
        let systems: [JSONValue] = facts.systems.values.sorted { $0.procured.system < $1.procured.system }.map { record in
            let procured = record.procured
            let lines = linesBySystem[procured.system] ?? []
            var byCategory: [String: Int64] = [:]
            var bySource: [String: Int64] = [:]
            for line in lines {
                byCategory[line.category] = Money.add(byCategory[line.category] ?? 0, line.amount)
                bySource[line.source] = Money.add(bySource[line.source] ?? 0, line.amount)
            }
            var surveillance: JSONValue = .null
            if let assessment = record.surveillance {
                surveillance = .object([
                    ("assessed_on", string(record.assessedOn)), ("data_types", strings(assessment.dataTypes.map(\.rawValue))),
                    ("retention_days", .integer(assessment.retentionDays)), ("sharing", strings(assessment.sharing.map(\.rawValue))),
                    ("automated_decisions", .bool(assessment.automatedDecisions)), ("districts", strings(assessment.districts)),
                    ("communities", strings(assessment.communities)), ("risk", .string(assessment.risk.rawValue)),
                    ("mitigations", strings(assessment.mitigations)), ("use_policy", string(assessment.usePolicy)),
                ])
            }
            return .object([
                ("system", .string(procured.system)), ("title", .string(procured.title)), ("category", .string(procured.category.rawValue)),
                ("vendor", .string(procured.vendor)), ("method", .string(procured.method.rawValue)), ("office", .string(record.office)),
                ("procured_on", .string(record.procuredOn)), ("status", .string(record.retiredOn == nil ? "active" : "retired")),
                ("retired_on", string(record.retiredOn)), ("ocid", string(procured.ocid)),
                ("contract", .object([
                    ("initial_value", .integer(procured.contract.value)), ("value", .integer(record.contractValue)),
                    ("currency", .string(procured.contract.currency.code)), ("start", .string(procured.contract.start)),
                    ("end", .string(record.contractEnd)), ("amendments", .integer(Int64(record.amendments.count))),
                ])),
                ("terms", .object([
                    ("data_portability", .bool(procured.terms.dataPortability)), ("open_formats", .bool(procured.terms.openFormats)),
                    ("source_available", .bool(procured.terms.sourceAvailable)), ("exit_clause", .bool(procured.terms.exitClause)),
                ])),
                ("funding", .array(procured.funding.map { .object([("source", .string($0.source.rawValue)), ("share_bps", .integer($0.shareBasisPoints))]) })),
                ("cost", .object([
                    ("total", .integer(Money.sum(lines.map(\.amount)))),
                    ("by_category", .object(byCategory.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
                    ("by_source", .object(bySource.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
                ])),
                ("deployments", .object(record.deployments.sorted { $0.key < $1.key }.map { ($0.key, .integer($0.value)) })),
                ("surveillance", surveillance),
            ])
        }
        let costLines: [JSONValue] = costs.map { line in
            // In key order, so that printing half a million lines sorts none of them.
            .object([
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
        return .object([
            ("filter", .object(filterMembers)),
            ("events", .integer(eventCount)),
            ("offices", strings(facts.offices.keys.sorted())),
            ("districts", .array(districts)),
            ("targets", .array(targets)),
            ("systems", .array(systems)),
            ("costs", .array(costLines)),
            ("algorithms", .array(algorithms)),
            ("corrections", .array(corrections)),
            ("findings", .array(findings.map(\.json))),
        ])
    }
}
