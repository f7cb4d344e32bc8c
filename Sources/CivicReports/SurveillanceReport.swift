import CivicDomain
import LedgerCore

/// Who is watched: per district, the surveillance-assessed systems that watch it (named in the
/// assessment, or deployed there), their data types, the high-risk ones and the longest retention,
/// beside the district's share of the benefits; and the surveillance register.
///
/// The benefits are the deployment-allocated investment in systems that are not cameras or
/// licence-plate readers (what a district gets, as against what watches it).
public struct SurveillanceReport: Sendable {
    public struct District: Sendable, Equatable {
        public let district: DistrictDefined
        public let systems: [String]
        public let highRisk: [String]
        public let dataTypes: [DataType]
        public let longestRetentionDays: Int64?
        /// Units of the watching systems deployed in the district.
        public let watchingUnits: Int64
        public let benefitShareBasisPoints: Int64?
    }

    public struct Entry: Sendable, Equatable {
        public let record: SystemRecord
        public let assessment: SurveillanceAssessed
        /// The districts the system watches: named in the assessment or with units deployed.
        public let districts: [String]
        public var isHighRisk: Bool { assessment.risk == .high || assessment.risk == .critical }
    }

    /// The categories that are surveillance by nature; spend on them is not counted as a benefit.
    public static let watchingCategories: Set<SystemCategory> = [.cameras, .licencePlateReaders]

    public let context: ReportContext
    /// Neediest first.
    public let districts: [District]
    /// Every assessed system, retired ones included, by id.
    public let register: [Entry]
    /// Cameras and licence-plate readers in service without an assessment.
    public let unassessed: [String]
    /// The district watched by the most active assessed systems (then the most high-risk, the most units, the id).
    public let mostWatched: String?

    public init(_ context: ReportContext) {
        self.init(context, allocation: DeploymentAllocation(context))
    }

    /// - Parameter allocation: the context's spend allocated by deployment (``Headlines`` makes it
    ///   once for this report and the equity report).
    init(_ context: ReportContext, allocation: DeploymentAllocation) {
        self.context = context
        register = context.systems.compactMap { record in
            guard let assessment = record.surveillance else { return nil }
            let deployed = record.deployments.filter { $0.value > 0 }.keys
            return Entry(record: record, assessment: assessment, districts: Set(assessment.districts).union(deployed).sorted())
        }
        unassessed = context.systems.filter {
            $0.surveillance == nil && $0.retiredOn == nil && Self.watchingCategories.contains($0.procured.category)
        }.map { $0.procured.system }
        let benefits = allocation.byDistrict(systems: context) { !Self.watchingCategories.contains($0.procured.category) }
        let benefitTotal = Money.sum(benefits.values)
        let active = register.filter { $0.record.retiredOn == nil }
        districts = context.districtsByNeed.map { district in
            let watching = active.filter { $0.districts.contains(district.district) }
            let dataTypes = Set(watching.flatMap(\.assessment.dataTypes))
            return District(
                district: district, systems: watching.map { $0.record.procured.system },
                highRisk: watching.filter(\.isHighRisk).map { $0.record.procured.system },
                dataTypes: DataType.allCases.filter { dataTypes.contains($0) },
                longestRetentionDays: watching.map(\.assessment.retentionDays).max(),
                watchingUnits: watching.reduce(0) { $0 + ($1.record.deployments[district.district] ?? 0) },
                benefitShareBasisPoints: Metrics.basisPoints(benefits[district.district] ?? 0, of: benefitTotal))
        }
        mostWatched = districts.filter { !$0.systems.isEmpty }.max {
            ($0.systems.count, $0.highRisk.count, $0.watchingUnits, $1.district.district)
                < ($1.systems.count, $1.highRisk.count, $1.watchingUnits, $0.district.district)
        }?.district.district
    }

