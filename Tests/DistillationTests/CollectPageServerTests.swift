import AgentTools
import Foundation
import Testing
@testable import Distillation

/// The page server: the curriculum's pages on 127.0.0.1, read by the agent's own fetcher.
struct CollectPageServerTests {
    static let fetcher = WebFetcher(options: FetchOptions(allowPrivateAddresses: true))

    @Test("serves each page at its name, fills {base}, answers 404 for others, stops")
    func serves() async throws {
        let items = [
            CurriculumItem(
                id: "page-0", kind: .page, template: "page-look", question: "Look at {base}/tamvor-0.html and tell me: when?", expected: .text(value: "1321"),
                page: GeneratedPage(name: "tamvor-0.html", html: "<html><body><h1>Tamvor</h1><p>Founded 1321</p></body></html>")),
            CurriculumItem(
                id: "page-1", kind: .page, template: "page-read", question: "Who is mayor? The page is {base}/quelmir-1.html.", expected: .text(value: "Reva"),
                page: GeneratedPage(name: "quelmir-1.html", html: "<html><body><p>Mayor: Reva Oskdun</p></body></html>")),
            CurriculumItem(id: "chat-0", kind: .chat, template: "chat", question: "Hi!", expected: .reply),
        ]
        let (server, filled) = try await PageServer.serving(items)
        #expect(server.base.hasPrefix("http://127.0.0.1:"))
        #expect(filled[0].question == "Look at \(server.base)/tamvor-0.html and tell me: when?")
        #expect(filled[1].question.contains(server.url(of: "quelmir-1.html")))
        #expect(filled[2] == items[2])

        let first = try await Self.fetcher.run(server.url(of: "tamvor-0.html"), context: ToolContext())
        #expect(first.ok)
        #expect(first.text.contains("Founded 1321"))
        let second = try await Self.fetcher.run(server.url(of: "quelmir-1.html"), context: ToolContext())
        #expect(second.text.contains("Reva Oskdun"))
        let missing = try await Self.fetcher.run(server.url(of: "nowhere.html"), context: ToolContext())
        #expect(!missing.ok)

        await server.stop()
        let afterStop = try await Self.fetcher.run(server.url(of: "tamvor-0.html"), context: ToolContext(deadline: .after(.seconds(10))))
        #expect(!afterStop.ok)
    }

    @Test("two different pages of one name are refused")
    func duplicateNames() async {
        await #expect(throws: PageServerError.duplicatePage(name: "a.html")) {
            _ = try await PageServer.start(pages: [GeneratedPage(name: "a.html", html: "one"), GeneratedPage(name: "a.html", html: "two")])
        }
    }
}
