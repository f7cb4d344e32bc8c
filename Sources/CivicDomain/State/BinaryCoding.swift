import Foundation

/// A compact binary form of `Codable` values, for caches this node writes and reads itself (the
/// fold's snapshots, ``FoldSnapshot``), never for what crosses the network.
///
/// Fields are written in the order their type encodes them, without their keys: an integer or a
/// float is 8 bytes (little-endian), a string is its number (4 bytes) in the table of texts, an
/// array is its count (4 bytes) and then its bytes or elements (every integer is 8 bytes, a
/// `Float` 4), an optional field is a presence byte and then its value. A dictionary with string
/// keys is its count and its key–value pairs. A type must decode its fields in the order it
/// encodes them, as the synthesized conformances do. Optionals inside arrays are not supported
/// (encoding one throws).
///
/// The whole form is the value's fields, then the table of texts (each distinct string once: its
/// count and its UTF-8 bytes, after their number), then where the table starts (8 bytes). A
/// fold's snapshot names each system, office, date and event type many times; reading a string
/// is then taking it from the table, not making it again from its bytes (a snapshot of 20,000
/// systems made some 400,000 strings). The value's own fields come first, so a type that begins
/// with its format number (``FoldSnapshot``) is read from its first byte as before.
///
/// ```swift
/// let bytes = try BinaryCoding.encode(districts)
/// let again = try bytes.withUnsafeBytes { try BinaryCoding.decode([DistrictDefined].self, from: $0) }
/// ```
public enum BinaryCoding {
    /// Bytes that are not what the type encodes (a damaged cache), or a value the form cannot hold.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let writer = Writer()
        try writer.write(value)
        return writer.finished()
    }

    /// - Throws: ``Failure`` when `bytes` are not one whole value of `type`.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        let reader = try Reader(bytes)
        let value = try reader.read(type)
        guard reader.offset == reader.end else { throw Failure(description: "\(reader.end - reader.offset) bytes after the value") }
        return value
    }
}

/// A type that writes its binary form by hand: the fold's snapshot holds tens of thousands of
/// systems, districts and event references, and `Codable`'s generic containers cost the runtime
/// several metadata and conformance lookups per field — more than the fields themselves.
protocol BinaryFields: Codable {
    init(binary reader: BinaryCoding.Reader) throws
    func write(binary writer: BinaryCoding.Writer) throws
}

extension BinaryFields {
    /// A dictionary of these read by this type's own code: the type is looked up once a
    /// dictionary, not once a value (a snapshot holds dictionaries of tens of thousands).
    fileprivate static func pairs(_ reader: BinaryCoding.Reader) throws -> Any { try reader.pairs { try Self(binary: $0) } }
}

/// A dictionary the binary form writes as its pairs (Swift's own conformance would write its keys
/// as coding keys, which this form leaves out).
private protocol BinaryPairs {
    func writePairs(_ writer: BinaryCoding.Writer) throws
    static func readPairs(_ reader: BinaryCoding.Reader) throws -> Self
}

extension Dictionary: BinaryPairs where Key == String, Value: Codable {
    fileprivate func writePairs(_ writer: BinaryCoding.Writer) throws {
        writer.count(count)
        for (key, value) in self {
            writer.string(key)
            try writer.write(value)
        }
    }

    fileprivate static func readPairs(_ reader: BinaryCoding.Reader) throws -> Self {
        if let fields = Value.self as? any BinaryFields.Type { return try reader.typed(fields.pairs(reader)) }
        return try reader.pairs { try $0.read(Value.self) }
    }
}

