"""`python -m screening.cli`: the same command as `screening`."""
from screening.cli import main

main()
