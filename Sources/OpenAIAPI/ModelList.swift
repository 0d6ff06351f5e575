/// `GET /v1/models`: the models a server offers.
public struct ModelList: Codable, Sendable, Equatable {
    /// Always "list".
    public var object = "list"
    /// The models.
    public var data: [ModelObject]

    /// A list of `data`; `object` is set.
    public init(data: [ModelObject]) {
        self.data = data
    }
}

/// One model of `GET /v1/models`.
public struct ModelObject: Codable, Sendable, Equatable {
    /// The name a request uses for the model.
    public var id: String
    /// Always "model".
    public var object = "model"
    /// When the server began offering the model, in seconds since 1970.
    public var created: Int
    /// Who serves it, e.g. "ponder".
    public var ownedBy: String

    /// A model with its parts; `object` is set.
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
