"""The /auth, /users and /apikeys routes."""
