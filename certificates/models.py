"""Models of the certificates app; they arrive with the rule engine, ledger and certificates."""