extension BinaryCoding {
    final class Writer: Encoder {
        /// The value's fields (``finished()`` adds the table of texts). Only this writer's own
        /// calls touch it, one at a time: unchecked, it is not checked for overlapping access on
        /// every byte appended (a tenth of a snapshot's encoding).
        @exclusivity(unchecked) var bytes: [UInt8] = []
        /// Each distinct string numbered in the order first written (the table of texts): looked
        /// up by its bytes, not by Swift's hashing of strings (a third of a snapshot's encoding).
        @exclusivity(unchecked) private var texts = Interner()
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        /// The whole form: the fields, then the table of texts and where it starts, appended to
        /// them (once: the writer is done with).
        func finished() -> [UInt8] {
            let start = UInt64(bytes.count)
            count(texts.values.count)
            for var text in texts.values {
                text.withUTF8 { utf8 in
                    count(utf8.count)
                    bytes.append(contentsOf: utf8)
                }
            }
            fixed(start)
            return bytes
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { KeyedEncodingContainer(Keyed(writer: self)) }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { Unkeyed(writer: self) }
        func singleValueContainer() -> any SingleValueEncodingContainer { Single(writer: self) }

        func fixed<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func count(_ count: Int) { fixed(UInt32(truncatingIfNeeded: count)) }

        /// A string by its number in the table of texts (given it when first written); returns
        /// that number.
        @discardableResult
        func string(_ value: String) -> Int {
            let number = texts.index(value)
            fixed(UInt32(truncatingIfNeeded: number))
            return number
        }

        // The forms of a flag, an optional string, bytes and a dictionary of numbers. ``write(_:)``
        // and ``present(_:)`` write these types through them; the fields a snapshot's tens of
        // thousands of systems hold call them directly, where ``write(_:)`` would test the value
        // against each type it knows, protocols among them, at run time.

        /// A flag (a `Bool`): one byte, 0 or 1.
        func flag(_ value: Bool) { bytes.append(value ? 1 : 0) }

        /// An optional string, as ``present(_:)`` writes one: a flag, then the string if present.
        func optionalString(_ value: String?) {
            guard let value else { return bytes.append(0) }
            bytes.append(1)
            string(value)
        }

        /// Bytes (a `[UInt8]`): their count, then themselves.
        func blob(_ data: [UInt8]) {
            count(data.count)
            bytes.append(contentsOf: data)
        }

        /// A dictionary of numbers (a `[String: Int64]`): its count, then its pairs.
        func pairs(_ dictionary: [String: Int64]) {
            count(dictionary.count)
            for (key, value) in dictionary {
                string(key)
                fixed(value)
            }
        }

        func write<T: Encodable>(_ value: T) throws {
            switch value {
            case let text as String: string(text)
            case let number as Int64: fixed(number)
            case let value as Bool: flag(value)
            // Every primitive is written here: its own conformance would call this container again.
            case let number as any FixedWidthInteger: fixed(Int64(truncatingIfNeeded: number))
            case let number as Double: fixed(number.bitPattern)
            case let number as Float: fixed(number.bitPattern)
            case let data as [UInt8]: blob(data)
            case let numbers as [String: Int64]: pairs(numbers)
            case let fields as any BinaryFields: try fields.write(binary: self)
            case let pairs as any BinaryPairs: try pairs.writePairs(self)
            default: try value.encode(to: self)
            }
        }

        func present<T: Encodable>(_ value: T?) throws {
            guard let value else { return bytes.append(0) }
            bytes.append(1)
            try write(value)
        }
    }

    fileprivate struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let writer: Writer
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { writer.bytes.append(0) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try writer.write(value) }
        mutating func nestedContainer<Nested: CodingKey>(keyedBy type: Nested.Type, forKey key: Key) -> KeyedEncodingContainer<Nested> {
            writer.container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { writer.unkeyedContainer() }
        mutating func superEncoder() -> any Encoder { writer }
        mutating func superEncoder(forKey key: Key) -> any Encoder { writer }

        // Absent optionals write their presence byte (the protocol's defaults write nothing).
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try writer.present(value) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try writer.present(value) }
    }

    /// Elements after their count, which is written as a placeholder and counted up.
    fileprivate struct Unkeyed: UnkeyedEncodingContainer {
        let writer: Writer
        private let slot: Int
        private(set) var count = 0
        var codingPath: [any CodingKey] { [] }

        init(writer: Writer) {
            self.writer = writer
            slot = writer.bytes.count
            writer.count(0)
        }

        private mutating func counted() {
            count += 1
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian) { counted in
                writer.bytes.replaceSubrange(slot..<(slot + 4), with: counted)
            }
        }

        mutating func encodeNil() throws { throw Failure(description: "an optional inside an array") }
        mutating func encode<T: Encodable>(_ value: T) throws {
            counted()
            try writer.write(value)
        }
        mutating func nestedContainer<Nested: CodingKey>(keyedBy type: Nested.Type) -> KeyedEncodingContainer<Nested> {
            counted()
            return writer.container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            counted()
            return writer.unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder {
            counted()
            return writer
        }
    }

