"""Writes of the mapping app: the connection to Accurate, its cached lists, key rotation."""
