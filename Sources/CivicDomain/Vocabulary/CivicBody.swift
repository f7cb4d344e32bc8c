import LedgerCore

/// A typed event body of the civic vocabulary.
public enum CivicBody: Sendable, Equatable {
    case officeRegistered(OfficeRegistered)
    case officeKeyRotated(OfficeKeyRotated)
    case officeKeyRevoked(OfficeKeyRevoked)
    case districtDefined(DistrictDefined)
    case targetDeclared(TargetDeclared)
    case systemProcured(SystemProcured)
    case contractAmended(ContractAmended)
    case costIncurred(CostIncurred)
    case deploymentRecorded(Deployment)
    case deploymentRemoved(Deployment)
    case surveillanceAssessed(SurveillanceAssessed)
    case algorithmRegistered(AlgorithmEntry)
    case algorithmUpdated(AlgorithmUpdated)
    case algorithmRetired(Retirement)
    case systemRetired(Retirement)
    case eventCorrected(EventCorrected)

    /// Every type of version 1, in DESIGN §5 order.
    public static let types = [
        "office.registered", "office.key-rotated", "office.key-revoked", "district.defined", "policy.target-declared", "system.procured",
        "contract.amended", "cost.incurred", "deployment.recorded", "deployment.removed", "surveillance.assessed",
        "algorithm.registered", "algorithm.updated", "algorithm.retired", "system.retired", "event.corrected",
    ]

    /// Reads and checks a body of `type` (structure only; see ``LedgerRules`` for the ledger checks).
    ///
    /// - Throws: ``ValidationError`` naming the type, the field and the reason.
    public static func decode(type: String, body: JSONValue) throws(ValidationError) -> CivicBody {
        let reader = BodyReader(type: type, body: body)
        switch type {
        case "office.registered": return .officeRegistered(try OfficeRegistered(reader))
        case "office.key-rotated": return .officeKeyRotated(try OfficeKeyRotated(reader))
        case "office.key-revoked": return .officeKeyRevoked(try OfficeKeyRevoked(reader))
        case "district.defined": return .districtDefined(try DistrictDefined(reader))
        case "policy.target-declared": return .targetDeclared(try TargetDeclared(reader))
        case "system.procured": return .systemProcured(try SystemProcured(reader))
        case "contract.amended": return .contractAmended(try ContractAmended(reader))
        case "cost.incurred": return .costIncurred(try CostIncurred(reader))
        case "deployment.recorded": return .deploymentRecorded(try Deployment(reader))
        case "deployment.removed": return .deploymentRemoved(try Deployment(reader))
        case "surveillance.assessed": return .surveillanceAssessed(try SurveillanceAssessed(reader))
        case "algorithm.registered": return .algorithmRegistered(try AlgorithmEntry(reader))
        case "algorithm.updated": return .algorithmUpdated(try AlgorithmUpdated(reader))
        case "algorithm.retired": return .algorithmRetired(try Retirement(reader, subjectField: "algorithm"))
        case "system.retired": return .systemRetired(try Retirement(reader, subjectField: "system"))
        case "event.corrected": return .eventCorrected(try EventCorrected(reader))
        default:
            throw ValidationError(type: type, field: nil, reason: "unknown event type (known: \(types.sorted().joined(separator: ", ")))")
        }
    }

    /// The event type this body belongs to.
    public var typeName: String {
        switch self {
        case .officeRegistered: return "office.registered"
        case .officeKeyRotated: return "office.key-rotated"
        case .officeKeyRevoked: return "office.key-revoked"
        case .districtDefined: return "district.defined"
        case .targetDeclared: return "policy.target-declared"
        case .systemProcured: return "system.procured"
        case .contractAmended: return "contract.amended"
        case .costIncurred: return "cost.incurred"
        case .deploymentRecorded: return "deployment.recorded"
        case .deploymentRemoved: return "deployment.removed"
        case .surveillanceAssessed: return "surveillance.assessed"
        case .algorithmRegistered: return "algorithm.registered"
        case .algorithmUpdated: return "algorithm.updated"
        case .algorithmRetired: return "algorithm.retired"
        case .systemRetired: return "system.retired"
        case .eventCorrected: return "event.corrected"
        }
    }

    /// The system this event is about, if any.
    public var system: String? {
        switch self {
        case .systemProcured(let body): return body.system
        case .contractAmended(let body): return body.system
        case .costIncurred(let body): return body.system
        case .deploymentRecorded(let body), .deploymentRemoved(let body): return body.system
        case .surveillanceAssessed(let body): return body.system
        case .algorithmRegistered(let body): return body.system
        case .systemRetired(let body): return body.subject
        default: return nil
        }
    }
}
