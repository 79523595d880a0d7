"""The Accurate Online client: OAuth, sessions, one HTTP seam, typed errors, rate limiter. No models."""
