"""`python -m demo`: seed the demo into a migrated store (the same as `python -m demo.seed`)."""

from demo.seed import main

main()
