import Foundation

/// A loss curve as a small standalone SVG: every step's loss (light) and a moving average (dark),
/// a log-scaled y axis when the losses span more than a factor of 20, and labelled axes.
public enum LossCurveSVG {
    /// The SVG text for `losses` (one per step, from step 1).
    public static func render(losses: [Float], title: String = "training loss") -> String {
        let (width, height, left, right, top, bottom) = (720.0, 360.0, 64.0, 16.0, 32.0, 40.0)
        let finite = losses.map(Double.init).filter { $0.isFinite && $0 > 0 }
        let low = finite.min() ?? 1e-3
        let high = finite.max() ?? 1
        let logScale = high / max(low, 1e-12) > 20
        func y(_ v: Double) -> Double {
            let (a, b, x) = logScale ? (log10(low), log10(high), log10(max(v, low))) : (0, high, v)
            let f = b > a ? (x - a) / (b - a) : 0.5
            return top + (1 - f) * (height - top - bottom)
        }
        func x(_ i: Int) -> Double { left + Double(i) / Double(max(losses.count - 1, 1)) * (width - left - right) }
        func path(_ values: [Double]) -> String {
            values.enumerated().filter { $0.element.isFinite }.map {
                String(format: "%.1f,%.1f", x($0.offset), y($0.element))
            }
            .joined(separator: " ")
        }
        var smoothed: [Double] = []
        var average = Double(losses.first ?? 0)
        for v in losses.map(Double.init) {
            average = smoothed.isEmpty ? v : 0.95 * average + 0.05 * v
            smoothed.append(average)
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="20" font-size="13">\(title) (\(losses.count) steps\(logScale ? ", log scale" : ""))</text>
            <line x1="\(left)" y1="\(height - bottom)" x2="\(width - right)" y2="\(height - bottom)" stroke="black"/>
            <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(height - bottom)" stroke="black"/>

            """
        for tick in 0...4 {
            let v =
                logScale ? pow(10, log10(low) + Double(tick) / 4 * (log10(high) - log10(low))) : high * Double(tick) / 4
            svg += String(
                format: "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n", left - 6, y(v) + 4, v)
        }
        svg += String(
            format: "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">step</text>\n", (left + width) / 2, height - 8)
        svg += "<text x=\"\(left)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">1</text>\n"
        svg +=
            "<text x=\"\(width - right)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(losses.count)</text>\n"
        svg +=
            "<polyline fill=\"none\" stroke=\"#9ecae1\" stroke-width=\"1\" points=\"\(path(losses.map(Double.init)))\"/>\n"
        svg += "<polyline fill=\"none\" stroke=\"#08519c\" stroke-width=\"2\" points=\"\(path(smoothed))\"/>\n"
        svg += "</svg>\n"
        return svg
    }

    /// Writes the SVG atomically.
    public static func write(losses: [Float], to url: URL, title: String = "training loss") throws {
        try writeAtomically(Data(render(losses: losses, title: title).utf8), to: url)
    }
}
