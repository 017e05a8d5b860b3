"""Sites: the site maps loaded and validated from missions/sites/*.yaml (the registry) and the
route graph robots drive on; its routes are /sites."""
