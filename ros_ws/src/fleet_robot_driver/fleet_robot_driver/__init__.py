"""The ROS 2 driver of robot_agent: rclpy lives in the node module, plain logic in conversions."""
