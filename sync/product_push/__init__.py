"""Push products straight to Accurate's item list, in batches of 100, in the background."""
