"""The daily reconciliation, read back from Accurate: per outlet and local day, the POS's sales,
receipts by payment method, returns, the money paid back, deposits and stock movements beside what
Accurate holds for the outlet's branch and that date, document by document. See docs/design.md,
"Reconciliation"."""
