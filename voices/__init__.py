"""eldermode.voices."""
