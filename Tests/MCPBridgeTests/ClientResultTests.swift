import AgentTools
import Foundation
import MCP
import Testing
@testable import MCPBridge

/// The MCP client's pieces without a server: command lines, tool names, arguments,
/// and the reading of results (text, images, errors, malformed items, caps).
@Suite struct ClientResultTests {
    @Test func commandLinesAreSplitAsAShellWould() throws {
        #expect(try ServerCommandLine("python3 server.py --port 8").words == ["python3", "server.py", "--port", "8"])
        #expect(try ServerCommandLine(#"  "my server" 'a b' c\ d "x\"y" ''"#).words == ["my server", "a b", "c d", "x\"y", ""])
        #expect(throws: MCPClientError.self) { try ServerCommandLine("python 'unclosed") }
        #expect(throws: MCPClientError.self) { try ServerCommandLine("   ") }
        #expect(try ServerCommandLine("sh -c true").executable() == "/bin/sh" || ServerCommandLine("sh -c true").executable() == "/usr/bin/sh")
        #expect(try ServerCommandLine("no-such-program-4711").executable() == nil)
    }

    @Test func toolNamesBecomeMarkerNamesWithoutCollisions() {
        let reserved = MCPServerSet.reservedNames
        #expect(MCPServerSet.markerName(for: "convert_length", taken: reserved) == "convert_length")
        #expect(MCPServerSet.markerName(for: "calc", taken: reserved) == "mcp_calc")
        #expect(MCPServerSet.markerName(for: "weird name!", taken: reserved) == "weird_name_")
        #expect(MCPServerSet.markerName(for: "convert_length", taken: reserved.union(["convert_length"])) == "mcp_convert_length")
        #expect(MCPServerSet.markerName(for: "x", taken: ["x", "mcp_x"]) == "mcp_x_2")
    }

    @Test func argumentsAreAJSONObjectOrTheOneStringTheSchemaTakes() throws {
        let schema = #"{"type": "object", "properties": {"symbol": {"type": "string"}}, "required": ["symbol"]}"#
        #expect(try MCPServerTool.arguments(from: #"{"symbol": "Fe"}"#, schema: schema, tool: "t") == ["symbol": .string("Fe")])
        #expect(try MCPServerTool.arguments(from: "Fe", schema: schema, tool: "t") == ["symbol": .string("Fe")])
        #expect(try MCPServerTool.arguments(from: "", schema: #"{"type": "object", "properties": {}}"#, tool: "t") == [:])
        let two = #"{"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "string"}}, "required": ["a"]}"#
        #expect(throws: MCPClientError.self) { try MCPServerTool.arguments(from: "3 km", schema: two, tool: "t") }
        #expect(throws: MCPClientError.self) { try MCPServerTool.arguments(from: "[1, 2]", schema: two, tool: "t") }
    }

    private func reading(_ limit: Int = 20_000) throws -> MCPResultReading {
        MCPResultReading(outputDirectory: try Self.temporaryFolder(), maximumCharacters: limit)
    }

    static func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ponder-mcp-client-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func textItemsAreJoinedAndErrorsAreFailedResults() throws {
        let ok = try reading().toolResult(.object(["content": .array([
            .object(["type": "text", "text": "3.5 kilometres"]), .object(["type": "text", "text": "= 3500 metres"]),
        ])]), tool: "convert_length")
        #expect(ok == ToolResult(text: "3.5 kilometres\n= 3500 metres"))
        let failed = try reading().toolResult(.object([
            "content": .array([.object(["type": "text", "text": "Error executing tool explode: exploded: x"])]), "isError": .bool(true),
        ]), tool: "explode")
        #expect(failed == ToolResult(text: "error: Error executing tool explode: exploded: x", ok: false))
        let silent = try reading().toolResult(.object(["content": .array([]), "isError": .bool(true)]), tool: "t")
        #expect(!silent.ok && silent.text.hasPrefix("error: "))
        #expect(try reading().toolResult(.object(["content": .array([])]), tool: "t").text == "(the tool returned nothing)")
        #expect(try reading().toolResult(.object(["structuredContent": .object(["result": .int(4)])]), tool: "t").text == #"{"result":4}"#)
    }

    @Test func imagesAreSavedAsFilesAndNamed() throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
        let reader = try reading()
        let result = reader.toolResult(.object(["content": .array([
            .object(["type": "image", "data": .string(png.base64EncodedString()), "mimeType": "image/png"]),
            .object(["type": "image", "data": .string(png.base64EncodedString()), "mimeType": "image/jpeg"]),
        ])]), tool: "red square")
        #expect(result.ok && result.files.count == 2)
        #expect(result.files[0].hasSuffix("/mcp-red_square-1.png") && result.files[1].hasSuffix("/mcp-red_square-2.jpg"))
        #expect(FileManager.default.contents(atPath: result.files[0]) == png)
        #expect(result.text == "image saved: \(result.files[0])\nimage saved: \(result.files[1])")
    }

    @Test func malformedContentIsNamedItemByItem() throws {
        let result = try reading().toolResult(.object(["content": .array([
            .object(["type": "text", "text": "first"]), .object(["type": "hologram"]),
            .object(["type": "image", "data": "%%% not base64 %%%", "mimeType": "image/png"]), .object(["type": "text"]), .int(42),
            .object(["type": "text", "text": "last"]),
        ])]), tool: "odd")
        #expect(result.ok && result.files.isEmpty)
        #expect(result.text == """
            first
            [content item 2 of unknown type 'hologram' not shown]
            [image item 3 could not be decoded]
            [text item 4 has no text]
            [content item 5 is not an object]
            last
            """)
        let notAList = try reading().toolResult(.object(["content": .string("alone")]), tool: "t")
        #expect(notAList.text == "[the server's content is not a list]")
        let notAnObject = try reading().toolResult(.string("just a string"), tool: "t")
        #expect(!notAnObject.ok && notAnObject.text.hasPrefix("error: "))
    }

    @Test func hugeResultsAreCutWithANote() throws {
        let result = try reading(100).toolResult(.object(["content": .array([.object(["type": "text", "text": .string(String(repeating: "a", count: 5000))])])]), tool: "t")
        #expect(result.text.hasPrefix(String(repeating: "a", count: 100) + "\n[… cut: the result had 5000 characters; only the first 100 are shown]"))
        #expect(result.text.count < 200)
    }

    @Test func eventStreamRepliesAreReadEventByEvent() {
        let body = Data("event: message\r\ndata: {\"id\": 1}\r\n\r\n: a comment\ndata: {\"a\":\ndata: 2}\n\n".utf8)
        #expect(HTTPPostTransport.eventPayloads(body).map { String(decoding: $0, as: UTF8.self) } == [#"{"id": 1}"#, "{\"a\":\n2}"])
        #expect(HTTPPostTransport.eventPayloads(Data()).isEmpty)
    }

    @Test func errorsSayWhichServerAndWhatToDo() {
        #expect(MCPClientError.commandNotFound("nosuch").description.contains("'nosuch' was not found"))
        #expect(MCPClientError.callTimedOut(server: "python3", tool: "hang", seconds: 1.5).description.contains("within 1.5 s (--mcp-timeout"))
        #expect(MCPClientError.unknownTool("x", known: ["a", "b"]).description == "there is no tool 'x'; the server's tools are: a, b")
        #expect(throws: MCPClientError.invalidURL("ftp://x")) { try MCPServerEndpoint.url("ftp://x") }
    }
}
