"""The ``kennis/feedback`` plugin: the reader-feedback widget and the reported-outdated banner."""
