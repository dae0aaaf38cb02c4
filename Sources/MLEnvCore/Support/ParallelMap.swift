import Dispatch

extension Array where Element: Sendable {
    /// `map` on every core: the transform runs concurrently, the results keep their order.
    /// For independent, pure work (rendering each team's files); a plan of 1,000 teams is
    /// rendered by both cores of a small CI machine instead of one.
    public func parallelMap<Result: Sendable>(_ transform: @Sendable (Element) -> Result) -> [Result] {
        // A few items are not worth waking other threads for.
        guard count > 4 else { return map(transform) }
        // Each result is written straight into the array's storage (the transform cannot
        // throw, so every slot is filled): no optional slots to copy out afterwards, which for
        // large results (decoded specs) doubled the memory touched.
        return [Result](unsafeUninitializedCapacity: count) { slots, initialized in
            nonisolated(unsafe) let slots = slots
            self.withUnsafeBufferPointer { items in
                nonisolated(unsafe) let items = items
                // Chunks of work rather than one item each: less scheduling for thousands of items.
                let chunks = Swift.min(items.count, 64)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    var index = chunk * items.count / chunks
                    let end = (chunk + 1) * items.count / chunks
                    while index < end {
                        (slots.baseAddress! + index).initialize(to: transform(items[index]))
                        index += 1
                    }
                }
            }
            initialized = count
        }
    }
}
