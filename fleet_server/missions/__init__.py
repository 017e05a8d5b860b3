"""Missions: what an operator asks for (requests and the mission table), how a mission is checked,
planned, compiled into VDA 5050 orders, assigned to a robot, released in parts, tracked from the
robot's state, resumed, reconciled and ended with its result; the service the routes and other
domains use; its routes are /missions."""
