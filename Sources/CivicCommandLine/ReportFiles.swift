import ArgumentParser
import CivicDomain
import CivicReports
import Foundation
import LedgerCore

/// The formats of `civic report` (and of the demo's report files).
package enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, html
}

/// The report files of a format, and their writing, so that none is ever left half-written.
package enum ReportFiles {
    /// The files `kinds` render to in `format`; with `all`, every CSV table, plus the index page
    /// (html) or `headlines.json` (json). `register`: the surveillance register's table or CSV.
    ///
    /// - Parameter headlines: the headlines of `context`, when already made (the four reports they
    ///   quote are then not made again); with `all` in html or json they are made here if not given.
    package static func files(
        _ kinds: [ReportKind], format: ReportFormat, context: ReportContext, all: Bool, register: Bool = false, headlines: Headlines? = nil
    ) throws -> [(name: String, text: String)] {
        // Each kind's files, and the index or headlines, are made at once on the machine's cores
        // (the reports only read the context), then put in the order given. The index and the
        // headlines quote four of the reports: those are made once, first (on the cores too).
        let extra = all && (format == .html || format == .json)
        let reports = extra ? headlines ?? Headlines(context) : headlines
        let made = ParallelChunks<[(name: String, text: String)]>()
        for kind in kinds {
            made.run { try kindFiles(kind, format: format, context: context, all: all, register: register, reports: reports) }
        }
        if let reports, extra {
            made.run {
                format == .html
                    ? [("index.html", ReportPage.index(context: context, headlines: reports))]
                    : [("headlines.json", try reports.json.prettyPrinted())]
            }
        }
        var files: [(name: String, text: String)] = []
        for made in try made.values() { files += made }
        if extra, format == .html { files.insert(files.removeLast(), at: 0) }
        return files
    }

    /// The files of one kind.
    private static func kindFiles(
        _ kind: ReportKind, format: ReportFormat, context: ReportContext, all: Bool, register: Bool, reports: Headlines?
    ) throws -> [(name: String, text: String)] {
        switch format {
        case .table:
            var tables = kind.tables(context)
            if register, kind == .surveillance { tables = [SurveillanceReport(context).registerTable] }
            return [(kind.rawValue + ".txt", tables.map(\.text).joined(separator: "\n"))]
        case .json: return [(kind.rawValue + ".json", try kind.json(context, reports: reports).prettyPrinted())]
        case .csv:
            let tables = kind.csvTables(context)
            if all { return tables.map { ($0.name + ".csv", $0.table.csv) } }
            let chosen = register ? tables.last : tables.first
            return [((chosen?.name ?? kind.rawValue) + ".csv", chosen?.table.csv ?? "")]
        case .html: return [(kind.rawValue + ".html", ReportPage.render(kind, context: context, reports: reports))]
        }
    }

    /// Writes each file to a temporary name first, then renames it into place.
    package static func write(_ files: [(name: String, text: String)], into folder: String) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CLIFailure(message: "cannot create \(folder): \(error.localizedDescription)")
        }
        for file in files {
            let final = URL(fileURLWithPath: folder).appendingPathComponent(file.name)
            let temporary = URL(fileURLWithPath: folder).appendingPathComponent(".\(file.name).\(getpid()).tmp")
            do {
                try Data(file.text.utf8).write(to: temporary)
                // rename(2) replaces the old file in one step.
                guard rename(temporary.path, final.path) == 0 else { throw CLIFailure(message: String(cString: strerror(errno))) }
            } catch {
                try? manager.removeItem(at: temporary)
                throw CLIFailure(message: "cannot write \(final.path): \(error.localizedDescription)")
            }
        }
    }
}
