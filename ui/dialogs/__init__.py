"""One dialog per operation; each shows the live figures it touches before confirming."""
