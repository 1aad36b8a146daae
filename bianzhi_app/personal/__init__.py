"""Personal data (issue 16): ID numbers encrypted at rest, looked up by a keyed hash, masked by default.

`crypto` is the one place that encrypts, decrypts, hashes and masks an ID number (`PersonalKeys`); `keyring`
keeps the book's data key wrapped per account, once by the recovery key, or "open" in a book without
accounts. Nothing here logs or prints a full ID number or a key.
"""
