/// A reader of comma-separated values as RFC 4180 writes them, and as finance systems export them:
/// a delimiter of one character (`,`, `;`, tab …), fields quoted with `"` (a quote inside doubled),
/// delimiters and line breaks inside quoted fields, CRLF or LF line ends, a UTF-8 byte-order mark
/// at the start. Each record carries the line it starts on, for error messages.
public struct CSVReader: Sendable {
    public struct Record: Sendable, Equatable {
        /// The 1-based line the record starts on.
        public let line: Int
        public let fields: [String]
    }

    public struct Failure: Error, Sendable, CustomStringConvertible, Equatable {
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public let delimiter: UInt8

    public init(delimiter: Character = ",") {
        self.delimiter = delimiter.asciiValue ?? UInt8(ascii: ",")
    }

    /// Every record of `bytes`; blank lines are skipped.
    ///
    /// - Throws: ``Failure`` for a quote that is never closed, text after a closing quote, or bytes
    ///   that are not UTF-8.
    public func records(_ bytes: [UInt8]) throws(Failure) -> [Record] {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var records: [Record] = []
        let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        while index < bytes.count {
            let start = line
            var fields: [String] = []
            var field: [UInt8] = []
            var endOfRecord = false
            while !endOfRecord {
                field.removeAll(keepingCapacity: true)
                if index < bytes.count, bytes[index] == quote {
                    index += 1
                    while true {
                        guard index < bytes.count else { throw Failure(line: start, reason: "a quoted field is never closed") }
                        let byte = bytes[index]
                        if byte == quote {
                            if index + 1 < bytes.count, bytes[index + 1] == quote {
                                field.append(quote)
                                index += 2
                                continue
                            }
                            index += 1
                            break
                        }
                        if byte == lf { line += 1 }
                        field.append(byte)
                        index += 1
                    }
                    if index < bytes.count, bytes[index] != delimiter, bytes[index] != cr, bytes[index] != lf {
                        throw Failure(line: line, reason: "text follows a closing quote")
                    }
                } else {
                    while index < bytes.count, bytes[index] != delimiter, bytes[index] != cr, bytes[index] != lf {
                        field.append(bytes[index])
                        index += 1
                    }
                }
                guard let text = String(validating: field, as: UTF8.self) else { throw Failure(line: line, reason: "is not UTF-8 text") }
                fields.append(text)
                if index < bytes.count, bytes[index] == delimiter {
                    index += 1
                    continue
                }
                // A line end (CRLF or LF) or the end of the input ends the record.
                if index < bytes.count, bytes[index] == cr { index += 1 }
                if index < bytes.count, bytes[index] == lf { index += 1 }
                line += 1
                endOfRecord = true
            }
            if fields.count == 1, fields[0].isEmpty { continue }
            records.append(Record(line: start, fields: fields))
        }
        return records
    }
}
