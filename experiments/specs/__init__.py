"""Sweep specs shipped with verkosto (``verkosto sweep NAME`` finds them by name)."""
