"""What every route shares: the dependencies that give a route the fleet and the caller (deps), the
role groups that guard routes (roles), and the health route."""
