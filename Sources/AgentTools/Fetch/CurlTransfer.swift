import CCurl
import Dispatch
import Synchronization

/// What one HTTP exchange returned (redirects are not followed here).
struct HTTPResponse: Sendable {
    /// The status code, e.g. 200, 302, 404.
    let status: Int
    /// The Content-Type header, if any.
    let contentType: String?
    /// Where a 3xx points, made absolute by curl.
    let redirectURL: String?
    /// The decoded body of a 2xx answer (empty otherwise).
    let body: [UInt8]
}

/// One request to one pinned address, as the fetcher plans it.
struct TransferRequest: Sendable {
    let url: FetchURL
    /// The checked addresses of `url.host`, handed to curl with CURLOPT_RESOLVE so that
    /// curl connects to them and nothing else.
    let pinnedAddresses: [ResolvedAddress]
    let connectTimeout: Duration
    /// What remains of the total timeout for this hop.
    let remainingTime: Duration
    /// The total timeout, as named in the error message.
    let totalTimeout: Duration
    let maximumBytes: Int
    let userAgent: String
}

/// Runs one libcurl easy transfer on a dispatch thread (curl_easy_perform blocks, and
/// must stay off Swift's cooperative pool); cancelling the task aborts the transfer.
enum CurlTransfer {
    /// curl_global_init is not thread-safe: a global runs it exactly once.
    private static let initialized: Bool = ccurl_global_init() == CURLE_OK

    static func perform(_ request: TransferRequest) async throws -> Result<HTTPResponse, FetchError> {
        guard initialized else { return .failure(.transferFailed("libcurl could not be initialised")) }
        let state = TransferState(maximumBytes: request.maximumBytes)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, FetchError>, Never>) in
                DispatchQueue.global().async { continuation.resume(returning: run(request, state)) }
            }
        } onCancel: {
            state.cancelled.store(true, ordering: .relaxed)
        }
        try Task.checkCancellation()
        return result
    }

    /// The blocking part: set up a fresh easy handle, perform, read the answer.
    private static func run(_ request: TransferRequest, _ state: TransferState) -> Result<HTTPResponse, FetchError> {
        guard let handle = curl_easy_init() else { return .failure(.transferFailed("libcurl could not start")) }
        defer { curl_easy_cleanup(handle) }
        state.handle = handle
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }

        var pins: UnsafeMutablePointer<curl_slist>?
        if !request.url.host.hasPrefix("[") {
            let addresses = request.pinnedAddresses.map(\.bracketed).joined(separator: ",")
            pins = curl_slist_append(nil, "\(request.url.host):\(request.url.port):\(addresses)")
        }
        let headers = curl_slist_append(nil, "Accept: text/html,application/xhtml+xml,text/plain;q=0.9,application/json;q=0.9,*/*;q=0.1")
        defer { curl_slist_free_all(pins); curl_slist_free_all(headers) }

        let statePointer = Unmanaged.passUnretained(state).toOpaque()
        let setup = [
            ccurl_setopt_pointer(handle, CURLOPT_URL, request.url.text),
            ccurl_setopt_pointer(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            ccurl_setopt_pointer(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"),
            ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
            ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            // No proxy: a proxy would resolve the host itself and bypass the pinning.
            ccurl_setopt_pointer(handle, CURLOPT_PROXY, ""),
            ccurl_setopt_slist(handle, CURLOPT_RESOLVE, pins),
            ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers),
            ccurl_setopt_pointer(handle, CURLOPT_USERAGENT, request.userAgent),
            ccurl_setopt_pointer(handle, CURLOPT_ACCEPT_ENCODING, ""),
            ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout.wholeMilliseconds)),
            ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, Int(request.remainingTime.wholeMilliseconds))),
            // Refuses early when Content-Length says too much; the write callback
            // enforces the cap on what actually arrives (decoded).
            ccurl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maximumBytes)),
            ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer),
            ccurl_setopt_write_function(handle, writeCallback),
            ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, statePointer),
            ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0),
            ccurl_setopt_xferinfo_function(handle, progressCallback),
            ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, statePointer),
        ]
        if let failed = setup.first(where: { $0 != CURLE_OK }) {
            return .failure(.transferFailed(String(cString: curl_easy_strerror(failed))))
        }

        let code = curl_easy_perform(handle)
        if code != CURLE_OK {
            return .failure(error(for: code, request: request, state: state, handle: handle, message: String(cString: errorBuffer)))
        }
        var status = 0
        var contentType: UnsafeMutablePointer<CChar>?
        var redirect: UnsafeMutablePointer<CChar>?
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        _ = ccurl_getinfo_string(handle, CURLINFO_CONTENT_TYPE, &contentType)
        _ = ccurl_getinfo_string(handle, CURLINFO_REDIRECT_URL, &redirect)
        return .success(HTTPResponse(
            status: status, contentType: contentType.map { String(cString: $0) },
            redirectURL: redirect.map { String(cString: $0) }, body: state.body))
    }

    private static func error(
        for code: CURLcode, request: TransferRequest, state: TransferState, handle: UnsafeMutableRawPointer, message: String
    ) -> FetchError {
        let reason = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
        switch code {
        case CURLE_WRITE_ERROR where state.exceededCap, CURLE_FILESIZE_EXCEEDED:
            return .tooLarge(limit: request.maximumBytes)
        case CURLE_WRITE_ERROR where state.refusedType != nil:
            return .unsupportedContentType(state.refusedType ?? "")
        case CURLE_OPERATION_TIMEDOUT:
            var connectTime: curl_off_t = 0
            _ = ccurl_getinfo_off_t(handle, CURLINFO_CONNECT_TIME_T, &connectTime)
            return connectTime == 0 && request.connectTimeout <= request.remainingTime
                ? .connectTimeout(request.connectTimeout) : .totalTimeout(request.totalTimeout)
        case CURLE_COULDNT_RESOLVE_HOST: return .cannotResolve(host: request.url.host)
        case CURLE_UNSUPPORTED_PROTOCOL: return .unsupportedScheme(request.url.scheme)
        case CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION,
             CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            return .connectionFailed(reason)
        default: return .transferFailed(reason)
        }
    }
}

