import Foundation
import Layers

/// Adam with decoupled weight decay (Loshchilov & Hutter 2019), exactly as `torch.optim.AdamW`
/// with `amsgrad=False` (its single-tensor CPU path). For each parameter θ with gradient g, at
/// its step t (counted per parameter, from 1):
///
///     θ ← θ · (1 − lr · λ)                          decoupled weight decay
///     m ← m + (1 − β₁)(g − m)                       (torch: exp_avg.lerp_(g, 1 − β₁))
///     v ← β₂ v + (1 − β₂) g²
///     θ ← θ − lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
///
/// A parameter without a gradient (no entry in `Gradients`) is left alone and its step does not
/// advance, as PyTorch skips parameters whose `grad` is `None`. Scalars (bias corrections, step
/// size) are computed in Double and applied in Float, as PyTorch does with Python floats.
///
/// The state — `exp_avg`, `exp_avg_sq` and `step` per parameter, plus the optimizer's step count —
/// is exposed as named tensors (`stateTensors`, `restore`) and can be saved to a safetensors file,
/// so an interrupted run resumes exactly.
public struct AdamW: Sendable {
    /// The learning rate of the next step (set it from a schedule before each step).
    public var learningRate: Double
    /// β₁, β₂: decay rates of the first and second moment estimates.
    public var betas: (Double, Double)
    /// ε, added to the denominator.
    public var epsilon: Double
    /// λ, the decoupled weight decay.
    public var weightDecay: Double
    /// Whether a parameter (by name) is excluded from weight decay. Default: none is (PyTorch);
    /// `AdamW.transformersNoDecay` excludes biases and LayerNorm weights as Hugging Face's `Trainer` does.
    public var excludeFromWeightDecay: @Sendable (String) -> Bool

    /// The number of `step` calls so far (what a learning-rate schedule counts).
    public private(set) var stepCount: Int = 0

    struct Moments: Sendable {
        var exp_avg: Tensor
        var exp_avg_sq: Tensor
        var step: Int
    }
    private var moments: [String: Moments] = [:]

