"""Human output of the CLI, drawn with Rich on stderr. The library never imports this package."""
