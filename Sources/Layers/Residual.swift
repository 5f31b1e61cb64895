/// A residual connection (He et al. 2016): `x + sublayer(x)`.
public func residual(_ x: Tensor, _ sublayer: (Tensor) -> Tensor) -> Tensor {
    x + sublayer(x)
}
