import Foundation
import Layers
import Model

/// `tiny-encoder train`: distil a sentence-embedding teacher into a small student, train a text
/// classifier, or evaluate a student against its teacher. A thin layer over `Model.Trainer`.
enum TrainCommand: Subcommand {
    static let name = "train"
    static let summary = "train a small encoder: distil a teacher, classify texts, evaluate a student"
    static let synopsis = "tiny-encoder train distill|classify|evaluate [options]"
    static let discussion = """
        train distill --teacher DIR --corpus FILE --output DIR
          The student (a BertModel + the teacher's pooling + normalisation) learns the teacher's
          embeddings of the corpus (one text per line; computed once and cached). Loss: the MSE
          between the student's and the teacher's in-batch cosine-similarity matrices, plus the
          cosine distance to the teacher's embeddings projected on their top principal directions
          (a fixed projection used in training only). --vocab teacher|N|FILE: the teacher's
          vocabulary, one of at most N tokens cut from it on the corpus (default 8192), or a vocab.txt.
          The output folder loads in transformers, sentence-transformers and tiny-encoder.
        train classify --data TSV --output DIR
          label<TAB>text lines; a BertModel + --pooling cls|mean + a linear head, cross-entropy.
          Starts from --init DIR (a model folder) or a random model of --layers/--width/...
          (with --vocab FILE, or the vocabulary of --teacher). Writes the encoder folder plus
          classifier.safetensors (head and labels).
        train evaluate --model DIR --teacher DIR --eval FILE
          Spearman correlation of the pairwise cosine similarities and top-10 overlap with the teacher.

        AdamW with linear warm-up (10 %) and decay, gradient clipping (--max-grad-norm), dropout
        from the seeded generator. Checkpoints (model, optimizer, step, data position) go to
        --checkpoint-dir (default OUTPUT.checkpoint) every --checkpoint-every steps and on Ctrl-C;
        --resume continues exactly where the checkpoint stopped (same losses, bit for bit).
        """
    static let examples = [
        (
            "distil all-MiniLM-L6-v2 into a 2-layer, 128-wide student",
            "tiny-encoder train distill --teacher weights/all-MiniLM-L6-v2 --corpus corpus.txt --output student --steps 2000"
        ),
        ("continue an interrupted run", "tiny-encoder train distill ... --resume"),
        (
            "a sentiment classifier",
            "tiny-encoder train classify --data train.tsv --init weights/default --output clf --steps 300"
        ),
        (
            "how close is the student",
            "tiny-encoder train evaluate --model student --teacher weights/all-MiniLM-L6-v2 --eval held-out.txt"
        ),
    ]
    static let options: [OptionSpec] = [
        .value("--teacher", placeholder: "DIR", help: "the teacher model folder (distill, evaluate)"),
        .value("--corpus", placeholder: "FILE", help: "training texts, one per line (distill)"),
        .value("--data", placeholder: "TSV", help: "label<TAB>text lines (classify)"),
        .value("--eval", placeholder: "FILE", help: "held-out texts (distill: evaluated at the end; evaluate)"),
        .value("--output", aliases: ["-o"], placeholder: "DIR", help: "the model folder to write"),
        .value("--model", aliases: ["-m"], placeholder: "DIR", help: "the student to evaluate (evaluate)"),
        .value("--init", placeholder: "DIR", help: "start from this model folder (classify)"),
        .value("--layers", placeholder: "N", help: "student layers (default 2)"),
        .value("--width", placeholder: "D", help: "student width (default 128)"),
        .value("--heads", placeholder: "H", help: "attention heads (default 4)"),
        .value("--ff", placeholder: "F", help: "feed-forward width (default 4 x width)"),
        .value("--max-length", placeholder: "T", help: "token limit, specials included (default 64)"),
        .value("--vocab", placeholder: "V", help: "teacher, a size N (reduced, default 8192) or a vocab.txt"),
        .value("--pooling", placeholder: "MODE", help: "cls or mean (classify; default cls)"),
        .value("--steps", placeholder: "N", help: "optimizer steps (default 1000)"),
        .value("--batch-size", placeholder: "B", help: "examples per step (default 32)"),
        .value("--lr", placeholder: "RATE", help: "peak learning rate (default 5e-4)"),
        .value("--weight-decay", placeholder: "W", help: "AdamW weight decay (default 0.01)"),
        .value("--max-grad-norm", placeholder: "N", help: "clip the global gradient norm (default 1)"),
        .value("--dropout", placeholder: "P", help: "hidden and attention dropout (default 0.1)"),
        .value("--similarity-weight", placeholder: "W", help: "weight of the similarity-matrix loss (default 10)"),
        .value(
            "--projection-weight", placeholder: "W", help: "weight of the projected-teacher loss (default 1; 0 = off)"),
        .value("--seed", placeholder: "N", help: "seeds the model, data order and dropout (default 0)"),
        .value(
            "--checkpoint-every", placeholder: "N", help: "checkpoint every N steps (default 200; 0 = only at the end)"),
        .value("--checkpoint-dir", placeholder: "DIR", help: "checkpoint folder (default OUTPUT.checkpoint)"),
        .flag("--resume", help: "continue from the checkpoint folder"),
        .value("--loss-svg", placeholder: "FILE", help: "write the loss curve as SVG"),
        .value("--dtype", placeholder: "TYPE", help: "f32 or f16 for model.safetensors (default f32)"),
        .value(
            "--teacher-cache", placeholder: "FILE",
            help: "teacher embeddings cache (default CHECKPOINT_DIR/teacher.safetensors)"),
        SharedOptions.threads, SharedOptions.quiet,
    ]

