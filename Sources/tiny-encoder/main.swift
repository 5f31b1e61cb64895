print("tiny-encoder")
