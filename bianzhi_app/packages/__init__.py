"""Data packages (数据上报, issue 18): county books report to the city in signed, encrypted files.

- `keys`: each book's signing pair (Ed25519) and encryption pair (X25519), the private parts sealed under the
  book's data key; the public part as one text block (`package key`), read back by `region add` and `--to`.
- `fileformat`: the package file (a zip of manifest, content and signature): building it, and verifying it all
  before anything is read from it.
- `build`: what a county puts in a package (its figures now or as of a day, the roster with each ID number
  encrypted to the receiving book).
- `area`: `book.regions` (register a subordinate region, a reviewed 机构编制事项) and `book.packages` (key,
  export, import, the city's figures per region, duplicates).
"""
