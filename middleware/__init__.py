"""eldermode.middleware: the HTTP side."""
