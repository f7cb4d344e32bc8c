import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How a process that builds one large state from its ledger and ends (`civic state`, `findings`,
/// `diff`, `report`) asks glibc and the kernel for memory. Not for `civic serve`, whose memory
/// should go back to the system.
package enum ReadingMemory {
    /// Sets both: memory freed is kept for reuse, and about `hugePageBytes` of it is backed by
    /// 2 MB pages.
    ///
    /// - Memory freed on the way (a blob read and decoded, a list that grew) stays in the heap for
    ///   what comes next. By default glibc gives a block of a few megabytes back to the system as
    ///   soon as it is freed, and takes fresh pages for the next, each faulted in anew (page faults
    ///   were a quarter of `civic state`'s CPU on a large ledger). Blocks under 32 MB come from the
    ///   heap, and the heap is not trimmed.
    /// - The heap (or, on a thread other than the main one, that thread's arena) is grown by
    ///   `hugePageBytes` at once, in as few blocks as the heap takes (each under the 32 MB above
    ///   which glibc maps a block of its own) allocated and freed, which it keeps; the kernel is
    ///   advised to back them with 2 MB pages as they are first touched (`madvise(MADV_HUGEPAGE)`).
    ///   A state of 100,000 facts touches some 70 MB it had not touched: 18,700 faults of 4 KB
    ///   pages, a fifth of the command's time, where 2 MB pages leave 9,600. A kernel with no free
    ///   2 MB page gives 4 KB ones, as before.
    /// - Each block's header is written when it is allocated, before the advice, so the 2 MB page
    ///   it lies in is already one of 4 KB pages and would stay so: 512 faults where one would do.
    ///   Blocks of 8 MB lost a quarter of the span that way (`perf record -e page-faults -d`: 512
    ///   faults at every 8 MB). The blocks are now as large as the heap takes, and the pages that
    ///   hold their headers are collapsed into 2 MB pages at once (`MADV_COLLAPSE`, Linux 6.1; an
    ///   older kernel refuses it, and loses one 2 MB page in ten). `civic state --as-of` on a
    ///   million-event ledger: 5,200 – 6,000 page faults → 2,300 – 2,400.
    ///
    /// - Returns: the largest span advised (whole 2 MB pages of blocks that lay end to end), or
    ///   nil when none was (not Linux, or the kernel refused the advice).
    @discardableResult
    package static func prepare(hugePageBytes: Int = 64 << 20) -> (start: UInt, count: Int)? {
        #if os(Linux)
            // glibc's mallopt (<malloc.h> is not in Swift's Glibc module): M_TRIM_THRESHOLD is -1,
            // M_MMAP_THRESHOLD -3.
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(nil, "mallopt") else { return nil }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(-3, 32 << 20)
            _ = mallopt(-1, 1 << 30)
            prepared.store(true, ordering: .releasing)
            return backWithHugePages(bytes: hugePageBytes)
        #else
            return nil
        #endif
    }

    /// On a thread other than the main one, in a process that called ``prepare(hugePageBytes:)``:
    /// grows this thread's arena by `bytes` at once, kept and backed by 2 MB pages as `prepare`
    /// does the main heap's. Does nothing in any other process (`civic serve`'s threads give their
    /// memory back).
    ///
    /// glibc grows a thread's arena by as much as each allocation lacks, one `mprotect` each: the
    /// thread that sums `civic state`'s cost periods made 3,790 of them, 4 KB at a time, for the
    /// 22 MB it built.
    ///
    /// - Returns: as `prepare`, the largest span advised; nil when nothing was done.
    @discardableResult
    package static func prepareThisThread(bytes: Int) -> (start: UInt, count: Int)? {
        #if os(Linux)
            guard prepared.load(ordering: .acquiring) else { return nil }
            return backWithHugePages(bytes: bytes)
        #else
            return nil
        #endif
    }

    /// The largest block ``backWithHugePages(bytes:)`` allocates: under the 32 MB from which glibc
    /// maps a block apart from the heap (M_MMAP_THRESHOLD, as ``prepare(hugePageBytes:)`` sets it).
    private static let largestBlock = 30 << 20

    /// Whether this process asked for reading memory (``prepare(hugePageBytes:)``).
    private static let prepared = Atomic<Bool>(false)

    #if os(Linux)
        private static func backWithHugePages(bytes: Int) -> (start: UInt, count: Int)? {
            // Equal blocks under glibc's 32 MB mapping threshold (`prepare` sets it there), whole 2 MB pages each.
            let (hugePage, collapse) = (UInt(2 << 20), Int32(25))
            let count = max(1, (bytes + largestBlock - 1) / largestBlock)
            let block = max(Int(hugePage), bytes / count / Int(hugePage) * Int(hugePage))
            let blocks = (0..<count).compactMap { _ in malloc(block) }
            let addresses = blocks.map { UInt(bitPattern: $0) }.sorted()
            blocks.forEach { free($0) }
            var advised: (start: UInt, count: Int)?
            func advise(_ low: UInt, _ high: UInt) {
                let (first, last) = ((low + hugePage - 1) / hugePage * hugePage, high / hugePage * hugePage)
                guard last > first, let span = UnsafeMutableRawPointer(bitPattern: first),
                    madvise(span, Int(last - first), MADV_HUGEPAGE) == 0
                else { return }
                if Int(last - first) > advised?.count ?? 0 { advised = (first, Int(last - first)) }
                // The 2 MB pages holding a block's header, already of 4 KB pages, made one page
                // now (MADV_COLLAPSE, Linux 6.1; an older kernel refuses, and they stay as they are).
                for address in addresses {
                    let page = address / hugePage * hugePage
                    if page >= first, page + hugePage <= last, let header = UnsafeMutableRawPointer(bitPattern: page) {
                        _ = madvise(header, Int(hugePage), collapse)
                    }
                }
            }
            // Runs of blocks end to end (a chunk's header between them), each advised as one span.
            guard var (low, high) = addresses.first.map({ ($0, $0 + UInt(block)) }) else { return nil }
            for address in addresses.dropFirst() {
                if address >= high, address - high <= 4_096 {
                    high = address + UInt(block)
                } else {
                    advise(low, high)
                    (low, high) = (address, address + UInt(block))
                }
            }
            advise(low, high)
            return advised
        }
    #endif
}
