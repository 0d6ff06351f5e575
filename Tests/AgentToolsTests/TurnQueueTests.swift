import AgentTools
import Synchronization
import Testing

/// `TurnQueue` gives one caller the turn at a time, in the order they asked.
struct TurnQueueTests {
    @Test("callers take turns one at a time, never two at once; a released queue is free again")
    func order() async {
        let turns = TurnQueue()
        let log = Log()
        await turns.acquire()  // held, so the others queue up in order
        let tasks = (1...4).map { number in
            Task {
                await turns.acquire()
                log.append("start \(number)")
                try? await Task.sleep(for: .milliseconds(5))
                log.append("end \(number)")
                turns.release()
            }
        }
        // Give each task time to queue, in order.
        for _ in 0..<50 { await Task.yield() }
        try? await Task.sleep(for: .milliseconds(50))
        turns.release()
        for task in tasks { await task.value }
        let entries = log.entries
        #expect(entries.count == 8)
        // Never two turns at once: every start is followed by its own end.
        for index in stride(from: 0, to: entries.count, by: 2) {
            #expect(entries[index].replacingOccurrences(of: "start", with: "end") == entries[index + 1])
        }
        await turns.acquire()
        turns.release()
    }
}

/// What the tasks did, in order.
private final class Log: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var entries: [String] { lines.withLock { $0 } }
}
