"""The Accurate add-on's pages: the Apps page, the add-on page with its panels, and each outlet's mapping."""
