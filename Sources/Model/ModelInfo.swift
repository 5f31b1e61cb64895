public enum ModelInfo { public static let name = "TinyEncoder" }
