import Layers
import Model
import Testing

@Suite("BertModel backward")
struct BertModelBackwardTests {
    @Test("every parameter's gradient matches transformers.BertModel (2 layers, padding, pooler)")
    func pytorch() throws {
        let f = try GradientFixture("bert_model")
        let config = BertConfig(
            vocabSize: 23, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 32,
            hiddenAct: "gelu", maxPositionEmbeddings: 8, typeVocabSize: 2, layerNormEps: 1e-12)
        var model = try BertModel(config: config)
        try model.load(try f.parameters())
        let (ids, types, mask) = (
            try f.intRows("input.ids"), try f.intRows("input.type_ids"), try f.intRows("input.attention_mask")
        )
        let (output, cache) = try model.forwardForTraining(ids: ids, typeIds: types, attentionMask: mask)
        expectGradient(
            output.lastHiddenState, try f.tensor("output.last_hidden_state"), tolerance: 1e-5,
            "BertModel last hidden state")
        expectGradient(
            output.pooled, try f.tensor("output.pooled"), tolerance: 1e-5, "BertModel pooler output")
        let inference = try model.forward(ids: ids, typeIds: types, attentionMask: mask).lastHiddenState
        expectGradient(output.lastHiddenState, inference, tolerance: 1e-5, "training output = inference output")
        var gradients = Gradients()
        model.backward(
            try f.tensor("upstream.last_hidden_state"), dPooled: try f.tensor("upstream.pooled"), cache: cache,
            gradients: &gradients)
        try expectGradients(gradients, match: f, tolerance: 1e-3, "BertModel")
        #expect(gradients.names == model.namedParameters().map(\.name).sorted())
    }

    @Test("matches finite differences with BERT's dropouts on, by Hugging Face name")
    func finiteDifferences() throws {
        let config = BertConfig(
            vocabSize: 7, hiddenSize: 4, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 6,
            hiddenAct: "gelu", maxPositionEmbeddings: 4, typeVocabSize: 2, layerNormEps: 1e-12)
        let model = perturbed(try BertModel(config: config, seed: 1), seed: 2)
        let ids = [[2, 5, 6], [1, 3, 4]]  // no pad id 0: its row gets no gradient by design
        let mask = [[1, 1, 1], [1, 1, 0]]
        let dh = gaussian([2, 3, 4], seed: 3)
        let dp = gaussian([2, 4], seed: 4)
        let rates = DropoutRates(attention: 0.1, hidden: 0.1)
        func run(_ m: BertModel) -> (output: BertTrainingOutput, cache: BertModelCache)? {
            var g = SeededGenerator(seed: 5)
            return try? m.forwardForTraining(ids: ids, attentionMask: mask, dropout: rates, generator: &g)
        }
        func loss(_ m: BertModel) -> Double {
            guard let out = run(m)?.output, let pooled = out.pooled else { return .nan }
            return weightedSum(out.lastHiddenState, dh) + weightedSum(pooled, dp)
        }
        var gradients = Gradients()
        model.backward(dh, dPooled: dp, cache: try #require(run(model)).cache, gradients: &gradients, prefix: "bert")
        let only: Set = [
            "bert.embeddings.word_embeddings.weight", "bert.embeddings.token_type_embeddings.weight",
            "bert.encoder.layer.0.attention.self.key.weight", "bert.encoder.layer.1.output.LayerNorm.bias",
            "bert.pooler.dense.weight",
        ]
        let numerical = numericalParameterGradients(model, prefix: "bert", only: only) { loss($0) }
        expectGradients(gradients, matchNumerical: numerical, "BertModel")
        #expect(gradients.names == model.namedParameters(prefix: "bert").map(\.name).sorted())
    }
}
