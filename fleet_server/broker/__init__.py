"""The production Mosquitto broker and the logins on it: the configuration, password file and
access rules it reads, their files on disk and the reload, the broker's certificates, each robot's
and the server's MQTT account (table and service), and the `fleet broker` commands."""
