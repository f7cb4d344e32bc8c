import Foundation

/// Where the public conformance vectors live: `../shared/conformance/` beside the package root,
/// or `CIVIC_CONFORMANCE_DIR`.
enum Conformance {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["CIVIC_CONFORMANCE_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
    }

    static func data(_ relative: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(relative))
    }

    static func text(_ relative: String) throws -> String {
        String(decoding: try data(relative), as: UTF8.self)
    }

    /// Every file below `relative` with the given extension, sorted.
    static func files(under relative: String, ext: String) -> [URL] {
        let root = directory.appendingPathComponent(relative)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == ext }.sorted { $0.path < $1.path }
    }
}
