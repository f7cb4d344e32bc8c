import Foundation
import GRDB
import LedgerCore
import LedgerStore

/// The ledger's facts (every event but costs) under a time filter, read for the fold: in citywide
/// order, each with its body as this node's vocabulary reads it — or why it cannot (a later
/// envelope version, an unknown type) — and the corrections resolved into the replacements that
/// apply (VOCABULARY.md, "Conflicts").
struct LedgerFacts {
    /// One fact, with the body the fold uses: its own, or the replacement of the correction that applies.
    struct Item {
        let ref: EventRef
        let effective: String
        /// Nil for an event the vocabulary cannot read (it is a finding, and inert).
        var body: CivicBody?
    }

    /// A correction that applies to a cost (the cost aggregation replaces the original).
    struct CostReplacement {
        let target: EventRef
        let correction: EventRef
        let targetRowid: Int64
        let targetEffective: String
        let replacement: CostIncurred
    }

    private(set) var items: [Item] = []
    /// How many `civic_facts` rows the filter holds (those of the snapshot the load starts from
    /// included): the facts a state counts. Not counted by a load by keys.
    private(set) var rows: Int64 = 0
    /// The seqs only a revoked key vouched for, left out of the fold (and of the costs).
    private(set) var revoked = RevokedRanges()
    private(set) var costReplacements: [CostReplacement] = []
    private(set) var applied: [AppliedCorrection] = []
    /// Facts left out of the fold: unreadable, or vouched for only by a revoked key (with a
    /// snapshot, those before it too).
    private(set) var itemFindings: [Finding] = []
    /// Corrections that do not apply, or apply over others.
    private(set) var correctionFindings: [Finding] = []
    var findings: [Finding] { itemFindings + correctionFindings }

    /// A held event a correction may name.
    fileprivate struct Target {
        let ref: EventRef
        let rowid: Int64
        let effective: String
        /// The fact's index in `items`; nil for a cost.
        let item: Int?
        /// Why the vocabulary cannot read it, if it cannot.
        let unreadable: FindingKind?
        /// A fact the snapshot the fold starts from has folded (``FoldSnapshot``).
        var beforeSnapshot = false
    }

    fileprivate struct Correction {
        let ref: EventRef
        let body: EventCorrected
    }

    /// The columns of a fact's row the load reads, from `events` aliased `e`.
    private static let columns = "e.office, e.seq, e.id, e.hlc_wall, e.hlc_logical, e.type, e.effective, e.canonical"

    /// Reads the facts under `filter` and resolves their corrections.
    ///
    /// - Parameters:
    ///   - registrar: the city's registrar office, which may correct any event.
    ///   - snapshot: the fold of the facts recorded up to an instant, when the fold starts from it:
    ///     only the facts recorded after it are read (with every correction and key event, which
    ///     may reach back before it).
    /// - Throws: ``FoldSnapshot/Unusable`` when a correction or a key event recorded after the
    ///   snapshot changes a fact it has folded.
    static func load(_ db: Database, filter: TimeFilter, registrar: String?, city: String? = nil, from snapshot: FoldSnapshot? = nil) throws
        -> LedgerFacts
    {
        var reader = Reader()
        var (condition, arguments) = filter.sql(prefix: "f.")
        var keyItems: [Item] = []
        if let snapshot {
            condition += " AND f.hlc_wall > ? AND f.event_rowid IN (\(afterSnapshot))"
            arguments += [snapshot.through, snapshot.through, filter.asOf ?? Int64.max, try FoldSnapshots.mark(db)]
            reader.facts.itemFindings = snapshot.itemFindings
            reader.facts.rows = snapshot.factRows
            reader.corrections = try Self.read(db, Self.correctionsBefore, snapshot: snapshot, filter: filter).compactMap { fact in
                guard case .success(.eventCorrected(let correction)) = fact.read else { return nil }
                return Correction(ref: fact.ref, body: correction)
            }
            let keyEvents = Self.keyEventsBefore(try CivicProjector.ruleIndexMark(db))
            keyItems = try Self.read(db, keyEvents, snapshot: snapshot, filter: filter).compactMap { fact in
                guard case .success(let body) = fact.read else { return nil }
                return Item(ref: fact.ref, effective: fact.effective, body: body)
            }
        }
        // Read in storage order and sorted here: SQLite would sort the rows with their bodies,
        // spilling a large ledger's facts to temporary files and reading them back.
        let rows = try Row.fetchCursor(db, sql: factsUnder(condition), arguments: arguments)
        // The rows are read here and their bodies parsed on the machine's other cores while the
        // reading goes on, a chunk at a time (a ledger's facts are mostly parsing). Each chunk's
        // canonical bytes are copied out of SQLite's rows into one buffer of its own.
        let parsing = ParallelChunks<[Reader.Fact]>()
        var heads: [Reader.Head] = []
        var arena: [UInt8] = []
        func dispatch() {
            let (chunk, bytes) = (heads, arena)
            parsing.run { try Reader.parse(chunk, bytes) }
            (heads, arena) = ([], [])
        }
        while let row = try rows.next() {
            if heads.isEmpty {
                heads.reserveCapacity(Reader.chunk)
                arena.reserveCapacity(Reader.chunk * 512)
            }
            let start = arena.count
            let held = try row.withUnsafeData(atIndex: 7) { canonical in
                guard let canonical else { return false }
                arena.append(contentsOf: canonical)
                return true
            }
            heads.append(Reader.Head(row, first: 0, canonical: held ? start..<arena.count : nil))
            reader.facts.rows += 1
            if heads.count == Reader.chunk { dispatch() }
        }
        if !heads.isEmpty { dispatch() }
        reader.add(inCitywideOrder: try parsing.values())
        return try reader.resolve(db, filter: filter, registrar: registrar, city: city, snapshot: snapshot, keyItems: keyItems)
    }

