"""Getting products ready for Accurate: SKU checks and the Excel export for its item import."""
