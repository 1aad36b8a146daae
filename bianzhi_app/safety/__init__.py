"""Data safety building blocks that know nothing of the business data.

Each module works on a file path with the standard library's sqlite3 (never SQLAlchemy):

* ``locations``: is the book on a local disk, or on a network share / cloud-sync folder?
* ``lock``: the single-writer lock file next to the book (``book.db.lock``).
* ``backup``: online backups with a manifest, verification, GFS thinning, restore.
* ``check``: ``quick_check``, a read-only health check that never raises.

Every message meant for a user is Chinese; every refusal is a ``BianzhiError`` subclass.
"""
