import CivicDomain
import LedgerCore

extension DemoGenerator {
    /// Every event of one system: procurement, amendments, deployments, assessments, costs and
    /// retirement, with the seed's jitter on amounts, units and invoice days.
    mutating func addSystem(_ system: DemoSystem) {
        addProcurement(system)
        for amendment in system.amendments {
            var body: [(String, JSONValue)] = [
                ("system", .string(system.id)), ("value_change", .integer(amendment.dollars * 100)), ("currency", .string("USD")),
            ]
            if let end = amendment.newEnd {
                body.append(("new_end", .string(DemoCalendar.date(ym(end.year, end.month), day: end.day).description)))
            }
            body.append(("reason", .string(amendment.reason)))
            add(clamped(amendment.when, system), office: system.office, rank: .amend, type: "contract.amended", body: body)
        }
        let timeline = addDeployments(system)
        for assessment in system.assessments { addAssessment(assessment, of: system, timeline: timeline) }
        addCosts(system)
        if let retired = system.retired {
            add(
                retired.when, office: system.office, rank: .retireSystem, type: "system.retired",
                body: [("system", .string(system.id)), ("reason", .string(retired.reason))])
        }
    }

    /// `when`, moved to the procurement's day when it falls earlier in the procurement's month.
    func clamped(_ when: DemoDay, _ system: DemoSystem) -> DemoDay {
        guard when.month == system.procured.month, when.day < system.procured.day else { return when }
        return system.procured
    }

    /// A procurement of `system` as `office` records it (the system's own office unless given).
    mutating func addProcurement(_ system: DemoSystem, by office: String? = nil, on day: DemoDay? = nil) {
        let start = DemoCalendar.date(system.procured.month, day: system.procured.day)
        let end = DemoCalendar.last(system.procured.month + system.termMonths - 1)
        var body: [(String, JSONValue)] = [
            ("system", .string(system.id)), ("title", .string(system.title)), ("category", .string(system.category.rawValue)),
            ("vendor", .string(system.vendor)), ("method", .string(system.method.rawValue)),
            (
                "contract",
                .object([
                    ("value", .integer(system.contractDollars * 100)), ("currency", .string("USD")), ("start", .string(start.description)),
                    ("end", .string(end)),
                ])
            ),
        ]
        if let ocid = system.ocid { body.append(("ocid", .string(ocid))) }
        body += [
            (
                "terms",
                .object([
                    ("data_portability", .bool(system.terms.dataPortability)), ("open_formats", .bool(system.terms.openFormats)),
                    ("source_available", .bool(system.terms.sourceAvailable)), ("exit_clause", .bool(system.terms.exitClause)),
                ])
            ),
            ("funding", .array(system.funding.map { .object([("source", .string($0.source.rawValue)), ("share_bps", .integer($0.bps))]) })),
        ]
        add(day ?? system.procured, office: office ?? system.office, rank: .procure, type: "system.procured", body: body)
    }

    /// Records the deployments and removals; returns the unit changes as recorded, in date order.
    private mutating func addDeployments(_ system: DemoSystem) -> [(when: DemoDay, district: String, delta: Int64)] {
        var random = DemoRandom(seed: seed, salt: system.id + "/deployments")
        var deployed: [String: Int64] = [:]
        var timeline: [(when: DemoDay, district: String, delta: Int64)] = []
        let steps = system.deployments.enumerated().sorted { ($0.element.when, $0.offset) < ($1.element.when, $1.offset) }.map(\.element)
        for step in steps {
            let when = clamped(step.when, system)
            let units: Int64
            if step.removal {
                let there = deployed[step.district] ?? 0
                units = min(step.units ?? there, there)
            } else {
                units = random.jitter(step.units ?? 1, bps: 1_000)
            }
            guard units > 0 else { continue }
            var body: [(String, JSONValue)] = [("system", .string(system.id)), ("district", .string(step.district)), ("units", .integer(units))]
            if let note = step.note { body.append(("note", .string(note))) }
            let type = step.removal ? "deployment.removed" : "deployment.recorded"
            add(when, office: system.office, rank: step.removal ? .remove : .deploy, type: type, body: body)
            let delta = step.removal ? -units : units
            deployed[step.district, default: 0] += delta
            timeline.append((when, step.district, delta))
        }
        return timeline
    }

