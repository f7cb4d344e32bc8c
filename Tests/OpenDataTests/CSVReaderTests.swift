import OpenData
import Testing

@Suite("CSV reader")
struct CSVReaderTests {
    /// Quotes, doubled quotes, delimiters and line breaks inside quotes, CRLF and LF, a BOM, blank
    /// lines and a last line without its line end; each record names the line it starts on.
    @Test func readsWhatFinanceSystemsWrite() throws {
        let text = "\u{FEFF}a,b,c\r\n\"1,5\",\"say \"\"hi\"\"\",\"two\r\nlines\"\n\n x ,,\nlast,\"\",end"
        let records = try CSVReader().records(Array(text.utf8))
        #expect(records.map(\.line) == [1, 2, 5, 6])
        #expect(records[0].fields == ["a", "b", "c"])
        #expect(records[1].fields == ["1,5", "say \"hi\"", "two\r\nlines"])
        #expect(records[2].fields == [" x ", "", ""])
        #expect(records[3].fields == ["last", "", "end"])
        #expect(try CSVReader(delimiter: "\t").records(Array("a\tb\n".utf8)).map(\.fields) == [["a", "b"]])
    }

    @Test(arguments: [
        ("a,\"open\n", "line 1: a quoted field is never closed"),
        ("a,b\n\"x\"y,z\n", "line 2: text follows a closing quote"),
    ])
    func aMalformedFileIsOneLine(text: String, message: String) {
        let error = #expect(throws: CSVReader.Failure.self) { try CSVReader().records(Array(text.utf8)) }
        #expect(error?.description == message)
    }

    @Test func bytesThatAreNotUTF8AreNamed() {
        let error = #expect(throws: CSVReader.Failure.self) { try CSVReader().records([0x61, 0x0A, 0xFF, 0xFE, 0x0A]) }
        #expect(error?.description == "line 2: is not UTF-8 text")
    }
}
