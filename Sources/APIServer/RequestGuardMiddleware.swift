import HTTPTypes
import Hummingbird

/// Applies `HostPolicy` to every request before any other work (and before the API
/// key, which a CORS preflight never carries): a foreign `Host` or `Origin` is a 403,
/// a POST body not declared JSON a 415. Answers the CORS preflight of an origin
/// given by `--cors`, and marks its responses (errors included) readable by it.
struct RequestGuardMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let policy: HostPolicy

    /// A second `Host` header (the first becomes the request's authority).
    static let hostField = HTTPField.Name("Host")

    /// How long a browser may reuse a preflight's answer (seconds).
    static let preflightMaximumAge = "600"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let verdict = policy.check(
            authority: request.head.authority, extraHostFields: Self.hostField.map { request.headers[values: $0].count } ?? 0,
            origin: request.headers[.origin])
        let corsOrigin: String?
        switch verdict {
        case .refused(let error):
            return HTTPResponses.closing(HTTPResponses.error(error))
        case .allowed(let origin):
            corsOrigin = origin
        }
        let response: Response
        if request.method == .options, let corsOrigin, request.headers[.accessControlRequestMethod] != nil {
            response = Self.preflight(request, origin: corsOrigin)
        } else if request.method == .post, let error = HostPolicy.contentTypeProblem(request.headers[.contentType]) {
            response = HTTPResponses.closing(HTTPResponses.error(error))
        } else {
            response = try await next(request, context)
        }
        guard let corsOrigin else { return response }
        var marked = response
        marked.headers[.accessControlAllowOrigin] = corsOrigin
        marked.headers[.vary] = "Origin"
        return marked
    }

    /// The answer to a CORS preflight from an allowed origin: the methods, and the
    /// headers it asked for (the origin is trusted; the SDKs send headers of their own).
    static func preflight(_ request: Request, origin: String) -> Response {
        var headers: HTTPFields = [
            .accessControlAllowMethods: "GET, POST",
            .accessControlMaxAge: preflightMaximumAge,
        ]
        let asked = request.headers[.accessControlRequestHeaders] ?? ""
        let isTokenList = asked.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_, ".unicodeScalars.contains($0)) }
        headers[.accessControlAllowHeaders] = isTokenList && !asked.isEmpty ? asked : "Authorization, Content-Type"
        return Response(status: .noContent, headers: headers)
    }
}
