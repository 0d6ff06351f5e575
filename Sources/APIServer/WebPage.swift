import Agent
import AgentTools
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The web page `ponder serve` serves at `/`: its files (embedded in the binary from
/// `web/`), what the page needs to know about the server, and the runs' figures.
///
/// - `GET /`, `/app.js`, `/app.css`: the page; served without the API key (the page
///   asks for it and sends it with every API request).
/// - `GET /ponder/info`: the model, its adapter, the agent's default temperature, the
///   search budgets and the requests running and waiting (behind the API key).
/// - `GET /files/<run>/<name>`: a figure of a `ponder-agent` run (see `FigureFiles`).
///
/// Every page response forbids framing and foreign scripts, styles and connections
/// (`Content-Security-Policy`); model text is never read as HTML by the page.
enum WebPage {
    /// The page's own origin only; images also from `blob:` URLs (figures fetched with
    /// the key) and `data:` (the icon).
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The paths served without the API key: the page's own files.
    static let publicPaths = Set(WebAssets.files.map(\.path))

    /// The response for one of the page's files.
    static func response(_ asset: WebAsset) -> Response {
        var headers: HTTPFields = [.contentType: asset.contentType, .cacheControl: "no-cache"]
        addSecurityHeaders(&headers)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: asset.text)))
    }

    /// Headers every response of the page carries.
    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
    }
}

/// What the page shows in its settings and uses as defaults.
struct WebPageInfo: Encodable, Sendable {
    /// The model file's name.
    var model: String
    /// The LoRA adapter applied to the model, if any.
    var adapter: String?
    /// The agent's default sampling temperature.
    var temperature: Double
    /// The budget of a search asked for with a phrase ("take your time"), in seconds.
    var defaultBudget: Double
    /// The longest search a request may ask for, in seconds.
    var maximumBudget: Double
    /// Requests using the model now (0 or 1) and waiting for it.
    var running: Int
    var waiting: Int

    enum CodingKeys: String, CodingKey {
        case model, adapter, temperature, running, waiting
        case defaultBudget = "default_budget"
        case maximumBudget = "maximum_budget"
    }
}

extension OpenAIServer {
    /// Adds the page's routes to `router`.
    func addWebPage(to router: Router<BasicRequestContext>) {
        for asset in WebAssets.files {
            router.get(RouterPath(asset.path)) { _, _ in WebPage.response(asset) }
        }
        router.get("/ponder/info") { _, _ in
            let load = self.admission.load
            let adapters = self.planningModel.model.adapters.map(\.label)
            return HTTPResponses.json(WebPageInfo(
                model: self.configuration.modelName, adapter: adapters.isEmpty ? nil : adapters.joined(separator: ", "),
                temperature: self.configuration.agentOptions.temperature,
                defaultBudget: DeliberationTrigger.defaultBudget.inSeconds, maximumBudget: PonderAgentRequest.maximumDeliberation,
                running: load.running, waiting: load.waiting))
        }
        router.get("/files/:run/:name") { _, context in
            let run = context.parameters.get("run") ?? "", name = context.parameters.get("name") ?? ""
            switch await FigureFiles.load(root: self.configuration.agentTools.outputDirectory, run: run, name: name) {
            case .success(let file):
                var headers: HTTPFields = [.contentType: file.contentType, .cacheControl: "private, max-age=3600"]
                WebPage.addSecurityHeaders(&headers)
                return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
            case .failure:
                throw APIError(
                    status: 404, type: "invalid_request_error",
                    message: "no figure \(FigureFiles.url(run: run, name: name)) on this server (figures are kept by run, by their own names)",
                    code: "not_found")
            }
        }
    }
}

/// One file of the page as embedded in the binary (`WebAssets`, generated from `web/`).
struct WebAsset: Sendable {
    /// Where the server serves it, e.g. `/app.js`.
    let path: String
    /// Its file in `web/`.
    let source: String
    /// Its `Content-Type`.
    let contentType: String
    /// Its text, exactly as in `web/`.
    let text: String
}