/// State shared with libcurl's callbacks, which cannot capture: passed as WRITEDATA and
/// XFERINFODATA. Only the transfer's thread touches it, except `cancelled`.
private final class TransferState: @unchecked Sendable {
    let maximumBytes: Int
    let cancelled = Atomic<Bool>(false)
    var handle: UnsafeMutableRawPointer?
    var body: [UInt8] = []
    var sawFirstBytes = false
    var keepsBody = false
    var exceededCap = false
    var refusedType: String?

    init(maximumBytes: Int) { self.maximumBytes = maximumBytes }

    /// Takes one decoded chunk; false aborts the transfer.
    func receive(_ chunk: UnsafeRawBufferPointer) -> Bool {
        if !sawFirstBytes {
            sawFirstBytes = true
            keepsBody = startsUsefulBody()
            if refusedType != nil { return false }
        }
        guard keepsBody else { return true }  // the body of a redirect or an error page
        guard body.count + chunk.count <= maximumBytes else {
            exceededCap = true
            return false
        }
        body.append(contentsOf: chunk)
        return true
    }

    /// Whether the answer is a 2xx whose body we want; refuses a content type we cannot
    /// read as soon as the headers are in, before downloading it.
    private func startsUsefulBody() -> Bool {
        guard let handle else { return false }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard (200..<300).contains(status) else { return false }
        var type: UnsafeMutablePointer<CChar>?
        _ = ccurl_getinfo_string(handle, CURLINFO_CONTENT_TYPE, &type)
        if let type, case .unsupported(let name) = ContentKind(contentType: String(cString: type)) {
            refusedType = name
        }
        return true
    }
}

private let writeCallback: curl_write_callback = { data, size, count, userData in
    guard let userData else { return 0 }
    let state = Unmanaged<TransferState>.fromOpaque(userData).takeUnretainedValue()
    let length = size * count
    return state.receive(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private let progressCallback: curl_xferinfo_callback = { userData, _, _, _, _ in
    guard let userData else { return 1 }
    return Unmanaged<TransferState>.fromOpaque(userData).takeUnretainedValue().cancelled.load(ordering: .relaxed) ? 1 : 0
}
