import Foundation
import Layers

/// How a run trains: the optimizer's settings, the schedule, clipping, dropout and checkpoints.
public struct TrainingOptions: Sendable {
    /// Optimizer steps in all (the schedule decays to 0 at the last).
    public var steps: Int
    /// B, examples per step.
    public var batchSize: Int = 32
    /// The peak learning rate (reached at the end of warm-up).
    public var learningRate: Double = 5e-4
    /// Warm-up steps; `nil` means 10 % of `steps`.
    public var warmupSteps: Int?
    /// AdamW's decoupled weight decay (not on biases and LayerNorm weights, as Hugging Face's `Trainer`).
    public var weightDecay: Double = 0.01
    /// The global gradient norm is clipped to this (`torch.nn.utils.clip_grad_norm_`); `nil`: no clipping.
    public var maxGradientNorm: Float? = 1
    /// Seeds the data order and every dropout mask.
    public var seed: UInt64 = 0
    /// Dropout while training (the model's own rates by default; `.none` for none).
    public var dropout: DropoutRates = DropoutRates(attention: 0.1, hidden: 0.1)
    /// A checkpoint every N steps (0: none), and at the end when a folder is set.
    public var checkpointEvery: Int = 0
    /// Where checkpoints go (see `TrainingCheckpoint`).
    public var checkpointDirectory: URL?

    public init(steps: Int, batchSize: Int = 32, learningRate: Double = 5e-4, seed: UInt64 = 0) {
        precondition(steps > 0, "TrainingOptions: steps must be positive, got \(steps)")
        precondition(batchSize > 0, "TrainingOptions: batch size must be positive, got \(batchSize)")
        self.steps = steps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
    }

    /// The learning-rate schedule: linear warm-up, then linear decay to 0 at `steps`.
    public var schedule: LinearWarmupSchedule {
        LinearWarmupSchedule(
            peakLearningRate: learningRate, warmupSteps: warmupSteps ?? max(1, steps / 10), totalSteps: steps)
    }
}

/// Where a run is, reported after every step.
public struct TrainingProgress: Sendable {
    /// Steps done, and in all.
    public var step: Int
    public var totalSteps: Int
    /// This step's loss, and an exponential moving average (α = 0.05) of the losses so far.
    public var loss: Float
    public var smoothedLoss: Float
    /// The learning rate this step used, and the gradient norm before clipping.
    public var learningRate: Double
    public var gradientNorm: Float
    /// Steps per second since this process started training, and the time left at that rate.
    public var stepsPerSecond: Double
    public var secondsLeft: Double

    /// "step 120/2000  loss 0.0412 (avg 0.0455)  lr 4.8e-04  |g| 0.81  2.31 steps/s  ETA 13:34".
    public var line: String {
        let eta = Int(secondsLeft.isFinite ? secondsLeft.rounded() : 0)
        return "step \(step)/\(totalSteps)  loss " + String(format: "%.4f (avg %.4f)", loss, smoothedLoss)
            + String(
                format: "  lr %.1e  |g| %.2f  %.2f steps/s  ETA %d:%02d", learningRate, gradientNorm, stepsPerSecond,
                eta / 60, eta % 60)
    }
}

/// A training loop: AdamW with a linear warm-up/decay schedule, gradient clipping by global norm,
/// seeded dropout and data order, and checkpoints that resume exactly.
///
/// Each step `s` (from 0):
///
///     batch     = BatchOrder(seed).batch(step: s)                   the data order
///     generator = SeededGenerator(seed: dropoutSeed(seed, s))      the dropout masks
///     loss, g   = task.lossAndGradients(parameters, batch, dropout, generator)
///     g         = g · min(1, maxNorm / (|g| + 1e-6))                clipping
///     lr        = schedule.learningRate(afterSteps: s)
///     parameters ← AdamW(parameters, g, lr)
///
/// Everything a step depends on is the parameters, the optimizer state and `s`, all of which a
/// checkpoint stores, so a run interrupted after step k and resumed gives the same losses, bit for
/// bit, as one that was never interrupted (on the same machine and thread count).
public struct Trainer<Task: TrainingTask>: Sendable {
    public let task: Task
    public let options: TrainingOptions
    /// The parameters being trained.
    public var parameters: Task.Parameters
    public private(set) var optimizer: AdamW
    /// Steps done.
    public private(set) var step = 0
    /// The loss of every step done, in order (restored from a checkpoint on resume).
    public private(set) var losses: [Float] = []
    private var order: BatchOrder

    public init(task: Task, parameters: Task.Parameters, options: TrainingOptions) {
        self.task = task
        self.options = options
        self.parameters = parameters
        optimizer = AdamW(
            learningRate: options.learningRate, weightDecay: options.weightDecay,
            excludeFromWeightDecay: AdamW.transformersNoDecay)
        order = BatchOrder(count: task.exampleCount, batchSize: options.batchSize, seed: options.seed)
    }

