/// A small command-line parser: long options (`--name value`, `--name=value`), short aliases
/// (`-k value`), flags, repeated options, positionals, and `--` to end the options.
///
/// It knows nothing about any one command: a command declares its options as `OptionSpec`s and
/// reads the typed values back from `ParsedArguments`. Every mistake a user can make is a
/// `UsageError` with a one-line message (and a suggestion for a misspelt option).
public struct ArgumentParser: Sendable {
    /// The options the command accepts (`--help`/`-h` is always accepted).
    public let options: [OptionSpec]

    public init(options: [OptionSpec]) {
        var seen = Set<String>()
        for option in options {
            for name in option.allNames {
                precondition(seen.insert(name).inserted, "option \(name) is declared twice")
            }
        }
        self.options = options
    }

    /// Splits `arguments` (without the program and subcommand names) into options and positionals.
    /// - Throws: `UsageError` for an unknown option, a missing value, a value given to a flag,
    ///   or a non-repeatable option given twice.
    public func parse(_ arguments: [String]) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            // "--name=value" or "--name"; "-k" (a short alias, no bundling).
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if name == "--help" || name == "-h" {
                guard inlineValue == nil else { throw UsageError("\(name) takes no value") }
                parsed.helpRequested = true
                continue
            }
            guard let option = options.first(where: { $0.allNames.contains(name) }) else {
                throw UsageError("unknown option '\(name)'" + suggestion(for: name))
            }
            switch option.kind {
            case .flag:
                guard inlineValue == nil else { throw UsageError("\(option.name) takes no value") }
                guard !parsed.flags.contains(option.key) || option.repeatable else {
                    throw UsageError("\(option.name) is given twice")
                }
                parsed.flags.insert(option.key)
            case .value:
                let value: String
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < arguments.count else {
                        throw UsageError("\(option.name) needs a value (\(option.placeholder))")
                    }
                    value = arguments[index]
                    index += 1
                }
                guard parsed.values[option.key] == nil || option.repeatable else {
                    throw UsageError("\(option.name) is given twice")
                }
                parsed.values[option.key, default: []].append(value)
            }
        }
        return parsed
    }

    /// " (did you mean '--batch-size'?)" for a name close to a known option, else "".
    func suggestion(for name: String) -> String {
        let candidates = options.flatMap(\.allNames).filter { $0.hasPrefix("--") } + ["--help"]
        return ArgumentParser.closest(to: name, among: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// The candidate spelled most like `word` (Levenshtein distance at most 2, or a third of its
    /// length), for "did you mean" hints; nil when none is close.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word, $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }
}

/// One option a command accepts.
public struct OptionSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Present or absent: `--quiet`.
        case flag
        /// Takes one value: `--top 5`, `--top=5`.
        case value
    }

    /// The long name with its dashes: `"--batch-size"`.
    public let name: String
    /// Other spellings: `["-k"]`.
    public let aliases: [String]
    public let kind: Kind
    /// The value's name in help and errors: `"N"`, `"FILE"`.
    public let placeholder: String
    /// One line for the help text.
    public let help: String
    /// Whether the option may be given more than once (values accumulate).
    public let repeatable: Bool

    /// A flag.
    public static func flag(_ name: String, aliases: [String] = [], help: String) -> OptionSpec {
        OptionSpec(name: name, aliases: aliases, kind: .flag, placeholder: "", help: help, repeatable: false)
    }

    /// An option with a value.
    public static func value(
        _ name: String, aliases: [String] = [], placeholder: String, help: String, repeatable: Bool = false
    ) -> OptionSpec {
        OptionSpec(
            name: name, aliases: aliases, kind: .value, placeholder: placeholder, help: help, repeatable: repeatable)
    }

    init(name: String, aliases: [String], kind: Kind, placeholder: String, help: String, repeatable: Bool) {
        precondition(name.hasPrefix("--") && name.count > 2, "an option's name starts with --, got '\(name)'")
        precondition(
            aliases.allSatisfy { $0.hasPrefix("-") && $0 != "-" && $0 != "--" }, "aliases start with -, got \(aliases)")
        precondition(!name.contains("="), "an option's name cannot contain '=': \(name)")
        self.name = name
        self.aliases = aliases
        self.kind = kind
        self.placeholder = placeholder
        self.help = help
        self.repeatable = repeatable
    }

    /// The name without dashes: the key in `ParsedArguments`.
    public var key: String { String(name.dropFirst(2)) }
    var allNames: [String] { [name] + aliases }

    /// `"  --top K, -k K"` padded, then the help line.
    public func helpLine(width: Int = 26) -> String {
        let spelled = allNames.map { kind == .value ? "\($0) \(placeholder)" : $0 }.joined(separator: ", ")
        let left = "  " + spelled
        return left.count + 2 <= width
            ? left.padding(toLength: width, withPad: " ", startingAt: 0) + help
            : left + "\n" + String(repeating: " ", count: width) + help
    }
}

