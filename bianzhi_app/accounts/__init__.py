"""Accounts, roles, review and the security log (issue 15): who acts, and no quota change on one word.

`roles` says who may do what; `passwords` hashes and judges passwords; `store` keeps accounts, the
policy and signing in; `review` keeps proposals; `seclog` is the chained security log; `area` is the
typed API the Book exposes (`book.accounts`, `book.review`, `book.audit`).
"""
