"""Models of the credits app: policies and the credit ledger."""

from .ledger import CreditLedgerEntry, EntryType
from .policies import Policy, PolicyBonusRate, PolicyRequirement

__all__ = ["CreditLedgerEntry", "EntryType", "Policy", "PolicyBonusRate", "PolicyRequirement"]
