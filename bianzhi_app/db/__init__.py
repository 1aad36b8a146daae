"""Storage: schema, engine setup and migrations."""

# Bumped with every new migration; a test checks it equals Alembic's head so opening an
# up-to-date book never has to import Alembic.
SCHEMA_HEAD = "0005"