    /// Whether every step has been taken.
    public var isFinished: Bool { step >= options.steps }

    /// One optimizer step. Returns the loss (before the update) and the gradient norm (before clipping).
    @discardableResult
    public mutating func trainStep() throws -> (loss: Float, gradientNorm: Float) {
        let batch = order.batch(step: step)
        var generator = SeededGenerator(seed: dropoutSeed(options.seed, step: step))
        var (loss, gradients) = try task.lossAndGradients(
            parameters, batch: batch, dropout: options.dropout, generator: &generator)
        guard loss.isFinite else { throw TrainingRunError.nonFiniteLoss(step: step + 1, loss: loss) }
        let norm = options.maxGradientNorm.map { gradients.clip(maxNorm: $0) } ?? gradients.globalNorm
        optimizer.learningRate = options.schedule.learningRate(afterSteps: step)
        optimizer.step(parameters: &parameters, gradients: gradients)
        step += 1
        losses.append(loss)
        return (loss, norm)
    }

    /// Trains until `options.steps` (or `stopAt`, if sooner), writing a checkpoint every
    /// `options.checkpointEvery` steps and at the end, and calling `report` after every step.
    /// `shouldStop` is asked before each step (an interrupt); a stop leaves a checkpoint behind.
    public mutating func run(
        stopAt: Int? = nil, shouldStop: () -> Bool = { false }, report: (TrainingProgress) -> Void = { _ in }
    ) throws {
        let end = min(stopAt ?? options.steps, options.steps)
        let start = Date()
        let firstStep = step
        var smoothed = losses.last ?? 0
        var lastCheckpoint = step
        while step < end {
            if shouldStop() { break }
            let learningRate = options.schedule.learningRate(afterSteps: step)
            let (loss, norm) = try trainStep()
            smoothed = step == 1 ? loss : 0.95 * smoothed + 0.05 * loss
            let elapsed = Date().timeIntervalSince(start)
            let rate = Double(step - firstStep) / max(elapsed, 1e-9)
            report(
                TrainingProgress(
                    step: step, totalSteps: options.steps, loss: loss, smoothedLoss: smoothed,
                    learningRate: learningRate, gradientNorm: norm, stepsPerSecond: rate,
                    secondsLeft: Double(options.steps - step) / max(rate, 1e-9)))
            if options.checkpointEvery > 0, step % options.checkpointEvery == 0,
                let directory = options.checkpointDirectory
            {
                try saveCheckpoint(to: directory)
                lastCheckpoint = step
            }
        }
        if let directory = options.checkpointDirectory, lastCheckpoint != step { try saveCheckpoint(to: directory) }
    }

    /// Writes a checkpoint of the current step (see `TrainingCheckpoint`).
    public func saveCheckpoint(to directory: URL) throws {
        try TrainingCheckpoint.save(
            to: directory, parameters: parameters.namedParameters(), optimizer: optimizer,
            state: TrainingCheckpoint.State(
                step: step, seed: options.seed, batchSize: options.batchSize, totalSteps: options.steps,
                exampleCount: task.exampleCount, dataPosition: step * options.batchSize,
                epoch: step * options.batchSize / task.exampleCount, losses: losses))
    }

    /// Continues from the checkpoint in `directory`: parameters, optimizer state, step and losses.
    /// - Throws: `TrainingRunError.incompatibleCheckpoint` when it was made with another seed,
    ///   batch size, step count or data set; file errors naming the file.
    public mutating func resume(from directory: URL) throws {
        let (state, tensors) = try TrainingCheckpoint.load(from: directory, optimizer: &optimizer)
        let expected: [(String, Int, Int)] = [
            ("seed", Int(truncatingIfNeeded: options.seed), Int(truncatingIfNeeded: state.seed)),
            ("batch size", options.batchSize, state.batchSize), ("steps", options.steps, state.totalSteps),
            ("examples", task.exampleCount, state.exampleCount),
        ]
        for (what, mine, theirs) in expected where mine != theirs {
            throw TrainingRunError.incompatibleCheckpoint(
                directory.path, "it was made with \(what) \(theirs), this run has \(mine)")
        }
        try parameters.load(tensors, strict: true)
        step = state.step
        losses = state.losses
    }
}

/// Errors of a training run.
public enum TrainingRunError: Error, Equatable, CustomStringConvertible {
    /// The loss became NaN or infinite (a learning rate too high, or broken data).
    case nonFiniteLoss(step: Int, loss: Float)
    /// A checkpoint that does not belong to this run.
    case incompatibleCheckpoint(String, String)
    /// A data file that cannot be used, with the reason.
    case invalidData(file: String, reason: String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(step, loss):
            return "the loss became \(loss) at step \(step) (try a lower --lr)"
        case let .incompatibleCheckpoint(path, reason):
            return "cannot resume from \(path): \(reason)"
        case let .invalidData(file, reason):
            return "\(file): \(reason)"
        }
    }
}