    private mutating func addAssessment(
        _ assessment: DemoAssessment, of system: DemoSystem, timeline: [(when: DemoDay, district: String, delta: Int64)]
    ) {
        let when = clamped(assessment.when, system)
        let districts: [String]
        if let named = assessment.districts {
            districts = named
        } else {
            var units: [String: Int64] = [:]
            for change in timeline where change.when <= when { units[change.district, default: 0] += change.delta }
            districts = districtOrder.filter { (units[$0] ?? 0) > 0 }
        }
        var body: [(String, JSONValue)] = [
            ("system", .string(system.id)), ("data_types", .array(assessment.dataTypes.map { .string($0.rawValue) })),
            ("retention_days", .integer(assessment.retentionDays)), ("sharing", .array(assessment.sharing.map { .string($0.rawValue) })),
            ("automated_decisions", .bool(assessment.automatedDecisions)), ("districts", .array(districts.map { .string($0) })),
        ]
        if !assessment.communities.isEmpty { body.append(("communities", .array(assessment.communities.map { .string($0) }))) }
        body.append(("risk", .string(assessment.risk.rawValue)))
        if !assessment.mitigations.isEmpty { body.append(("mitigations", .array(assessment.mitigations.map { .string($0) }))) }
        if let policy = assessment.usePolicy { body.append(("use_policy", .string(policy))) }
        if let notes = assessment.notes { body.append(("notes", .string(notes))) }
        add(when, office: system.office, rank: .assess, type: "surveillance.assessed", body: body)
    }

    /// The cost streams: one-offs on their day, recurring invoices each period until the end of
    /// 2025 or the month before the system's retirement.
    private mutating func addCosts(_ system: DemoSystem) {
        let lastMonth = (system.retired?.when.month).map { $0 - 1 } ?? DemoCalendar.monthCount - 1
        for (index, cost) in system.costs.enumerated() {
            var random = DemoRandom(seed: seed, salt: "\(system.id)/cost/\(index)")
            guard cost.cadence != .once else {
                addCost(
                    cost, of: system, when: clamped(DemoDay(month: cost.from, day: cost.day), system),
                    cents: random.jitter(cost.dollars * 100, bps: 300))
                continue
            }
            let end = min(cost.to ?? lastMonth, lastMonth)
            var month = cost.from
            while month <= end {
                var cents = cost.dollars * 100
                for _ in 0..<((month - cost.from) / 12) { cents = cents * (10_000 + cost.growthBps) / 10_000 }
                let when = clamped(DemoDay(month: month, day: random.int(in: 2...27)), system)
                let period = (DemoCalendar.first(month), DemoCalendar.last(month + cost.cadence.months - 1))
                addCost(cost, of: system, when: when, cents: random.jitter(cents, bps: 500), period: period)
                month += cost.cadence.months
            }
        }
    }

    mutating func addCost(_ cost: DemoCost, of system: DemoSystem, when: DemoDay, cents: Int64, period: (String, String)? = nil) {
        var body: [(String, JSONValue)] = [
            ("system", .string(system.id)), ("amount", .integer(cents)), ("currency", .string("USD")),
            ("category", .string(cost.category.rawValue)), ("source", .string(cost.source(in: when.month).rawValue)),
            ("payee", .string(cost.payee ?? system.vendor)),
        ]
        if let period { body.append(("period", .object([("from", .string(period.0)), ("to", .string(period.1))]))) }
        if let note = cost.note { body.append(("note", .string(note))) }
        add(when, office: cost.office ?? system.office, rank: .cost, type: "cost.incurred", body: body)
    }
}
