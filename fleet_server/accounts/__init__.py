"""Accounts: users with their roles and hashed passwords, login tokens, API keys, and the login
throttle; its routes are /auth, /users and /apikeys."""
