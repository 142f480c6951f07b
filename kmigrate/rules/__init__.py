"""One module per rule, auto-registered: each defines a ``Rule`` subclass with its docs, detection and fix."""
