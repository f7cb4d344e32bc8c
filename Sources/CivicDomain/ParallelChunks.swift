import Foundation

/// Work handed to the machine's cores one job at a time, each job's result kept by its number
/// until ``values()`` waits for all of them (a state's facts parsed while they are read, the files
/// of `civic report`).
public final class ParallelChunks<Value: Sendable>: @unchecked Sendable {
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var results: [Result<Value, any Error>?] = []

    public init() {}

    /// Starts `work` on a global queue.
    public func run(_ work: @escaping @Sendable () throws -> Value) {
        let job = lock.withLock {
            results.append(nil)
            return results.count - 1
        }
        DispatchQueue.global().async(group: group) {
            let result = Result { try work() }
            self.lock.withLock { self.results[job] = result }
        }
    }

    /// Waits for every job; their values in the order they were started, or the first job's error.
    public func values() throws -> [Value] {
        group.wait()
        return try lock.withLock { results }.map { result in
            guard let result else { throw Unfinished() }
            return try result.get()
        }
    }

    struct Unfinished: Error, CustomStringConvertible {
        var description: String { "a job run on another core did not finish" }
    }
}