    /// An optimizer with PyTorch's defaults: `lr = 1e-3`, `betas = (0.9, 0.999)`, `eps = 1e-8`, `weight_decay = 0.01`.
    public init(
        learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), epsilon: Double = 1e-8,
        weightDecay: Double = 0.01,
        excludeFromWeightDecay: @escaping @Sendable (String) -> Bool = { _ in false }
    ) {
        precondition(
            learningRate >= 0 && epsilon >= 0 && weightDecay >= 0,
            "AdamW: learning rate, epsilon and weight decay must not be negative")
        precondition(
            (0..<1).contains(betas.0) && (0..<1).contains(betas.1), "AdamW: betas must be in [0, 1), got \(betas)")
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.excludeFromWeightDecay = excludeFromWeightDecay
    }

    /// Hugging Face `Trainer`'s rule: no weight decay on biases and LayerNorm weights.
    public static let transformersNoDecay: @Sendable (String) -> Bool = { name in
        name.hasSuffix("bias") || name.hasSuffix("LayerNorm.weight") || name.hasSuffix("norm.weight")
    }

    /// One update of every parameter of `parameters` that has a gradient in `gradients`
    /// (gradient names are the parameter names after `prefix`, as the backward passes write them).
    public mutating func step<P: ParameterVisitable>(parameters: inout P, gradients: Gradients, prefix: String = "") {
        stepCount += 1
        parameters.visitParameters(prefix: prefix) { name, value in
            guard let g = gradients[name] else { return }
            precondition(
                g.shape == value.shape,
                "AdamW: gradient of '\(name)' has shape \(g.shape), the parameter \(value.shape)")
            var state =
                moments.removeValue(forKey: name)
                ?? Moments(exp_avg: .zeros(value.shape), exp_avg_sq: .zeros(value.shape), step: 0)
            update(&value, gradient: g, state: &state, decay: excludeFromWeightDecay(name) ? 0 : weightDecay)
            moments[name] = state
        }
    }

    /// The update of one parameter (see the type's documentation).
    private func update(_ value: inout Tensor, gradient: Tensor, state: inout Moments, decay: Double) {
        state.step += 1
        let t = Double(state.step)
        let (beta1, beta2) = betas
        let decayFactor = Float(1 - learningRate * decay)
        let biasCorrection1 = 1 - Foundation.pow(beta1, t)
        let biasCorrection2Sqrt = (1 - Foundation.pow(beta2, t)).squareRoot()
        let stepSize = Float(learningRate / biasCorrection1)
        let (w1, b2, w2) = (Float(1 - beta1), Float(beta2), Float(1 - beta2))
        let (inverseCorrection2, eps) = (Float(1 / biasCorrection2Sqrt), Float(epsilon))
        value.withUnsafeMutableBufferPointer { p in
            gradient.withUnsafeBufferPointer { g in
                state.exp_avg.withUnsafeMutableBufferPointer { m in
                    state.exp_avg_sq.withUnsafeMutableBufferPointer { v in
                        for i in 0..<p.count {
                            if decay != 0 { p[i] *= decayFactor }
                            m[i] += w1 * (g[i] - m[i])
                            v[i] = v[i] * b2 + w2 * g[i] * g[i]
                            let denominator = v[i].squareRoot() * inverseCorrection2 + eps
                            p[i] -= stepSize * (m[i] / denominator)
                        }
                    }
                }
            }
        }
    }

    /// Forgets all state (moments and step counts).
    public mutating func reset() {
        moments.removeAll()
        stepCount = 0
    }

    // MARK: - State

    /// The state as named tensors, sorted by name: for each parameter with state,
    /// `<name>.exp_avg` and `<name>.exp_avg_sq` (the parameter's shape) and `<name>.step` (`[1]`,
    /// the parameter's own step count). Together with `stepCount` this is everything `restore` needs.
    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        moments.keys.sorted().flatMap { name -> [(name: String, tensor: Tensor)] in
            let s = moments[name]!
            return [
                (name + ".exp_avg", s.exp_avg), (name + ".exp_avg_sq", s.exp_avg_sq),
                (name + ".step", Tensor([Float(s.step)], shape: [1])),
            ]
        }
    }

    /// Replaces the state with one saved by `stateTensors()`.
    /// - Throws: `TrainingError.invalidState` when a parameter's tensors are incomplete or inconsistent.
    public mutating func restore(stateTensors tensors: [String: Tensor], stepCount: Int) throws(TrainingError) {
        var restored: [String: Moments] = [:]
        for key in tensors.keys where key.hasSuffix(".step") {
            let name = String(key.dropLast(".step".count))
            guard let m = tensors[name + ".exp_avg"], let v = tensors[name + ".exp_avg_sq"] else {
                throw .invalidState("'\(name)' has a step but no exp_avg/exp_avg_sq")
            }
            guard m.shape == v.shape else {
                throw .invalidState("'\(name)': exp_avg \(m.shape) and exp_avg_sq \(v.shape) differ in shape")
            }
            let stepValue = tensors[key]!.scalars
            guard stepValue.count == 1, let step = Int(exactly: stepValue[0]), step >= 0 else {
                throw .invalidState("'\(key)' is not one whole non-negative number")
            }
            restored[name] = Moments(exp_avg: m, exp_avg_sq: v, step: step)
        }
        let known = Set(restored.keys.flatMap { [$0 + ".exp_avg", $0 + ".exp_avg_sq", $0 + ".step"] })
        if let stray = tensors.keys.sorted().first(where: { !known.contains($0) }) {
            throw .invalidState("'\(stray)' belongs to no parameter's state")
        }
        guard stepCount >= 0 else { throw .invalidState("step count \(stepCount) is negative") }
        moments = restored
        self.stepCount = stepCount
    }

    /// Writes the state to a safetensors file: the tensors of `stateTensors()`, with the step count
    /// and hyperparameters in the header's metadata.
    /// - Throws: `SafeTensorsError` naming the path.
    public func save(to url: URL) throws(SafeTensorsError) {
        let metadata = [
            "optimizer": "AdamW", "step_count": String(stepCount), "lr": String(learningRate),
            "betas": "\(betas.0),\(betas.1)", "eps": String(epsilon), "weight_decay": String(weightDecay),
        ]
        try SafeTensors.write(stateTensors(), metadata: metadata, to: url)
    }

    /// Restores the state written by `save(to:)` (hyperparameters stay as they are).
    /// - Throws: `SafeTensorsError` for an unreadable file, `TrainingError.invalidState` for one that is not AdamW state.
    public mutating func load(from url: URL) throws {
        let file = try SafeTensorsFile(url: url)
        guard file.metadata["optimizer"] == "AdamW", let count = file.metadata["step_count"].flatMap({ Int($0) }) else {
            throw TrainingError.invalidState("\(url.path) has no AdamW step count in its metadata")
        }
        var tensors: [String: Tensor] = [:]
        for name in file.names { tensors[name] = try file.tensor(name) }
        try restore(stateTensors: tensors, stepCount: count)
    }
}

/// A linear warm-up then linear decay to 0, as `transformers.get_linear_schedule_with_warmup`:
/// the learning rate after `s` completed steps is `peak · f(s)` with
///
///     f(s) = s / max(1, warmup)                                   for s < warmup
///     f(s) = max(0, (total − s) / max(1, total − warmup))         otherwise
///
/// (PyTorch's `LambdaLR` uses `f(0)` for the first step, `f(1)` after one `scheduler.step()`, …).
public struct LinearWarmupSchedule: Sendable, Equatable {
    /// The learning rate at the end of warm-up.
    public var peakLearningRate: Double
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(peakLearningRate: Double, warmupSteps: Int, totalSteps: Int) {
        precondition(warmupSteps >= 0 && totalSteps >= 0, "schedule steps must not be negative")
        self.peakLearningRate = peakLearningRate
        self.warmupSteps = warmupSteps
        self.totalSteps = totalSteps
    }

    /// `f(step)`, the factor on the peak rate.
    public func multiplier(afterSteps step: Int) -> Double {
        if step < warmupSteps { return Double(step) / Double(max(1, warmupSteps)) }
        return max(0, Double(totalSteps - step) / Double(max(1, totalSteps - warmupSteps)))
    }

    /// The learning rate of the step that follows `step` completed steps.
    public func learningRate(afterSteps step: Int) -> Double { peakLearningRate * multiplier(afterSteps: step) }
}
