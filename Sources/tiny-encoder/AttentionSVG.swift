import Foundation
import Model

/// Attention weights as a labelled SVG heatmap: one panel per head in a grid, tokens on both
/// axes (attending tokens as rows, attended-to tokens as columns), a colour scale, and a
/// tooltip (`<title>`) on every cell with its two tokens and weight. `html` wraps the SVGs of
/// every layer in one page.
enum AttentionSVG {
    /// ColorBrewer "Blues", from white (no attention) to dark blue (all of it).
    static let palette: [(Double, Double, Double)] = [
        (247, 251, 255), (222, 235, 247), (198, 219, 239), (158, 202, 225), (107, 174, 214),
        (66, 146, 198), (33, 113, 181), (8, 81, 156), (8, 48, 107),
    ]

    /// The colour of a weight in [0, 1], on a square-root scale so small weights still show.
    static func color(_ weight: Float) -> String {
        let t = Double(max(0, min(1, weight))).squareRoot() * Double(palette.count - 1)
        let i = min(Int(t), palette.count - 2)
        let f = t - Double(i)
        let (a, b) = (palette[i], palette[i + 1])
        func mix(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// An SVG of the given heads of one layer (from 0).
    static func svg(_ map: AttentionMap, layer: Int, heads: [Int], text: String) -> String {
        let t = map.tokens.count
        let cell = t <= 16 ? 22.0 : max(5.0, (352.0 / Double(t)).rounded(.down))
        let font = min(12.0, cell * 0.72)
        let longest = Double(map.tokens.map(\.count).max() ?? 1)
        let labelSpace = (longest * font * 0.62 + 8).rounded(.up)
        let grid = Double(t) * cell
        let columns = min(heads.count, 4)
        let rows = (heads.count + columns - 1) / columns
        let panelWidth = labelSpace + grid + 28
        let panelHeight = 22 + labelSpace + grid + 20
        let top = 84.0
        // DejaVu Sans averages about 0.6 em per character: wide enough for the explanation line.
        let width = max(20 + Double(columns) * panelWidth, 560)
        let height = top + Double(rows) * panelHeight + 56
        let which = heads.count == 1 ? "head \(heads[0])" : "\(heads.count) heads"
        let title = "Attention weights, layer \(layer) of 0–\(map.layerCount - 1), \(which)"
        let quote = "“" + shortLabel(text, width: max(20, Int((width - 40) / (13 * 0.6)))) + "”"
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="20" y="26" font-size="16" font-weight="bold" fill="#111">\(escape(title))</text>
            <text x="20" y="46" font-size="13" fill="#111">\(escape(quote))</text>
            <text x="20" y="66" font-size="12" fill="#555">rows: attending token (query) · columns: attended-to token (key) · rows sum to 1</text>

            """
        for (p, head) in heads.enumerated() {
            let x0 = 20 + Double(p % columns) * panelWidth
            let y0 = top + Double(p / columns) * panelHeight
            let gridX = x0 + labelSpace
            let gridY = y0 + 22 + labelSpace
            let weights = map.weights(layer: layer, head: head)
            s +=
                "<g>\n<text x=\"\(n(gridX))\" y=\"\(n(y0 + 14))\" font-size=\"13\" font-weight=\"bold\" fill=\"#222\">head \(head)</text>\n"
            for (j, token) in map.tokens.enumerated() {
                let x = gridX + (Double(j) + 0.5) * cell + font * 0.35
                s +=
                    "<text transform=\"translate(\(n(x)),\(n(gridY - 5))) rotate(-90)\" font-size=\"\(n(font))\" fill=\"#222\">\(escape(token))</text>\n"
            }
            for (i, token) in map.tokens.enumerated() {
                let y = gridY + (Double(i) + 0.5) * cell + font * 0.35
                s +=
                    "<text x=\"\(n(gridX - 5))\" y=\"\(n(y))\" font-size=\"\(n(font))\" text-anchor=\"end\" fill=\"#222\">\(escape(token))</text>\n"
            }
            for i in 0..<t {
                for j in 0..<t {
                    let w = weights[i][j]
                    s +=
                        "<rect x=\"\(n(gridX + Double(j) * cell))\" y=\"\(n(gridY + Double(i) * cell))\" width=\"\(n(cell))\" height=\"\(n(cell))\" fill=\"\(color(w))\">"
                    s +=
                        "<title>\(escape("head \(head): \(map.tokens[i]) → \(map.tokens[j]) \(String(format: "%.3f", w))"))</title></rect>\n"
                }
            }
            s +=
                "<rect x=\"\(n(gridX))\" y=\"\(n(gridY))\" width=\"\(n(grid))\" height=\"\(n(grid))\" fill=\"none\" stroke=\"#999\" stroke-width=\"0.5\"/>\n</g>\n"
        }
        s += colorScale(x: 20, y: height - 40)
        return s + "</svg>\n"
    }

    /// A 240-pixel colour bar with ticks at 0, 0.05, 0.25, 0.5 and 1 (placed on the square-root scale).
    static func colorScale(x: Double, y: Double) -> String {
        let width = 240.0
        var s = "<defs><linearGradient id=\"attention-scale\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">"
        for k in 0...16 {
            let position = Double(k) / 16
            s += "<stop offset=\"\(n(position))\" stop-color=\"\(color(Float(position * position)))\"/>"
        }
        s += "</linearGradient></defs>\n"
        s += "<text x=\"\(n(x))\" y=\"\(n(y - 6))\" font-size=\"11\" fill=\"#444\">attention weight</text>\n"
        s +=
            "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"12\" fill=\"url(#attention-scale)\" stroke=\"#999\" stroke-width=\"0.5\"/>\n"
        for tick in [0, 0.05, 0.25, 0.5, 1] {
            let tx = x + tick.squareRoot() * width
            s +=
                "<line x1=\"\(n(tx))\" y1=\"\(n(y + 12))\" x2=\"\(n(tx))\" y2=\"\(n(y + 16))\" stroke=\"#444\" stroke-width=\"0.8\"/>"
            s +=
                "<text x=\"\(n(tx))\" y=\"\(n(y + 27))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#444\">\(tick == 0 || tick == 1 ? String(Int(tick)) : String(tick))</text>\n"
        }
        return s
    }

    /// A page with every layer's heads, the chosen layer open and the others folded.
    static func html(_ map: AttentionMap, layer selected: Int, heads: [Int], text: String) -> String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(escape("Attention: \(shortLabel(text, width: 60))"))</title>
            <style>
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; margin: 2em; color: #111; }
            summary { font-size: 1.1em; font-weight: bold; cursor: pointer; margin: 0.6em 0; }
            svg { max-width: 100%; height: auto; }
            </style>
            </head>
            <body>
            <h1>Attention weights</h1>
            <p>\(escape(text))</p>
            <p>\(map.layerCount) layers × \(map.headCount) heads, \(map.tokens.count) tokens. Hover a cell for its weight.</p>

            """
        for layer in 0..<map.layerCount {
            page += "<details\(layer == selected ? " open" : "")><summary>layer \(layer)</summary>\n"
            page += svg(map, layer: layer, heads: heads, text: text)
            page += "</details>\n"
        }
        return page + "</body>\n</html>\n"
    }

    /// XML-escaped text.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters even as references.
                if c.value < 0x20 && c != "\t" && c != "\n" && c != "\r" {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// A coordinate without needless decimals.
    private static func n(_ x: Double) -> String {
        x == x.rounded() ? String(Int(x)) : String(format: "%.2f", x)
    }
}
