/// A closed list of codes, written in the schemas as an enum.
public protocol CodeList: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {
    /// The list's name in error messages.
    static var listName: String { get }
}

extension CodeList {
    static var allCodes: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Who pays.
public enum FundingSource: String, CodeList, Codable {
    case generalFund = "general-fund", bond, utilitySurcharge = "utility-surcharge", grant, vendorSubsidy = "vendor-subsidy", fees
    public static let listName = "funding source"

    /// Money every resident pays (taxes, borrowing repaid from taxes, surcharges on bills).
    public var isBorneByResidents: Bool { self == .generalFund || self == .bond || self == .utilitySurcharge }
}

public enum CostCategory: String, CodeList, Codable {
    case capital, licence, maintenance, professionalServices = "professional-services", hardwareRefresh = "hardware-refresh"
    case staff, energy, data
    public static let listName = "cost category"
}

public enum SystemCategory: String, CodeList, Codable {
    case sensors, cameras, licencePlateReaders = "licence-plate-readers", streetlights, traffic, broadband, platform, app, analytics
    public static let listName = "system category"
}

public enum ProcurementMethod: String, CodeList, Codable {
    case pilot, vendorSubsidisedPilot = "vendor-subsidised-pilot", openTender = "open-tender", soleSource = "sole-source", framework
    public static let listName = "procurement method"
}

public enum DataType: String, CodeList, Codable {
    case video, licencePlates = "licence-plates", audio, biometrics, location, deviceIDs = "device-ids"
    case personalRecords = "personal-records", environmental, trafficCounts = "traffic-counts", usageData = "usage-data"
    public static let listName = "data type"
}

public enum Sharing: String, CodeList, Codable {
    case police, otherAgencies = "other-agencies", vendor, thirdParties = "third-parties", `public`
    public static let listName = "sharing"
}

public enum RiskLevel: String, CodeList, Codable {
    case low, medium, high, critical
    public static let listName = "risk level"
}

public enum AlgorithmStatus: String, CodeList, Codable {
    case inDevelopment = "in-development", pilot, inUse = "in-use", suspended
    public static let listName = "algorithm status"
}

public enum AlgorithmRiskCategory: String, CodeList, Codable {
    case minimal, limited, high, unacceptable
    public static let listName = "algorithm risk category"
}

public enum TargetMetric: String, CodeList, Codable {
    case priorityDistrictShare = "priority-district-share"
    public static let listName = "target metric"
}

public enum Comparison: String, CodeList, Codable {
    case atLeast = "at-least", atMost = "at-most"
    public static let listName = "comparison"
}

/// An ISO 4217 currency from the vocabulary's closed list, with its minor-unit exponent.
public struct Currency: Sendable, Hashable, Codable, CustomStringConvertible {
    public let code: String

    public static let exponents: [String: Int] = {
        var table: [String: Int] = [:]
        for code in ["AUD", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "MXN", "NOK",
            "NZD", "PLN", "SEK", "SGD", "TWD", "USD", "ZAR"]
        {
            table[code] = 2
        }
        for code in ["CLP", "ISK", "JPY", "KRW"] { table[code] = 0 }
        return table
    }()

    public init?(_ code: String) {
        guard Self.exponents[code] != nil else { return nil }
        self.code = code
    }

    public var exponent: Int { Self.exponents[code] ?? 2 }
    public var description: String { code }

    /// Parses a decimal amount such as `120000.00` into minor units; nil when malformed or too precise.
    public func minorUnits(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit), fraction.count <= exponent, parts.count == 1 || !fraction.isEmpty else { return nil }
        let padded = fraction + String(repeating: "0", count: exponent - fraction.count)
        guard let value = Int64(whole + padded), value <= 9_007_199_254_740_991 else { return nil }
        return value
    }

    /// Formats minor units as a decimal amount, e.g. `120000.00`.
    public func format(_ minor: Int64) -> String {
        var text: [UInt8] = []
        format(minor, into: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// Appends ``format(_:)``'s text to `out` as ASCII, without making a `String` (a table of
    /// thousands of amounts).
    public func format(_ minor: Int64, into out: inout [UInt8]) {
        if minor < 0 { out.append(UInt8(ascii: "-")) }
        let start = out.count
        let exponent = self.exponent
        // The digits from the last: the fraction's `exponent` digits (zeros where the amount has
        // none), the point, then the whole part (at least one digit); turned around at the end.
        var (rest, written) = (minor.magnitude, 0)
        repeat {
            if written == exponent, exponent > 0 { out.append(UInt8(ascii: ".")) }
            out.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
            written += 1
        } while rest > 0 || written <= exponent
        out[start...].reverse()
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
