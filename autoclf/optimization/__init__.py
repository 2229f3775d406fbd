"""The search: SMAC proposes, the loop runs trials under the budget."""
