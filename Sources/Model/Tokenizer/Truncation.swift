/// How many word pieces of each segment to keep, by Hugging Face's default `longest_first` rule
/// (the Rust `tokenizers` algorithm, which sentence-transformers uses).
///
/// With `budget` pieces left after the special tokens and `n1 <= n2` the two lengths:
/// - both fit: keep everything;
/// - the shorter fits in half the budget: keep it whole, the longer keeps `budget - n1`;
/// - otherwise the shorter keeps `budget / 2` and the longer `budget / 2 + budget % 2`
///   (on equal lengths the second segment counts as the longer).
///
/// Python's `BertTokenizerLegacy` instead removes one piece at a time from the longer segment
/// (the second on a tie), which can hand the odd piece to the other segment: ten and twelve pieces
/// at budget 5 are kept as `2 + 3` here and `3 + 2` there.
enum Truncation {
    /// Pieces kept of a single segment of `count` pieces.
    static func kept(_ count: Int, budget: Int) -> Int { min(count, max(budget, 0)) }

    /// Pieces kept of two segments of `first` and `second` pieces.
    static func kept(first: Int, second: Int, budget: Int) -> (first: Int, second: Int) {
        if budget <= 0 { return (0, 0) }
        if first + second <= budget { return (first, second) }
        let swapped = first > second
        var shorter = swapped ? second : first
        var longer = shorter > budget ? shorter : max(shorter, budget - shorter)
        if shorter + longer > budget {
            shorter = budget / 2
            longer = shorter + budget % 2
        }
        return swapped
            ? (min(first, longer), min(second, shorter))
            : (min(first, shorter), min(second, longer))
    }
}
