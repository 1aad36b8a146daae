"""Excel import and export, without the database."""
