"""One module per `toolkit` subcommand: each parses, calls the modules that do the work, formats and exits."""
