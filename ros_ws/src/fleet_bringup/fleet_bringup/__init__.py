"""fleet_bringup: launch files and their ROS-free layout logic for our robots on Nav2."""
