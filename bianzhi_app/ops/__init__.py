"""Operations: one function per user-visible change, each taking the open `Tx` first."""
