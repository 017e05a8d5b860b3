"""`python -m fleet_sim_robot --spec robots.json`: the simulated robots of a robots file."""

from fleet_sim_robot.host import main

main()
