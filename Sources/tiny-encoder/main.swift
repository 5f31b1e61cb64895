// tiny-encoder: sentence embeddings, tokens, similarity, search and attention maps from a
// BERT-family checkpoint, on the command line. Dispatches to one subcommand and maps its
// outcome to an exit status: 0 success, 1 error, 2 usage error, 130 interrupted.
import Foundation

reexecWithFastKernelsIfNeeded()
Interrupt.install()
exit(TinyEncoderCommand.run(Array(CommandLine.arguments.dropFirst())))