    /// The facts under `condition` (on `civic_facts` aliased `f`).
    static func factsUnder(_ condition: String) -> String {
        "SELECT \(columns) FROM civic_facts f CROSS JOIN events e ON e.rowid = f.event_rowid WHERE \(condition)"
    }

    /// The rows of the facts recorded after a snapshot's instant and up to the filter's: by their
    /// times up to the snapshots' mark (``FoldSnapshots/times``), by row after it. Arguments:
    /// the snapshot's instant, the filter's, the mark.
    static let afterSnapshot = """
        SELECT event_rowid FROM civic_fact_times WHERE hlc_wall > ? AND hlc_wall <= ?
        UNION ALL SELECT event_rowid FROM civic_facts WHERE event_rowid > ?
        """

    /// The corrections recorded up to a snapshot (its fold applied those of its own facts; the
    /// others are resolved again with those after it).
    private static let correctionsBefore = """
        SELECT \(columns) FROM civic_corrections c CROSS JOIN events e ON e.rowid = c.event_rowid WHERE e.hlc_wall <= ?
        """

    /// The registrations, rotations and revocations recorded up to a snapshot: the ranges revoked
    /// keys leave out are computed from all of them again (by their rule keys, ``RuleKey``, indexed
    /// up to `mark` and read from the facts after it).
    static func keyEventsBefore(_ mark: Int64) -> String {
        let keys = RuleKey.keyEvents
        return """
            SELECT \(columns) FROM events e WHERE e.rowid IN (
                SELECT event_rowid FROM civic_rule_index WHERE \(keys) AND event_rowid <= \(mark)
                UNION ALL SELECT event_rowid FROM civic_facts WHERE event_rowid > \(mark) AND \(keys))
            AND e.hlc_wall <= ?
            """
    }

    /// Rows of `sql` (the columns ``columns``, from `events` as `e`, up to the snapshot's instant
    /// and under `filter`), read, in citywide order.
    private static func read(_ db: Database, _ sql: String, snapshot: FoldSnapshot, filter: TimeFilter) throws -> [Reader.Fact] {
        let (condition, arguments) = filter.sql(prefix: "e.")
        return try Row.fetchAll(db, sql: sql + " AND " + condition, arguments: [snapshot.through] + arguments)
            .map { try Reader.Fact($0, first: 0) }.sorted { $0.ref.key < $1.ref.key }
    }

