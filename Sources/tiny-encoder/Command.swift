import Foundation
import Model

/// The subcommands and what they share: dispatch, help, and turning errors into exit statuses.
enum TinyEncoderCommand {
    static let version = "0.1.0"

    static var subcommands: [CommandEntry] {
        [
            CommandEntry(EmbedCommand.self), CommandEntry(TokenizeCommand.self), CommandEntry(SimilarityCommand.self),
            CommandEntry(SearchCommand.self), CommandEntry(InfoCommand.self), CommandEntry(AttentionCommand.self),
            CommandEntry(TrainCommand.self), CommandEntry(BenchCommand.self),
        ]
    }

    static var usage: String {
        var text = """
            tiny-encoder \(version): BERT-family sentence embeddings on the command line.

            Usage: tiny-encoder <command> [options] [arguments]

            Commands:

            """
        for command in subcommands {
            text += "  " + command.name.padding(toLength: 12, withPad: " ", startingAt: 0) + command.summary + "\n"
        }
        text += """

            Run 'tiny-encoder <command> --help' for a command's options and examples.
            The model is --model DIR, else $TINY_ENCODER_MODEL, else weights/default or
            weights/all-MiniLM-L6-v2 found upward from the executable or the current directory.

            """
        return text
    }

    /// Runs the command line `arguments` (without the program name) and returns the exit status.
    static func run(_ arguments: [String]) -> Int32 {
        guard let first = arguments.first else {
            Diagnostics.error(
                "no command given; commands: \(subcommands.map(\.name).joined(separator: ", ")) (try 'tiny-encoder --help')"
            )
            return ExitStatus.usage
        }
        switch first {
        case "-h", "--help", "help":
            if arguments.count > 1, let command = subcommands.first(where: { $0.name == arguments[1] }) {
                Output.printToStdout(command.help)
            } else {
                Output.printToStdout(usage)
            }
            return ExitStatus.success
        case "--version", "version":
            Output.printToStdout("tiny-encoder \(version)\n")
            return ExitStatus.success
        default:
            break
        }
        guard let command = subcommands.first(where: { $0.name == first }) else {
            let names = subcommands.map(\.name)
            let hint = ArgumentParser.closest(to: first, among: names).map { " (did you mean '\($0)'?)" } ?? ""
            Diagnostics.error("unknown command '\(first)'\(hint); commands: \(names.joined(separator: ", "))")
            return ExitStatus.usage
        }
        do {
            let parsed = try ArgumentParser(options: command.options).parse(Array(arguments.dropFirst()))
            if parsed.helpRequested {
                Output.printToStdout(command.help)
                return ExitStatus.success
            }
            try command.run(parsed)
            return ExitStatus.success
        } catch let error as UsageError {
            Diagnostics.error(error.message + " (see 'tiny-encoder \(command.name) --help')")
            return ExitStatus.usage
        } catch is Interrupted {
            Diagnostics.error("interrupted")
            return ExitStatus.interrupted
        } catch {
            Diagnostics.error(describe(error))
            return ExitStatus.failure
        }
    }
}

/// Exit statuses.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    static let interrupted: Int32 = 130
}

/// A subcommand as a value (name, help, options, entry point), so dispatch needs no existential metatypes.
struct CommandEntry {
    let name: String
    let summary: String
    let help: String
    let options: [OptionSpec]
    let run: (ParsedArguments) throws -> Void

    init<C: Subcommand>(_ command: C.Type) {
        name = C.name
        summary = C.summary
        help = C.help
        options = C.options
        run = C.run
    }
}

/// One subcommand: its name, help, options, and what it does.
protocol Subcommand {
    static var name: String { get }
    /// One line for the command list.
    static var summary: String { get }
    /// `tiny-encoder embed [options] [TEXT ...]`.
    static var synopsis: String { get }
    /// Paragraphs after the synopsis.
    static var discussion: String { get }
    /// Example command lines with a comment each.
    static var examples: [(String, String)] { get }
    static var options: [OptionSpec] { get }
    /// Runs; throws `UsageError` (status 2), `Interrupted` (130) or any other error (1).
    static func run(_ arguments: ParsedArguments) throws
}

extension Subcommand {
    static var help: String {
        var text = "Usage: \(synopsis)\n\n\(summary)\n"
        if !discussion.isEmpty { text += "\n\(discussion)\n" }
        text += "\nOptions:\n"
        for option in options { text += option.helpLine() + "\n" }
        text += OptionSpec.flag("--help", aliases: ["-h"], help: "show this help").helpLine() + "\n"
        if !examples.isEmpty {
            text += "\nExamples:\n"
            for (comment, line) in examples { text += "  # \(comment)\n  \(line)\n" }
        }
        return text
    }
}

/// An error the user can act on, printed as is.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The one-line text of any error: the library's errors describe themselves; Foundation's
/// give their localized description.
func describe(_ error: Error) -> String {
    if let error = error as? CocoaError { return error.localizedDescription }
    return String(describing: error)
}
