"""Migration scripts, applied in revision order by models.db.upgrade_database."""
