"""`python -m budgetlint` runs the command line."""

from budgetlint.cli import main

main()
