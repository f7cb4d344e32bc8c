import ArgumentParser
import CivicCommandLine
import Foundation
import LedgerCore
import LedgerStore
import LedgerSync
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Parses `24h`, `30m`, `45s`, `7d`.
func parseDuration(_ text: String) throws -> Duration {
    guard let unit = text.last, let value = Int64(text.dropLast()), value > 0 else {
        throw CLIFailure(message: "\"\(text)\" is not a duration like 24h, 30m or 45s")
    }
    switch unit {
    case "s": return .seconds(value)
    case "m": return .seconds(value * 60)
    case "h": return .seconds(value * 3600)
    case "d": return .seconds(value * 86_400)
    default: throw CLIFailure(message: "\"\(text)\" is not a duration like 24h, 30m or 45s")
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = NodeVerbs.serve

    @OptionGroup var global: GlobalOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port (0 picks a free one; the chosen URL is printed).") var port = 8080
    @Option(name: .customLong("sync-with"), help: ArgumentHelp("A peer to sync with on a schedule (repeatable).", valueName: "URL"))
    var peers: [String] = []
    @Option(help: ArgumentHelp("How often to sync with the --sync-with peers, e.g. 24h.", valueName: "DURATION")) var every: String?
    @Option(help: ArgumentHelp("Also serve a folder `civic publish` wrote, read-only, at /published/.", valueName: "DIR")) var publish: String?

    func run() async throws {
        let opened = try global.open(connections: .pool)
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "civic.serve")
        logger[metadataKey: "office"] = "\(opened.store.identity.office)"
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var services: [any Service] = []
        if !peers.isEmpty {
            let interval = try parseDuration(every ?? "24h")
            services.append(ScheduledSync(store: opened.store, signer: opened.signer, peers: peers, interval: interval, logger: logger))
        }
        let host = self.host
        let server = SyncServer(
            store: opened.store,
            metricsText: {
                var buffer: [UInt8] = []
                registry.emit(into: &buffer)
                return String(decoding: buffer, as: UTF8.self)
            }, extraRoutes: Dashboard.routes(store: opened.store, published: publish), witness: opened.signer)
        try await server.run(host: host, port: port, logger: logger, services: services) { port in
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        }
    }
}

struct SyncCommand: AsyncParsableCommand {
    static let configuration = NodeVerbs.sync

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Peers, e.g. http://city-hall:8080.", valueName: "URL")) var peers: [String]
    @Option(help: ArgumentHelp("Repeat every DURATION (e.g. 24h) until interrupted.", valueName: "DURATION")) var every: String?
    @Option(help: "text or json (one object per peer and round).") var format: TextOrJSON = .text

    func run() async throws {
        let opened = try global.open(connections: .pool)
        let interval = try every.map(parseDuration)
        var failed = false
        repeat {
            for peer in peers {
                do {
                    let report = try await SyncEngine.round(store: opened.store, signer: opened.signer, peer: peer)
                    FileHandle.standardOutput.write(Data((try describe(report, peer: peer, city: opened.store.citywideCheckpoint()) + "\n").utf8))
                    failed = failed || !report.refused.isEmpty || !report.retry.isEmpty || !report.forks.isEmpty
                } catch {
                    Terminal.error("\(peer): \(error)")
                    failed = true
                }
            }
            if let interval { try await Task.sleep(for: interval) }
        } while interval != nil
        if failed { throw ExitCode(2) }
    }

    private func describe(_ report: SyncReport, peer: String, city: CitywideCheckpoint) throws -> String {
        switch format {
        case .json:
            func counts(_ map: [String: Int]) -> JSONValue { .object(map.sorted { $0.key < $1.key }.map { ($0.key, .integer(Int64($0.value))) }) }
            let value: JSONValue = .object([
                ("peer", .string(peer)), ("pulled", counts(report.pulled)), ("pushed", counts(report.pushed)),
                ("refused", .object(report.refused.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("retry", .object(report.retry.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("ahead_of_clock", counts(report.aheadOfClock)), ("forks", .array(report.forks.map { .string($0) })),
                ("quarantined", counts(report.quarantined)),
                ("citywide", .string(city.hash.hex)), ("events", .integer(Int64(city.size))),
            ])
            return String(decoding: try CanonicalJSON.encode(value), as: UTF8.self)
        case .text:
            func list(_ map: [String: Int]) -> String { map.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
            var parts: [String] = []
            if !report.pulled.isEmpty { parts.append("pulled \(list(report.pulled))") }
            if !report.pushed.isEmpty { parts.append("pushed \(list(report.pushed))") }
            for (office, reason) in report.refused.sorted(by: { $0.key < $1.key }) { parts.append("refused \(office): \(reason)") }
            for (office, reason) in report.retry.sorted(by: { $0.key < $1.key }) { parts.append("not taken now \(office) (the next round tries again): \(reason)") }
            if !report.aheadOfClock.isEmpty { parts.append("clock ahead by more than 5 min: \(list(report.aheadOfClock)) events") }
            if !report.quarantined.isEmpty { parts.append("quarantined (office not trusted there yet) \(list(report.quarantined))") }
            if !report.forks.isEmpty { parts.append("FORK: checkpoints of \(report.forks.joined(separator: ", ")) contradict a log held (kept as evidence)") }
            let moved = parts.isEmpty ? "up to date" : parts.joined(separator: "; ")
            return "\(peer): \(moved) — citywide \(city.hash.hex.prefix(16)) (\(city.size) events)"
        }
    }
}
