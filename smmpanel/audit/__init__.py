"""The audit log: written by the domain actions, inside their own transactions (`log.record`,
with an `log.Actor` saying who acted); read by the back-office."""
