"""kmigrate: migrate Keras 1 code to Keras 3 and prove the rewrite."""

__version__ = "0.1.0"
