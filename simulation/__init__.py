"""Built-in fleet simulator: the kinematic SimDriver and a runner for many simulated agents."""
