"""A local stand-in for Accurate Online that speaks the same protocol, run as its own process."""
