"""Models of the credits app; they arrive with the rule engine, ledger and certificates."""