    /// Reads only the facts of the given rule keys (``RuleKey``) held up to `rowid`, with the
    /// corrections that may change them: what the fold of those keys needs, in citywide order.
    /// Folding them gives the same rule facts for those keys as folding every fact held (the keys'
    /// folds are independent), in a time that grows with the keys' own histories, not with the ledger.
    ///
    /// - Parameter revoked: the ranges the registrar's revocations leave out, when already known
    ///   (from an earlier load of the same transaction); nil reads them too.
    static func load(
        _ db: Database, keys: Set<String>, through rowid: Int64, revoked: RevokedRanges? = nil, registrar: String?, city: String? = nil
    ) throws -> LedgerFacts {
        var keys = keys
        // Keys are indexed up to the mark; the facts after it (a range received since, not yet
        // indexed) are read by rowid.
        let mark = min(try CivicProjector.ruleIndexMark(db), rowid)
        if revoked == nil {
            // Revocations leave events out of every key's fold: each one, and its office's keys.
            let revocations = try String.fetchSet(
                db.cachedStatement(
                    sql: """
                        SELECT rule_key FROM civic_rule_index WHERE rule_key >= ? AND rule_key < ? AND event_rowid <= ?
                        UNION SELECT rule_key FROM civic_facts WHERE event_rowid > ? AND event_rowid <= ? AND rule_key >= ? AND rule_key < ?
                        """),
                arguments: [RuleKey.revocations.0, RuleKey.revocations.1, mark, mark, rowid, RuleKey.revocations.0, RuleKey.revocations.1])
            for key in revocations {
                keys.insert(RuleKey.office(String(key.dropFirst(2))))
                keys.insert(key)
            }
        }
        var rows: [Int64: Row] = [:]
        var corrections = Set<Int64>()
        // Many keys at once (a batch of new districts) in a few statements, not three per key.
        let all = Array(keys)
        for start in stride(from: 0, to: all.count, by: 400) {
            let some = all[start..<min(all.count, start + 400)]
            let list = Array(repeating: "?", count: some.count).joined(separator: ",")
            let named = StatementArguments(Array(some))
            // Cached: a transaction of single events asks with one key each time.
            let held = """
                SELECT event_rowid FROM civic_rule_index WHERE rule_key IN (\(list)) AND event_rowid <= ?
                UNION ALL SELECT event_rowid FROM civic_facts WHERE event_rowid > ? AND event_rowid <= ? AND rule_key IN (\(list))
                """
            let heldArguments = named + [mark, mark, rowid] + named
            for row in try Row.fetchAll(
                db.cachedStatement(sql: "SELECT e.rowid, \(columns) FROM events e WHERE e.rowid IN (\(held))"), arguments: heldArguments)
            {
                rows[row["rowid"]] = row
            }
            corrections.formUnion(
                try Int64.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT c.event_rowid FROM events e JOIN civic_corrections c ON c.target_key = e.id_key AND c.target_id = e.id
                            WHERE e.rowid IN (\(held)) AND c.event_rowid <= ?
                            UNION SELECT event_rowid FROM civic_correction_keys WHERE rule_key IN (\(list)) AND event_rowid <= ?
                            """), arguments: heldArguments + [rowid] + named + [rowid]))
        }
        let byRowid = try db.cachedStatement(sql: "SELECT e.rowid, \(columns) FROM events e WHERE e.rowid = ?")
        for correction in corrections where rows[correction] == nil {
            rows[correction] = try Row.fetchOne(byRowid, arguments: [correction])
            // A correction whose replacement names a key brings its target (a fact, not a
            // correction or a cost), and the target every correction of it.
            guard
                let target = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT e.rowid FROM civic_corrections c
                        CROSS JOIN events e ON e.rowid IN (\(EventIDs.rowids(withKey: "c.target_key", id: "c.target_id"))) AND e.id = c.target_id
                        WHERE c.event_rowid = ? AND e.rowid <= ? AND e.type NOT IN ('event.corrected', 'cost.incurred')
                        """, arguments: [correction, rowid]),
                rows[target] == nil
            else { continue }
            rows[target] = try Row.fetchOne(byRowid, arguments: [target])
            let others = try Int64.fetchAll(
                db,
                sql: """
                    SELECT c.event_rowid FROM events e JOIN civic_corrections c ON c.target_key = e.id_key AND c.target_id = e.id
                    WHERE e.rowid = ? AND c.event_rowid <= ?
                    """, arguments: [target, rowid])
            for other in others where rows[other] == nil { rows[other] = try Row.fetchOne(byRowid, arguments: [other]) }
        }
        var reader = Reader()
        reader.add(inCitywideOrder: [try rows.values.map { try Reader.Fact($0, first: 1) }])
        return try reader.resolve(db, filter: .none, revoked: revoked, registrar: registrar, city: city)
    }

    /// Reads fact rows in citywide order, then resolves revocations and corrections.
    private struct Reader {
        var facts = LedgerFacts()
        var corrections: [Correction] = []
        /// The facts corrections name, by id (made in ``resolve(_:filter:revoked:registrar:city:)``,
        /// and only when there are corrections: most facts are never named).
        var byID: [Hash: Int] = [:]
        var unreadable: [Hash: FindingKind] = [:]

