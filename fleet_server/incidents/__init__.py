"""Incidents and the field logbook: a reported incident becomes a respond mission for a capable
robot and is followed to its end; the hash-chained logbook keeps what robots and operators did
where (visits, incidents, unexpected orders); its routes are /incidents and /logbook."""
