"""The `whosaid` command line: engine commands and service commands."""