        /// A fact's row before its body is parsed: what identifies it, and where its canonical bytes are.
        struct Head: Sendable {
            let ref: EventRef
            let effective: String
            /// The canonical bytes' place in the arena they were copied to (nil: none stored).
            let canonical: Range<Int>?

            /// The row's columns are ``LedgerFacts/columns``, from `first` on (by position: a lookup
            /// by name costs more than the rest of a small fact's reading).
            init(_ row: Row, first: Int, canonical: Range<Int>?) {
                ref = EventRef(
                    key: OrderKey(
                        hlc: HLCTimestamp(wall: row[first + 3], logical: row[first + 4]), office: row[first], seq: UInt64(row[first + 1] as Int64)),
                    id: Hash(bytes: Array(row[first + 2] as Data)), type: row[first + 5])
                effective = row[first + 6]
                self.canonical = canonical
            }
        }

        /// One fact's row, read: its body as this node's vocabulary reads it, or why it cannot.
        struct Fact: Sendable {
            let ref: EventRef
            let effective: String
            let read: Result<CivicBody, Unreadable>

            /// Reads a row whose columns are ``LedgerFacts/columns``, from `first` on.
            init(_ row: Row, first: Int) throws {
                let head = Head(row, first: first, canonical: nil)
                (ref, effective) = (head.ref, head.effective)
                read = try row.withUnsafeData(atIndex: first + 7) { canonical in
                    try canonical.map { try $0.withUnsafeBytes { try Self.read(type: head.ref.type, canonical: $0) } } ?? Self.missing(head.ref.type)
                }
            }

            /// Reads a fact whose canonical bytes are `canonical` (nil: none stored).
            init(_ head: Head, canonical: UnsafeRawBufferPointer?) throws {
                (ref, effective) = (head.ref, head.effective)
                read = try canonical.map { try Self.read(type: head.ref.type, canonical: $0) } ?? Self.missing(head.ref.type)
            }

            /// Stored events were checked canonical when they arrived: only the version and the
            /// body are read, in place, and only the body is parsed.
            private static func read(type: String, canonical: UnsafeRawBufferPointer) throws -> Result<CivicBody, Unreadable> {
                guard let (version, body) = try Reader.versionAndBody(canonical) else { return missing(type) }
                return LedgerFacts.read(type: type, version: version, body: body)
            }

            private static func missing(_ type: String) -> Result<CivicBody, Unreadable> {
                .failure(Unreadable(kind: .invalidBody, detail: "\(type): the stored envelope is not a JSON object"))
            }
        }

        /// The facts read before their bodies are parsed on another core.
        static let chunk = 2_048

        /// Parses the bodies of `heads`, whose canonical bytes are in `arena`, in order.
        static func parse(_ heads: [Head], _ arena: [UInt8]) throws -> [Fact] {
            try arena.withUnsafeBytes { bytes in
                try heads.map { head in try Fact(head, canonical: head.canonical.map { UnsafeRawBufferPointer(rebasing: bytes[$0]) }) }
            }
        }

        /// Adds facts read in any order, in chunks, in citywide order. (The order is sorted, not the
        /// facts: a fact with its body is large to move.)
        mutating func add(inCitywideOrder chunks: [[Fact]]) {
            var order: [(chunk: Int, index: Int)] = []
            order.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
            for (chunk, facts) in chunks.enumerated() { order += facts.indices.lazy.map { (chunk, $0) } }
            order.sort { chunks[$0.chunk][$0.index].ref.key < chunks[$1.chunk][$1.index].ref.key }
            facts.items.reserveCapacity(order.count)
            for (chunk, index) in order { add(chunks[chunk][index]) }
        }

        /// Adds one fact; facts are added in citywide order.
        private mutating func add(_ fact: Fact) {
            let (ref, effective) = (fact.ref, fact.effective)
            switch fact.read {
            case .failure(let finding):
                unreadable[ref.id] = finding.kind
                facts.itemFindings.append(Finding(kind: finding.kind, events: [ref], resolution: .ignored, detail: finding.detail))
                facts.items.append(Item(ref: ref, effective: effective, body: nil))
            case .success(.eventCorrected(let correction)):
                corrections.append(Correction(ref: ref, body: correction))
            case .success(let body):
                facts.items.append(Item(ref: ref, effective: effective, body: body))
            }
        }

