import Foundation

/// The figures a `ponder-agent` run wrote, served to the web page as
/// `GET /files/<run>/<name>`: only images, only from the run's own folder under
/// the server's output folder, only regular files (a symbolic link the run's Python
/// code made is refused, whatever it points to).
///
/// A run's name is the id of its answer (`chatcmpl-` and 24 hexadecimal digits); a
/// file's name is letters, digits, `-`, `_` and `.`, not starting with a dot, ending
/// in an image extension. Anything else, `..` and `%2F` included, is a 404 before
/// the file system is asked.
enum FigureFiles {
    /// Larger files are not served (a figure is far smaller).
    static let maximumBytes = 16 << 20

    /// The content type of each extension served.
    static let contentTypes = ["png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"]

    /// Why a file is not served.
    enum Refusal: Error, Equatable {
        /// The run or file name is not one the server makes.
        case invalidName
        /// No such regular file in the run's folder (or too large to serve).
        case notFound
    }

    /// The path of a file on the page.
    static func url(run: String, name: String) -> String {
        "/files/\(run)/\(name)"
    }

    /// Whether `run` is a run's name: `chatcmpl-` and 24 lowercase hexadecimal digits.
    static func isRunName(_ run: String) -> Bool {
        let prefix = "chatcmpl-"
        guard run.hasPrefix(prefix) else { return false }
        let digits = run.dropFirst(prefix.count)
        return digits.count == 24 && digits.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// The content type of `name` when it is a file name the server serves, else nil.
    static func contentType(ofName name: String) -> String? {
        guard !name.isEmpty, name.count <= 128, !name.hasPrefix("."),
              name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }),
              let dot = name.lastIndex(of: ".")
        else { return nil }
        return contentTypes[name[name.index(after: dot)...].lowercased()]
    }

    /// The bytes and content type of `name` in the folder of `run` under `root`.
    /// Blocking: call it off the cooperative pool (`load`).
    static func read(root: String, run: String, name: String) throws(Refusal) -> (bytes: Data, contentType: String) {
        guard isRunName(run), let contentType = contentType(ofName: name) else { throw .invalidName }
        let folderPath = URL(fileURLWithPath: root).appendingPathComponent(run).path
        // O_NOFOLLOW on the run's folder and on the file: a symbolic link in place of
        // either fails to open.
        let folder = open(folderPath, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard folder >= 0 else { throw .notFound }
        defer { close(folder) }
        let descriptor = openat(folder, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { throw .notFound }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size <= maximumBytes else {
            throw .notFound
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        let bytes: Data
        do {
            bytes = try handle.read(upToCount: maximumBytes) ?? Data()
        } catch {
            throw .notFound
        }
        return (bytes, contentType)
    }

    /// `read` on a thread of its own, so a slow disk never holds the cooperative pool.
    static func load(root: String, run: String, name: String) async -> Result<(bytes: Data, contentType: String), Refusal> {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(Refusal) in try read(root: root, run: run, name: name) })
            }
        }
    }
}
