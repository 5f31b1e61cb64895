/// A residual connection (He et al. 2016): `x + sublayer(x)`.
public func residual(_ x: Tensor, _ sublayer: (Tensor) -> Tensor) -> Tensor {
    x + sublayer(x)
}

/// `x += y` over `count` elements.
@inlinable
func addInPlace(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { x[i] += y[i] }
}
