"""`python -m budgetlint` runs the command line."""

from budgetlint.entry import console

console()