    fileprivate struct Single: SingleValueEncodingContainer {
        let writer: Writer
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { throw Failure(description: "an optional inside an array") }
        mutating func encode<T: Encodable>(_ value: T) throws { try writer.write(value) }
    }
}

extension BinaryCoding {
    final class Reader: Decoder {
        /// The value's fields (the bytes before the table of texts).
        let base: UnsafeRawBufferPointer
        var offset = 0
        /// Where the fields end.
        var end: Int { base.count }
        /// The table of texts, each made once: held by a pointer, so that reading a string copies
        /// only the string (an array held by a class is retained and released at each access).
        private let texts: UnsafeMutableBufferPointer<String>
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        /// Reads the table of texts of the whole form (``Writer/finished()``) and stands at the
        /// value's first field.
        ///
        /// - Throws: ``Failure`` when the bytes hold no table where they say it starts.
        init(_ whole: UnsafeRawBufferPointer) throws {
            guard whole.count >= 8 else { throw Failure(description: "\(whole.count) bytes: too few for a table of texts") }
            let start = UInt64(littleEndian: whole.loadUnaligned(fromByteOffset: whole.count - 8, as: UInt64.self))
            guard start <= UInt64(whole.count - 8) else { throw Failure(description: "a table of texts said to start past the bytes") }
            base = UnsafeRawBufferPointer(rebasing: whole[..<Int(start)])
            let table = Reader(fields: UnsafeRawBufferPointer(rebasing: whole[Int(start)..<(whole.count - 8)]))
            var texts: [String] = []
            for _ in 0..<(try table.count()) { texts.append(String(decoding: try table.take(try table.count()), as: UTF8.self)) }
            guard table.offset == table.base.count else { throw Failure(description: "\(table.base.count - table.offset) bytes after the table of texts") }
            self.texts = .allocate(capacity: texts.count)
            _ = self.texts.initialize(from: texts)
        }

        private init(fields: UnsafeRawBufferPointer) {
            (base, texts) = (fields, .allocate(capacity: 0))
        }

        deinit {
            texts.deinitialize()
            texts.deallocate()
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(KeyedReader(reader: self))
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer { try UnkeyedReader(reader: self) }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(reader: self) }

        func take(_ size: Int) throws -> UnsafeRawBufferPointer {
            guard size <= base.count - offset else { throw Failure(description: "the bytes end inside a value") }
            defer { offset += size }
            return UnsafeRawBufferPointer(rebasing: base[offset..<(offset + size)])
        }

        func fixed<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
            T(littleEndian: try take(MemoryLayout<T>.size).loadUnaligned(as: T.self))
        }

        /// A count, never more than the bytes left could hold (a damaged count reserves no memory).
        func count() throws -> Int {
            let count = Int(try fixed(UInt32.self))
            guard count <= base.count - offset else { throw Failure(description: "a count of \(count) with \(base.count - offset) bytes left") }
            return count
        }

        /// A string, by its number in the table of texts.
        func string() throws -> String {
            let number = Int(try fixed(UInt32.self))
            guard number < texts.count else { throw Failure(description: "text \(number) of a table of \(texts.count)") }
            return texts[number]
        }

        func flag() throws -> Bool {
            switch try fixed(UInt8.self) {
            case 0: return false
            case 1: return true
            case let other: throw Failure(description: "\(other) where a flag is 0 or 1")
            }
        }

        func read<T: Decodable>(_ type: T.Type) throws -> T {
            // Every primitive is read here: its own conformance would call this container again.
            // The exact types first: a protocol cast costs the runtime a lookup.
            if T.self == String.self { return try typed(string()) }
            if T.self == Int64.self { return try typed(fixed(Int64.self)) }
            if T.self == Bool.self { return try typed(flag()) }
            if T.self == [UInt8].self { return try typed(bytes()) }
            if let fields = T.self as? any BinaryFields.Type { return try typed(fields.init(binary: self)) }
            if let pairs = T.self as? any BinaryPairs.Type { return try typed(pairs.readPairs(self)) }
            if let integer = T.self as? any FixedWidthInteger.Type { return try typed(integer.init(truncatingIfNeeded: fixed(Int64.self))) }
            if T.self == Double.self { return try typed(Double(bitPattern: fixed(UInt64.self))) }
            if T.self == Float.self { return try typed(Float(bitPattern: fixed(UInt32.self))) }
            return try T(from: self)
        }

