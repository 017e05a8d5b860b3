"""Simulated ROS 2 robots for the fleet: Nav2's actions, pose, battery, camera, speech, deck."""
