import Foundation

/// Where `ponder` finds the files it reads at run time (prompts, the default model).
///
/// Two layouts are known. Installed (`tools/install --prefix PREFIX`): the binary is
/// `PREFIX/bin/ponder` and its files are in `PREFIX/share/ponder/` (`prompts/`,
/// `models/`). Built in a checkout: the binary is `.build/<configuration>/ponder` and the
/// files are the checkout's own `prompts/` and `models/`, a few folders above it.
/// Both are found from the executable's real path, so the working directory does not
/// matter.
public enum RuntimeFiles {
    /// The folder under the installation prefix that holds Ponder's files.
    public static let sharedFolder = "share/ponder"

    /// How many folders above the executable a checkout's files may be
    /// (`.build/<triple>/release/ponder` is three below the checkout).
    static let checkoutDepth = 4

    /// This program's executable as the kernel knows it (`/proc/self/exe`), with its
    /// links resolved: right however it was started (through `$PATH`, a relative path
    /// or a link). Where there is no `/proc`, the first command-line argument.
    public static var executablePath: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).resolvingSymlinksInPath().path
    }

    /// The places `relativePath` (such as `prompts` or `models/NAME.gguf`) may be for the
    /// program `executable`, in the order to try them: the installed layout
    /// (`PREFIX/share/ponder/relativePath` for `PREFIX/bin/ponder`), then `relativePath`
    /// beside the executable and in the folders above it (a checkout's build).
    public static func candidates(_ relativePath: String, executable: String = executablePath) -> [String] {
        let binFolder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [binFolder.deletingLastPathComponent().appendingPathComponent(sharedFolder + "/" + relativePath).path]
        var directory = binFolder
        for _ in 0..<checkoutDepth {
            candidates.append(directory.appendingPathComponent(relativePath).path)
            directory = directory.deletingLastPathComponent()
        }
        return candidates
    }
}
