import Foundation

/// A fresh folder under the system's temporary directory, removed with everything in it when the
/// last reference goes (the scoped form: ``withTemporaryFolder(_:_:)``).
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String

    /// - Parameter label: the start of the folder's name, to tell test leftovers apart.
    public init(_ label: String = "civic-test") throws {
        path = NSTemporaryDirectory() + "\(label)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the folder.
    public func path(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to a file of the folder.
    public func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
    }
}

/// Runs `body` with a temporary folder that is removed when it returns or throws.
public func withTemporaryFolder<T>(_ label: String = "civic-test", _ body: (String) throws -> T) throws -> T {
    let folder = try TemporaryFolder(label)
    return try withExtendedLifetime(folder) { try body(folder.path) }
}

/// Runs `body` with a temporary folder that is removed when it returns or throws.
public func withTemporaryFolder<T>(_ label: String = "civic-test", _ body: (String) async throws -> T) async throws -> T {
    let folder = try TemporaryFolder(label)
    defer { withExtendedLifetime(folder) {} }
    return try await body(folder.path)
}