/// What the user typed, sorted into flags, values and positionals.
public struct ParsedArguments: Sendable, Equatable {
    /// Keys (names without dashes) of the flags given.
    public var flags: Set<String> = []
    /// Values of each option given, in order.
    public var values: [String: [String]] = [:]
    /// Everything else, in order (`-` included: it usually means stdin).
    public var positionals: [String] = []
    /// `--help` or `-h` was given.
    public var helpRequested = false

    public init() {}

    /// Whether the flag `--key` was given.
    public func flag(_ key: String) -> Bool { flags.contains(key) }

    /// The value of `--key`, if given (the last one for a repeatable option).
    public func value(_ key: String) -> String? { values[key]?.last }

    /// All values of a repeatable `--key`.
    public func allValues(_ key: String) -> [String] { values[key] ?? [] }

    /// `--key` as an integer in `range`.
    /// - Throws: `UsageError` when the value is not an integer or is outside the range.
    public func integer(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(UsageError) -> Int? {
        guard let text = value(key) else { return nil }
        guard let n = Int(text) else { throw UsageError("--\(key) needs an integer, got '\(text)'") }
        guard range.contains(n) else {
            if range.upperBound == Int.max {
                throw UsageError("--\(key) must be at least \(range.lowerBound), got \(n)")
            }
            throw UsageError("--\(key) must be between \(range.lowerBound) and \(range.upperBound), got \(n)")
        }
        return n
    }

    /// `--key` as one of `choices`.
    /// - Throws: `UsageError` naming the choices.
    public func choice(_ key: String, _ choices: [String]) throws(UsageError) -> String? {
        guard let text = value(key) else { return nil }
        guard choices.contains(text) else {
            throw UsageError("--\(key) must be one of \(choices.joined(separator: ", ")); got '\(text)'")
        }
        return text
    }

    /// `--key K/N` as a shard: 0 ≤ K < N.
    /// - Throws: `UsageError` for anything else.
    public func shard(_ key: String) throws(UsageError) -> Shard? {
        guard let text = value(key) else { return nil }
        guard let shard = Shard(text) else {
            throw UsageError("--\(key) needs K/N with 0 <= K < N (for example 0/4), got '\(text)'")
        }
        return shard
    }
}

/// A slice of the work: every `count`-th batch, starting at batch `index` (both from 0).
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init?(index: Int, count: Int) {
        guard count > 0, index >= 0, index < count else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses "K/N".
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(index: k, count: n)
    }

    /// Whether batch number `batch` (from 0) belongs to this shard.
    public func contains(batch: Int) -> Bool { batch % count == index }

    public var description: String { "\(index)/\(count)" }
}

/// A mistake on the command line; the command prints it and exits with status 2.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The Levenshtein distance between two strings, by characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in stride(from: 1, through: b.count, by: 1) {
            current[j] = Swift.min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