        /// A dictionary written as its pairs (``BinaryPairs``), each value read by `value`.
        func pairs<Value>(_ value: (Reader) throws -> Value) throws -> [String: Value] {
            try pairs { reader, _ in try value(reader) }
        }

        /// A dictionary written as its pairs, each value read by `value` given its key.
        func pairs<Value>(_ value: (Reader, String) throws -> Value) throws -> [String: Value] {
            let count = try count()
            // A pair takes four bytes at least (its key's count): a damaged count reserves no more
            // slots than the bytes left could fill. (An empty dictionary allocates nothing, and the
            // initializer is specialized where `reserveCapacity` looked the type up at run time.)
            var pairs = count == 0 ? [:] : [String: Value](minimumCapacity: min(count, (base.count - offset) / 4))
            for _ in 0..<count {
                let key = try string()
                guard pairs.updateValue(try value(self, key), forKey: key) == nil else {
                    throw Failure(description: "the key \"\(key)\" twice in one dictionary")
                }
            }
            return pairs
        }

        /// An array written as its count and elements, each read by `element`. Nothing is reserved
        /// for the count: a damaged one ends in an error when the bytes run out, having made no
        /// more elements than the bytes held.
        func array<Element>(_ element: (Reader) throws -> Element) throws -> [Element] {
            var elements: [Element] = []
            for _ in 0..<(try count()) { elements.append(try element(self)) }
            return elements
        }

        /// Bytes written as their count and themselves (a `[UInt8]`).
        func bytes() throws -> [UInt8] { Array(try take(try count())) }

        /// An optional string (its presence byte, then the string).
        func optionalString() throws -> String? { try flag() ? try string() : nil }

        /// A value read as the type the caller checked it is.
        fileprivate func typed<Value, T>(_ value: Value) throws -> T {
            guard let typed = value as? T else { throw Failure(description: "a \(Value.self) where a \(T.self) was read") }
            return typed
        }

        /// A value of a code list (an enumeration of strings).
        func code<T: RawRepresentable<String>>(_ type: T.Type) throws -> T {
            let text = try string()
            guard let value = T(rawValue: text) else { throw Failure(description: "\"\(text)\" is not a \(T.self)") }
            return value
        }

        func present<T: Decodable>(_ type: T.Type) throws -> T? { try flag() ? try read(type) : nil }
    }

    fileprivate struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let reader: Reader
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { try !reader.flag() }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reader.read(type) }
        func nestedContainer<Nested: CodingKey>(keyedBy type: Nested.Type, forKey key: Key) throws -> KeyedDecodingContainer<Nested> {
            try reader.container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try reader.unkeyedContainer() }
        func superDecoder() throws -> any Decoder { reader }
        func superDecoder(forKey key: Key) throws -> any Decoder { reader }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try reader.present(type) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try reader.present(type) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try reader.present(type) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try reader.present(type) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try reader.present(type) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try reader.present(type) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try reader.present(type) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try reader.present(type) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try reader.present(type) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try reader.present(type) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try reader.present(type) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try reader.present(type) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try reader.present(type) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try reader.present(type) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try reader.present(type) }
    }

    fileprivate struct UnkeyedReader: UnkeyedDecodingContainer {
        let reader: Reader
        let total: Int
        private(set) var currentIndex = 0
        var codingPath: [any CodingKey] { [] }
        var count: Int? { total }
        var isAtEnd: Bool { currentIndex >= total }

        init(reader: Reader) throws {
            self.reader = reader
            total = try reader.count()
        }

        private mutating func next() throws {
            guard currentIndex < total else { throw Failure(description: "more elements read than the array holds") }
            currentIndex += 1
        }

        mutating func decodeNil() throws -> Bool { false }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try next()
            return try reader.read(type)
        }
        mutating func nestedContainer<Nested: CodingKey>(keyedBy type: Nested.Type) throws -> KeyedDecodingContainer<Nested> {
            try next()
            return try reader.container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try next()
            return try reader.unkeyedContainer()
        }
        mutating func superDecoder() throws -> any Decoder {
            try next()
            return reader
        }
    }

    fileprivate struct SingleReader: SingleValueDecodingContainer {
        let reader: Reader
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.read(type) }
    }
}