        /// The envelope version and the parsed body of stored canonical bytes; nil when they are not an object.
        static func versionAndBody(_ buffer: UnsafeRawBufferPointer) throws -> (Int64?, JSONValue?)? {
            guard let fields = EnvelopeScanner.scan(buffer) else { return nil }
            let body = try fields.body.map { range in try JSONParser.parse(UnsafeRawBufferPointer(rebasing: buffer[range]), profile: .strict) }
            return (fields.version, body)
        }

        /// - Parameters:
        ///   - snapshot: the fold's snapshot, when it starts from one; `keyItems` are then the key
        ///     events recorded up to it.
        mutating func resolve(
            _ db: Database, filter: TimeFilter, revoked: RevokedRanges? = nil, registrar: String?, city: String?, snapshot: FoldSnapshot? = nil,
            keyItems: [Item] = []
        ) throws -> LedgerFacts {
            // Events only a revoked key vouched for are not the office's: left out, each a finding.
            facts.revoked = revoked ?? RevokedRanges(keyItems + facts.items, registrar: registrar, city: city)
            if let snapshot, facts.revoked != snapshot.revoked {
                // A revocation or rotation since changes which of its facts count.
                throw FoldSnapshot.Unusable(before: nil)
            }
            if !facts.revoked.isEmpty {
                for index in facts.items.indices where facts.items[index].body != nil {
                    let ref = facts.items[index].ref
                    guard facts.revoked.contains(office: ref.office, seq: ref.seq) else { continue }
                    facts.items[index].body = nil
                    unreadable[ref.id] = .revokedKey
                    facts.itemFindings.append(
                        Finding(
                            kind: .revokedKey, events: [ref], resolution: .ignored,
                            detail: "\(ref.type): \(ref.office)#\(ref.seq) is vouched for only by a key the registrar revoked before it"))
                }
            }

            if !corrections.isEmpty {
                let named = Set(corrections.map(\.body.event))
                for (index, item) in facts.items.enumerated() where named.contains(item.ref.id) { byID[item.ref.id] = index }
            }
            // Each correction is checked against its target; of the valid ones, the last of each target applies.
            var valid: [Hash: [(Correction, Target)]] = [:]
            var targetOrder: [Hash] = []
            for correction in corrections {
                let ref = correction.ref
                let targetID = correction.body.event
                if facts.revoked.contains(office: ref.office, seq: ref.seq) {
                    facts.correctionFindings.append(
                        Finding(
                            kind: .revokedKey, events: [ref], resolution: .ignored,
                            detail: "\(ref.type): \(ref.office)#\(ref.seq) is vouched for only by a key the registrar revoked before it"))
                    continue
                }
                func finding(_ kind: FindingKind, _ reason: String, with: [EventRef] = []) {
                    facts.correctionFindings.append(
                        Finding(
                            kind: kind, events: [ref], conflictsWith: with, resolution: .ignored,
                            detail: ValidationError(type: ref.type, field: kind == .correctionInvalidReplacement ? "replacement" : "event", reason: reason)
                                .description))
                }
                let target: Target
                if let index = byID[targetID] {
                    let item = facts.items[index]
                    target = Target(ref: item.ref, rowid: 0, effective: item.effective, item: index, unreadable: unreadable[targetID])
                } else if let held = try LedgerFacts.heldEvent(db, id: targetID) {
                    // Held, but not a fact passing the filter: a visible cost, a correction, or out of
                    // view; or a fact the snapshot has folded.
                    guard filter.admits(recorded: held.ref.key.hlc.wall, arrived: held.arrived, effective: held.effective) else { continue }
                    if let snapshot, snapshot.folded(held.ref) {
                        target = Target(
                            ref: held.ref, rowid: held.rowid, effective: held.effective, item: nil, unreadable: snapshot.unreadable[targetID],
                            beforeSnapshot: true)
                    } else if held.ref.type == "cost.incurred" {
                        target = Target(ref: held.ref, rowid: held.rowid, effective: held.effective, item: nil, unreadable: nil)
                    } else {
                        finding(.correctionOfCorrection, "a correction cannot be corrected; correct the original", with: [held.ref])
                        continue
                    }
                } else {
                    finding(.correctionTargetMissing, "\(targetID.hex) is not an event of this ledger")
                    continue
                }
                let owner = target.ref.office
                guard ref.office == owner || ref.office == registrar else {
                    facts.correctionFindings.append(
                        Finding(
                            kind: .unauthorized, events: [ref], conflictsWith: [target.ref], resolution: .ignored,
                            detail: ValidationError(
                                type: ref.type, field: "event", reason: "was recorded by \(owner): only \(owner) or the registrar may correct it, not \(ref.office)"
                            ).description))
                    continue
                }
                if target.unreadable != nil {
                    finding(.correctionInvalidReplacement, "corrects an event this node's vocabulary cannot read", with: [target.ref])
                    continue
                }
                do {
                    _ = try CivicBody.decode(type: target.ref.type, body: correction.body.replacement)
                } catch {
                    finding(.correctionInvalidReplacement, "is not a valid \(target.ref.type) body: \(error)", with: [target.ref])
                    continue
                }
                if valid[targetID] == nil { targetOrder.append(targetID) }
                valid[targetID, default: []].append((correction, target))
            }
            for targetID in targetOrder {
                guard let all = valid[targetID], let (last, target) = all.last else { continue }
                if all.count > 1 {
                    facts.correctionFindings.append(
                        Finding(
                            kind: .correctedTwice, events: all.map(\.0.ref), conflictsWith: [target.ref], resolution: .superseded,
                            detail: "\(target.ref.type) \(target.ref.office)#\(target.ref.seq) is corrected \(all.count) times; the last in citywide order, \(last.ref.office)#\(last.ref.seq), applies"
                        ))
                }
                // Decoded above without error.
                guard let body = try? CivicBody.decode(type: target.ref.type, body: last.body.replacement) else { continue }
                if let index = target.item {
                    facts.items[index].body = body
                } else if target.beforeSnapshot {
                    // The snapshot folded the correction that applied when it was made; a later one
                    // changes a fact it folded.
                    if let snapshot, last.ref.key.hlc.wall > snapshot.through { throw FoldSnapshot.Unusable(before: target.ref.key.hlc.wall) }
                } else if case .costIncurred(let cost) = body {
                    facts.costReplacements.append(
                        CostReplacement(target: target.ref, correction: last.ref, targetRowid: target.rowid, targetEffective: target.effective, replacement: cost))
                }
                facts.applied.append(AppliedCorrection(event: targetID.hex, type: target.ref.type, correctedBy: last.ref.id.hex, reason: last.body.reason))
            }
            facts.applied.sort { $0.event < $1.event }
            return facts
        }
    }

