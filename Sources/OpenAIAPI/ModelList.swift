/// `GET /v1/models`: the models a server offers.
public struct ModelList: Codable, Sendable, Equatable {
    public var object = "list"
    public var data: [ModelObject]

    public init(data: [ModelObject]) {
        self.data = data
    }
}

/// One model of `GET /v1/models`.
public struct ModelObject: Codable, Sendable, Equatable {
    public var id: String
    public var object = "model"
    public var created: Int
    public var ownedBy: String

    public init(id: String, created: Int, ownedBy: String) {
        self.id = id
        self.created = created
        self.ownedBy = ownedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, object, created
        case ownedBy = "owned_by"
    }
}
