import Testing
@testable import Training

@Test func defaultConfigurationTargetsEveryProjection() {
    let configuration = LoRAConfiguration()
    #expect(configuration.rank == 16 && configuration.alpha == 32)
    #expect(configuration.targets.count == 7)
    #expect(configuration.scale == 2)
}
