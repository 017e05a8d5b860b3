"""`python -m fleet_server` runs the `fleet` command."""

from fleet_server.cli import main

main()
