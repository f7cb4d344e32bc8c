import Foundation

/// Event bodies of the civic vocabulary as JSON text, with the fields tests vary as parameters.
public enum Bodies {
    public static func district(_ id: String, population: Int = 1000, need: Int = 50, priority: Bool = false) -> String {
        #"{"district":"\#(id)","name":"\#(id.capitalized)","population":\#(population),"need_index":\#(need),"priority":\#(priority)}"#
    }

    public static func system(
        _ id: String, value: Int = 10_000_000, category: String = "cameras", vendor: String = "Acme", currency: String = "USD",
        funding: String = #"[{"source":"general-fund","share_bps":7000},{"source":"grant","share_bps":3000}]"#
    ) -> String {
        #"""
        {"system":"\#(id)","title":"System \#(id)","category":"\#(category)","vendor":"\#(vendor)","method":"open-tender",
         "contract":{"value":\#(value),"currency":"\#(currency)","start":"2024-01-01","end":"2028-12-31"},
         "terms":{"data_portability":true,"open_formats":true,"source_available":false,"exit_clause":true},
         "funding":\#(funding)}
        """#
    }

    public static func cost(
        _ system: String, _ amount: Int, source: String = "general-fund", category: String = "maintenance", currency: String = "USD"
    ) -> String {
        #"{"system":"\#(system)","amount":\#(amount),"currency":"\#(currency)","category":"\#(category)","source":"\#(source)"}"#
    }

    public static func deployment(_ system: String, _ district: String, units: Int) -> String {
        #"{"system":"\#(system)","district":"\#(district)","units":\#(units)}"#
    }

    public static func amendment(_ system: String, change: Int, currency: String = "USD") -> String {
        #"{"system":"\#(system)","value_change":\#(change),"currency":"\#(currency)","reason":"scope change"}"#
    }

    public static func retirement(_ subject: String, field: String = "system") -> String {
        #"{"\#(field)":"\#(subject)","reason":"replaced"}"#
    }

    public static func assessment(_ system: String, districts: [String] = [], risk: String = "high") -> String {
        let names = districts.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"system":"\#(system)","data_types":["video"],"retention_days":30,"sharing":[],"automated_decisions":false,"districts":[\#(names)],"risk":"\#(risk)"}"#
    }

    public static func algorithm(_ id: String, system: String? = nil) -> String {
        let systemMember = system.map { #""system":"\#($0)","# } ?? ""
        return #"""
            {"algorithm":"\#(id)",\#(systemMember)"name":"Algorithm \#(id)","purpose":"Triage","decision_process":"Ranks requests",
             "human_oversight":"A person reviews every ranking","data_sources":["requests"],"risks":"Bias","risk_category":"limited",
             "status":"in-use","contact":"it@example.org"}
            """#
    }

    public static func algorithmUpdate(_ id: String, status: String = "suspended") -> String {
        #"{"algorithm":"\#(id)","status":"\#(status)"}"#
    }

    public static func correction(of id: String, replacement: String, reason: String = "typo") -> String {
        #"{"event":"\#(id)","reason":"\#(reason)","replacement":\#(replacement)}"#
    }
}