    public var json: JSONValue {
        func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
        return .object(
            context.header("surveillance") + [
                ("most_watched", mostWatched.map { .string($0) } ?? .null),
                ("unassessed", strings(unassessed)),
                ("districts", .array(districts.map { row in
                    .object([
                        ("district", .string(row.district.district)), ("name", .string(row.district.name)),
                        ("population", .integer(row.district.population)), ("need_index", .integer(row.district.needIndex)),
                        ("priority", .bool(row.district.priority)), ("systems", strings(row.systems)),
                        ("system_count", .integer(Int64(row.systems.count))), ("high_risk", strings(row.highRisk)),
                        ("high_risk_count", .integer(Int64(row.highRisk.count))), ("data_types", strings(row.dataTypes.map(\.rawValue))),
                        ("longest_retention_days", row.longestRetentionDays.json), ("watching_units", .integer(row.watchingUnits)),
                        ("benefit_share_bps", row.benefitShareBasisPoints.json),
                    ])
                })),
                ("register", .array(register.map { entry in
                    let assessment = entry.assessment
                    return .object([
                        ("system", .string(entry.record.procured.system)), ("title", .string(entry.record.procured.title)),
                        ("office", .string(entry.record.office)), ("category", .string(entry.record.procured.category.rawValue)),
                        ("vendor", .string(entry.record.procured.vendor)),
                        ("status", .string(entry.record.retiredOn == nil ? "active" : "retired")),
                        ("assessed_on", entry.record.assessedOn.map { .string($0) } ?? .null),
                        ("data_types", strings(assessment.dataTypes.map(\.rawValue))), ("retention_days", .integer(assessment.retentionDays)),
                        ("sharing", strings(assessment.sharing.map(\.rawValue))), ("automated_decisions", .bool(assessment.automatedDecisions)),
                        ("districts", strings(entry.districts)), ("communities", strings(assessment.communities)),
                        ("risk", .string(assessment.risk.rawValue)), ("mitigations", strings(assessment.mitigations)),
                        ("use_policy", assessment.usePolicy.map { .string($0) } ?? .null),
                        ("notes", assessment.notes.map { .string($0) } ?? .null),
                    ])
                })),
            ])
    }

    /// One row a district, neediest first.
    public var table: ReportTable {
        ReportTable(
            title: "Who is watched: surveillance-assessed systems by district, neediest first",
            columns: ["district", "need_index", "systems", "high_risk", "data_types", "longest_retention_days", "watching_units", "benefit_share"],
            rows: districts.map { row in
                [
                    row.district.district, String(row.district.needIndex), String(row.systems.count), String(row.highRisk.count),
                    row.dataTypes.map(\.rawValue).joined(separator: " "), row.longestRetentionDays.text, String(row.watchingUnits),
                    row.benefitShareBasisPoints.percent,
                ]
            })
    }

    /// The surveillance register (the CSV of `civic report surveillance --register`).
    public var registerTable: ReportTable {
        ReportTable(
            title: "Surveillance register",
            columns: ["system", "office", "category", "vendor", "status", "risk", "data_types", "retention_days", "sharing", "automated_decisions", "districts"],
            rows: register.map { entry in
                [
                    entry.record.procured.system, entry.record.office, entry.record.procured.category.rawValue, entry.record.procured.vendor,
                    entry.record.retiredOn == nil ? "active" : "retired", entry.assessment.risk.rawValue,
                    entry.assessment.dataTypes.map(\.rawValue).joined(separator: " "), String(entry.assessment.retentionDays),
                    entry.assessment.sharing.map(\.rawValue).joined(separator: " "), entry.assessment.automatedDecisions ? "yes" : "no",
                    entry.districts.joined(separator: " "),
                ]
            })
    }

    public var tables: [ReportTable] {
        var summary = [["most watched district", mostWatched ?? "none"]]
        if !unassessed.isEmpty { summary.append(["cameras and plate readers without an assessment", unassessed.joined(separator: " ")]) }
        return [table, registerTable, ReportTable(title: "Summary", columns: ["measure", "value"], rows: summary)]
    }
}