    static func run(_ arguments: ParsedArguments) throws {
        guard let mode = arguments.positionals.first else {
            throw UsageError("train needs a mode: distill, classify or evaluate")
        }
        guard arguments.positionals.count == 1 else {
            throw UsageError("train takes one mode, got '\(arguments.positionals.joined(separator: " "))'")
        }
        if let threads = try arguments.integer("threads", in: 1...1024) { ComputeThreads.count = threads }
        switch mode {
        case "distill": try distill(arguments)
        case "classify": try classify(arguments)
        case "evaluate": try evaluate(arguments)
        default:
            let hint =
                ArgumentParser.closest(to: mode, among: ["distill", "classify", "evaluate"]).map {
                    " (did you mean '\($0)'?)"
                } ?? ""
            throw UsageError("unknown train mode '\(mode)'\(hint); modes: distill, classify, evaluate")
        }
    }

    // MARK: - Modes

    static func distill(_ arguments: ParsedArguments) throws {
        let teacher = try loadModel(try required(arguments, "teacher"))
        let corpusPath = try required(arguments, "corpus")
        let output = URL(fileURLWithPath: try required(arguments, "output"))
        let architecture = try self.architecture(arguments)
        let corpus = try readLines(corpusPath)
        let options = try trainingOptions(arguments, output: output)
        let quiet = arguments.flag("quiet")
        let student = try SentenceEncoder.student(
            of: teacher, architecture: architecture, vocabulary: try vocabulary(arguments), corpus: corpus,
            seed: options.seed)
        log(
            quiet,
            "student: \(architecture.layers) layers, width \(architecture.width), \(architecture.heads) heads, feed-forward \(architecture.feedForward), \(student.tokenizer.vocabularySize) tokens, \(Progress.grouped(student.model.parameterCount)) parameters; \(corpus.count) texts"
        )
        let cache =
            arguments.value("teacher-cache").map(URL.init(fileURLWithPath:))
            ?? options.checkpointDirectory!.appendingPathComponent("teacher.safetensors")
        let started = Date()
        let teacherEmbeddings = try TeacherEmbeddings.load(
            teacher: teacher, texts: corpus, maxLength: architecture.maxLength, cache: cache
        ) { done, total in
            log(
                quiet,
                "teacher embeddings: \(done)/\(total)  \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
        }
        var projection: Tensor?
        if architecture.width < teacher.dimension {
            // [D, Dt]
            projection = PrincipalComponents.basis(of: teacherEmbeddings, count: architecture.width, seed: options.seed)
        }
        let task = try DistillationTask(
            sequences: student.trainingSequences(corpus), teacherEmbeddings: teacherEmbeddings, projection: projection,
            pooling: student.sentenceConfig.pooling, padId: student.tokenizer.padId,
            similarityWeight: try float(arguments, "similarity-weight") ?? 10,
            projectionWeight: try float(arguments, "projection-weight") ?? 1)
        var trainer = Trainer(task: task, parameters: student.model, options: options)
        try train(&trainer, arguments, quiet: quiet)
        let trained = SentenceEncoder(
            model: trainer.parameters, tokenizer: student.tokenizer, sentenceConfig: student.sentenceConfig)
        try trained.save(
            to: output, dtype: try dtype(arguments),
            metadata: ["trained_by": "tiny-encoder train distill", "steps": String(trainer.step)])
        log(quiet, "saved \(output.path)")
        if let evalPath = arguments.value("eval") {
            let texts = try readLines(evalPath)
            let result = DistillationEvaluation(
                student: try trained.embeddingMatrix(texts), teacher: try teacher.embeddingMatrix(texts))
            Output.printToStdout("held-out: \(result.summary)\n")
        }
    }

    static func classify(_ arguments: ParsedArguments) throws {
        let dataPath = try required(arguments, "data")
        let output = URL(fileURLWithPath: try required(arguments, "output"))
        let quiet = arguments.flag("quiet")
        let data = try LabelledTexts(tsv: try readText(dataPath), file: dataPath)
        let pooling = PoolingStrategy(rawValue: try arguments.choice("pooling", ["cls", "mean"]) ?? "cls")!
        let options = try trainingOptions(arguments, output: output)
        let base: SentenceEncoder
        if let initPath = arguments.value("init") {
            base = try loadModel(initPath)
        } else {
            let architecture = try self.architecture(arguments)
            let tokenizer: BertTokenizer
            if let vocab = arguments.value("vocab"), vocab != "teacher", Int(vocab) == nil {
                tokenizer = try BertTokenizer(vocabularyFile: URL(fileURLWithPath: vocab))
            } else if let teacherPath = arguments.value("teacher") {
                tokenizer = try loadModel(teacherPath).tokenizer
            } else {
                throw UsageError(
                    "classify needs --init DIR, or --vocab FILE or --teacher DIR for a new model's vocabulary")
            }
            var config = architecture.config(vocabularySize: tokenizer.vocabularySize)
            config.padTokenId = tokenizer.padId
            base = SentenceEncoder(
                model: try BertModel(config: config, seed: options.seed), tokenizer: tokenizer,
                sentenceConfig: SentenceTransformersConfig(
                    pooling: pooling, normalize: false, maxSequenceLength: architecture.maxLength))
        }
        let task = ClassificationTask(sequences: base.trainingSequences(data.texts), targets: data.targets)
        let classifier = TextClassifier(
            encoder: base.model, classes: data.labels.count, pooling: pooling, seed: options.seed)
        log(
            quiet,
            "classifier: \(data.labels.count) classes (\(data.labels.joined(separator: ", "))), \(data.texts.count) examples, \(pooling.rawValue) pooling"
        )
        var trainer = Trainer(task: task, parameters: classifier, options: options)
        try train(&trainer, arguments, quiet: quiet)
        let trained = trainer.parameters
        var sentenceConfig = base.sentenceConfig
        sentenceConfig.pooling = pooling
        try SentenceEncoder(model: trained.encoder, tokenizer: base.tokenizer, sentenceConfig: sentenceConfig)
            .save(to: output, dtype: try dtype(arguments), metadata: ["trained_by": "tiny-encoder train classify"])
        try trained.saveHead(to: output.appendingPathComponent("classifier.safetensors"), labels: data.labels)
        let accuracy = zip(try trained.predict(task.sequences), data.targets).filter { $0 == $1 }.count
        Output.printToStdout("training accuracy: \(accuracy)/\(data.texts.count)\n")
        log(quiet, "saved \(output.path)")
    }

    static func evaluate(_ arguments: ParsedArguments) throws {
        let student = try loadModel(try required(arguments, "model"))
        let teacher = try loadModel(try required(arguments, "teacher"))
        let texts = try readLines(try required(arguments, "eval"))
        let result = DistillationEvaluation(
            student: try student.embeddingMatrix(texts), teacher: try teacher.embeddingMatrix(texts))
        Output.printToStdout(result.summary + "\n")
    }

    // MARK: - Shared

    /// Resumes when asked, runs with progress on stderr and checkpoints, stops cleanly on Ctrl-C, writes the loss SVG.
    static func train<T: TrainingTask>(_ trainer: inout Trainer<T>, _ arguments: ParsedArguments, quiet: Bool) throws {
        let directory = trainer.options.checkpointDirectory!
        if arguments.flag("resume") {
            guard TrainingCheckpoint.exists(in: directory) else {
                throw CommandError("--resume: no checkpoint in \(directory.path)")
            }
            try trainer.resume(from: directory)
            log(quiet, "resumed at step \(trainer.step) from \(directory.path)")
        }
        var lastLine = Date.distantPast
        try trainer.run(
            shouldStop: { Interrupt.received.load(ordering: .relaxed) },
            report: { progress in
                if !quiet,
                    Date().timeIntervalSince(lastLine) >= 5 || progress.step == progress.totalSteps
                        || progress.step == 1
                {
                    lastLine = Date()
                    Diagnostics.write(progress.line + "\n")
                }
            })
        if let svg = arguments.value("loss-svg") {
            try LossCurveSVG.write(losses: trainer.losses, to: URL(fileURLWithPath: svg))
        }
        if !trainer.isFinished {
            throw CommandError(
                "stopped at step \(trainer.step) of \(trainer.options.steps); checkpoint in \(directory.path) (add --resume to continue)"
            )
        }
    }

    static func trainingOptions(_ arguments: ParsedArguments, output: URL) throws -> TrainingOptions {
        var options = TrainingOptions(
            steps: try arguments.integer("steps", in: 1...100_000_000) ?? 1000,
            batchSize: try arguments.integer("batch-size", in: 1...100_000) ?? 32,
            learningRate: try float(arguments, "lr").map(Double.init) ?? 5e-4,
            seed: UInt64(try arguments.integer("seed", in: 0...Int.max) ?? 0))
        options.weightDecay = try float(arguments, "weight-decay").map(Double.init) ?? 0.01
        options.maxGradientNorm = try float(arguments, "max-grad-norm") ?? 1
        if options.maxGradientNorm! <= 0 { options.maxGradientNorm = nil }
        let p = try float(arguments, "dropout") ?? 0.1
        guard (0..<1).contains(p) else { throw UsageError("--dropout must be in [0, 1), got \(p)") }
        options.dropout = DropoutRates(attention: p, hidden: p)
        options.checkpointEvery = try arguments.integer("checkpoint-every", in: 0...Int.max) ?? 200
        options.checkpointDirectory = URL(
            fileURLWithPath: arguments.value("checkpoint-dir") ?? output.path + ".checkpoint")
        return options
    }

    static func architecture(_ arguments: ParsedArguments) throws -> StudentArchitecture {
        let width = try arguments.integer("width", in: 8...4096) ?? 128
        let heads = try arguments.integer("heads", in: 1...256) ?? 4
        guard width % heads == 0 else { throw UsageError("--width \(width) is not divisible by --heads \(heads)") }
        return StudentArchitecture(
            layers: try arguments.integer("layers", in: 1...48) ?? 2, width: width, heads: heads,
            feedForward: try arguments.integer("ff", in: 1...65536) ?? 4 * width,
            maxLength: try arguments.integer("max-length", in: 4...4096) ?? 64)
    }

    static func vocabulary(_ arguments: ParsedArguments) throws -> StudentVocabulary {
        guard let value = arguments.value("vocab") else { return .reduced(size: 8192) }
        if value == "teacher" { return .teacher }
        if let size = Int(value) {
            guard size >= 16 else { throw UsageError("--vocab size must be at least 16, got \(size)") }
            return .reduced(size: size)
        }
        return .file(URL(fileURLWithPath: value))
    }

    static func dtype(_ arguments: ParsedArguments) throws -> SafeTensorsDType {
        try arguments.choice("dtype", ["f32", "f16"]) == "f16" ? .f16 : .f32
    }

    static func float(_ arguments: ParsedArguments, _ key: String) throws -> Float? {
        guard let text = arguments.value(key) else { return nil }
        guard let x = Float(text), x.isFinite, x >= 0 else {
            throw UsageError("--\(key) needs a non-negative number, got '\(text)'")
        }
        return x
    }

    static func required(_ arguments: ParsedArguments, _ key: String) throws -> String {
        guard let value = arguments.value(key) else { throw UsageError("--\(key) is required") }
        return value
    }

    static func loadModel(_ path: String) throws -> SentenceEncoder {
        do { return try SentenceEncoder(directory: URL(fileURLWithPath: path)) } catch {
            throw CommandError("cannot load the model in \(path): \(describe(error))")
        }
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandError("cannot read \(path)") }
        guard let text = String(data: data, encoding: .utf8) else { throw CommandError("\(path) is not UTF-8") }
        return text
    }

    /// The non-blank lines of a file.
    static func readLines(_ path: String) throws -> [String] {
        let lines = try readText(path).split(whereSeparator: \.isNewline).map(String.init)
            .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !lines.isEmpty else { throw CommandError("\(path) has no texts") }
        return lines
    }

    static func log(_ quiet: Bool, _ message: String) {
        if !quiet { Diagnostics.write(message + "\n") }
    }
}