    /// Why a stored body is left out of the fold.
    fileprivate struct Unreadable: Error, Sendable {
        let kind: FindingKind
        let detail: String
    }

    /// Reads a stored body: the typed body, or the finding that makes it inert.
    fileprivate static func read(type: String, version: Int64?, body: JSONValue?) -> Result<CivicBody, Unreadable> {
        guard version == EventEnvelope.version else {
            return .failure(
                Unreadable(
                    kind: .unknownVersion,
                    detail: "\(type): envelope version \(version.map(String.init) ?? "?") is later than this node reads (\(EventEnvelope.version))"))
        }
        guard EventTypeRegistry.version1.isKnown(type) else {
            return .failure(Unreadable(kind: .unknownType, detail: "\(type): not a type of this node's vocabulary"))
        }
        do {
            return .success(try CivicBody.decode(type: type, body: body ?? .null))
        } catch {
            return .failure(Unreadable(kind: .invalidBody, detail: error.description))
        }
    }

    fileprivate struct HeldEvent {
        let ref: EventRef
        let rowid: Int64
        let arrived: Int64
        let effective: String
    }

    private static let heldEventByID = """
        SELECT rowid, office, seq, hlc_wall, hlc_logical, type, effective, arrived_ms FROM events
        WHERE rowid IN (\(EventIDs.rowids(withKey: ":key", id: ":id"))) AND id = :id
        """

    fileprivate static func heldEvent(_ db: Database, id: Hash) throws -> HeldEvent? {
        try Row.fetchOne(db.cachedStatement(sql: heldEventByID), arguments: ["key": LedgerStore.idKey(id), "id": Data(id.bytes)]).map { row in
            HeldEvent(
                ref: EventRef(
                    key: OrderKey(hlc: HLCTimestamp(wall: row["hlc_wall"], logical: row["hlc_logical"]), office: row["office"], seq: UInt64(row["seq"] as Int64)),
                    id: id, type: row["type"]),
                rowid: row["rowid"], arrived: row["arrived_ms"], effective: row["effective"])
        }
    }
}
