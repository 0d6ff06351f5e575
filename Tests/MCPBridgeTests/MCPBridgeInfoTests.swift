import MCPBridge
import Testing

@Test func announcesItselfAsPonder() {
    #expect(MCPBridgeInfo.implementationName == "ponder")
}
